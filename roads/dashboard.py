"""Roads' lines on the staff dashboard (conecta.dashboard), each linking to the admin list filtered to exactly
what it counts (roads.admin's filters read the same conditions, `works_idle` and `requests_idle`).

- Planners: the road requests awaiting moderation (unless feedback's dashboard already counts them, as it counts
  every registered kind of contribution), the open requests with no change in REQUEST_IDLE_DAYS days, and the
  published works under way with no progress in WORK_IDLE_DAYS days (late).
- Implementers: the same two last lines, for the requests and works of their institution (roads.roles).
- The monitor (FCD) reads roads but acts on none of it: no line.

Registered from RoadsConfig.ready(). One query per line, whatever the amount of data.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.roles import is_planner
from conecta.extensions import DashboardItem
from feedback.contributions import contribution_kinds
from feedback.models import Moderation

from . import roles
from .models import RoadRequest, RoadRequestChange, RoadWork, WorkStatus

# A published work under way should report progress monthly: this long without any is late.
WORK_IDLE_DAYS = 45
# An open request this long without a change (a status, a note) is waiting on someone.
REQUEST_IDLE_DAYS = 30


def works_idle(queryset: QuerySet[RoadWork], today: date) -> QuerySet[RoadWork]:
    """Published works under way whose latest published progress is older than WORK_IDLE_DAYS, or that have none
    although they started before then (or give no start)."""
    cutoff = today - timedelta(days=WORK_IDLE_DAYS)
    never = Q(progress_on__isnull=True) & (Q(actual_start__isnull=True) | Q(actual_start__lt=cutoff))
    return queryset.filter(is_published=True, status=WorkStatus.IMPLEMENTATION).filter(
        Q(progress_on__lt=cutoff) | never
    )


def requests_idle(queryset: QuerySet[RoadRequest], now: datetime) -> QuerySet[RoadRequest]:
    """Approved, open requests received more than REQUEST_IDLE_DAYS ago with no change recorded since then."""
    cutoff = now - timedelta(days=REQUEST_IDLE_DAYS)
    recent = RoadRequestChange.objects.filter(request=OuterRef("pk"), changed_at__gte=cutoff)
    return (
        queryset.filter(moderation=Moderation.APPROVED, received_on__lt=timezone.localdate(cutoff))
        .exclude(status__in=RoadRequest.CLOSED_STATUSES)
        .exclude(Exists(recent))
    )


def changelist(model, **params) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _moderation_counted_by_feedback() -> bool:
    return any(kind.model is RoadRequest for kind in contribution_kinds())


def dashboard_items(request):
    user = request.user
    planner = is_planner(user)
    if not planner and roles.work_scope(user) is False:
        return  # the monitor reads; staff without a role or an institution have nothing here
    group = _("Roads")

    if planner and not _moderation_counted_by_feedback():
        found = RoadRequest.objects.filter(moderation=Moderation.PENDING).aggregate(
            count=Count("pk"), since=Min("created_at")
        )
        yield DashboardItem(
            group=group,
            label=_("Road requests awaiting moderation"),
            count=found["count"],
            url=changelist(RoadRequest, moderation=Moderation.PENDING),
            since=found["since"],
            order=600,
        )

    condition = roles.request_scope(user)
    visible = RoadRequest.objects.all() if condition is None else RoadRequest.objects.filter(condition)
    found = requests_idle(visible, timezone.now()).aggregate(count=Count("pk"), since=Min("received_on"))
    yield DashboardItem(
        group=group,
        label=_("Open road requests with no change in %(days)s days") % {"days": REQUEST_IDLE_DAYS},
        count=found["count"],
        url=changelist(RoadRequest, moderation=Moderation.APPROVED, sin_cambios="si"),
        since=found["since"],
        order=610,
    )

    scope = roles.work_scope(user)
    works = works_idle(roles.editable_works(user), timezone.localdate())
    found = works.aggregate(count=Count("pk"), since=Min(Coalesce("progress_on", "actual_start")))
    params = {"sin_avance": "si"}
    if scope:
        params["institution__id__exact"] = scope.pk
    yield DashboardItem(
        group=group,
        label=_("Road works under way with no progress in %(days)s days") % {"days": WORK_IDLE_DAYS},
        count=found["count"],
        url=changelist(RoadWork, **params),
        since=found["since"],
        severity="late",
        order=620,
    )
