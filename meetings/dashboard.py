"""The meetings' line on the staff dashboard (conecta.dashboard), and the admin list filter it links to.

Overdue agreements (past their due date, still pending or in progress): all of them for planners; for an
implementer, those of published meetings about the commitments their institution leads or owned by their
institution. The monitor reads the agreements but follows none up: no line.

Registered from MeetingsConfig.ready(). One query.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments import roles
from commitments.models import led_by_q
from conecta.extensions import DashboardItem

from .models import Agreement
from .selectors import OPEN_STATUSES


def of_institution_q(institution) -> Q:
    """The agreements an institution has to carry out: owned by it, or about a commitment it leads."""
    return Q(owner_institution=institution) | led_by_q(institution, through="commitment__")


class OwnInstitutionFilter(admin.SimpleListFilter):
    """For an implementer: the agreements of their institution (of_institution_q)."""

    title = _("responsible")
    parameter_name = "institucion"
    MINE = "mia"

    def lookups(self, request, model_admin):
        return [(self.MINE, _("My institution"))] if roles.scoped_institution(request.user) else []

    def queryset(self, request, queryset):
        if self.value() != self.MINE:
            return queryset
        institution = roles.scoped_institution(request.user)
        return queryset.filter(of_institution_q(institution)) if institution else queryset.none()


def dashboard_items(request):
    user = request.user
    overdue = Agreement.objects.filter(due_date__lt=timezone.localdate(), status__in=OPEN_STATUSES)
    params = {"overdue": "yes"}
    if not roles.is_planner(user):
        institution = roles.scoped_institution(user)
        if not institution:
            return  # the monitor, or staff without an institution
        overdue = overdue.filter(of_institution_q(institution), meeting__is_published=True)
        params[OwnInstitutionFilter.parameter_name] = OwnInstitutionFilter.MINE
    found = overdue.aggregate(count=Count("pk"), since=Min("due_date"))
    url = reverse("admin:meetings_agreement_changelist")
    yield DashboardItem(
        group=_("Meetings"),
        label=_("Overdue agreements"),
        count=found["count"],
        url=f"{url}?{urlencode(params)}",
        since=found["since"],
        severity="late",
        order=400,
    )
