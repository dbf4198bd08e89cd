"""The plan's lines on the staff dashboard (conecta.dashboard), each linking to an admin list filtered with the
filters it already has (published, overdue, "Kichwa text: missing", the monitor's verdict).

- Planners: progress updates and indicator values awaiting publication, values the monitor disputed, overdue
  milestones, published records without their Kichwa text, the last changes.
- Implementers: the same, for the commitments their institution leads (commitments.roles.scope_filter); what
  awaits the planners' review is shown as waiting on others.
- The monitor (FCD): the published indicator values it has not verified or disputed yet, and the last changes.

Registered from CommitmentsConfig.ready(). Five queries at most, whatever the size of the plan.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, IntegerField, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from conecta.extensions import DashboardEntry, DashboardItem, DashboardList
from conecta.fallbacks import kichwa_missing_q

from . import roles
from .models import (
    ChangeRecord,
    Commitment,
    Evidence,
    Indicator,
    IndicatorValue,
    IndicatorVerification,
    Milestone,
    ProgressUpdate,
)

# The published records whose Kichwa text the dashboard counts: those a public page shows, with texts in Spanish
# and Kichwa (conecta.fallbacks.kichwa_missing_q: a text written in Spanish whose Kichwa is empty). The admin lists
# of these models have the filter "Kichwa text: missing" (commitments.staff.KichwaGapsAdminMixin).
KICHWA_MODELS = (Commitment, Milestone, ProgressUpdate, Indicator)
KICHWA_MISSING = "missing"
CHANGES_SHOWN = 10


def changelist(model, **params) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _scoped(queryset, user, path: str):
    condition = roles.scope_filter(user, path)
    return queryset if condition is None else queryset.filter(condition)


def _count_of(model):
    """The published records of one kind, of the commitment on the outer row, missing a Kichwa text."""
    rows = model.objects.filter(kichwa_missing_q(model), is_published=True, commitment=OuterRef("pk")).order_by()
    return Coalesce(
        Subquery(rows.values("commitment").annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


def missing_kichwa_items(user, group) -> list[DashboardItem]:
    """Published records without their Kichwa text, one line per kind, counted in one query: per commitment the
    user sees, then summed."""
    parts = [
        (Milestone, "milestones_missing_qu", _("Published milestones without Kichwa text")),
        (ProgressUpdate, "updates_missing_qu", _("Published progress updates without Kichwa text")),
        (Indicator, "indicators_missing_qu", _("Published indicators without Kichwa text")),
    ]
    commitments = _scoped(Commitment.objects.all(), user, "")
    totals = commitments.annotate(**{key: _count_of(model) for model, key, _label in parts}).aggregate(
        commitments_missing_qu_total=Count("pk", filter=kichwa_missing_q(Commitment) & Q(is_published=True)),
        **{f"{key}_total": Sum(key) for _model, key, _label in parts},
    )
    kinds = [(Commitment, "commitments_missing_qu", _("Published commitments without Kichwa text")), *parts]
    return [
        DashboardItem(
            group=group,
            label=label,
            count=totals[f"{key}_total"] or 0,
            url=changelist(model, is_published__exact="1", kichwa=KICHWA_MISSING),
            order=order,
        )
        for order, (model, key, label) in enumerate(kinds, start=900)
    ]


def last_changes(user) -> DashboardList:
    condition = roles.scope_filter_by_code(user)
    records = ChangeRecord.objects.all() if condition is None else ChangeRecord.objects.filter(condition)
    names = {model._meta.model_name: model._meta.verbose_name for model in (*KICHWA_MODELS, Evidence, IndicatorValue)}
    names[IndicatorVerification._meta.model_name] = IndicatorVerification._meta.verbose_name
    entries = []
    for record in records.order_by("-at", "-pk")[:CHANGES_SHOWN]:
        try:
            if record.action == ChangeRecord.Action.DELETED:
                raise NoReverseMatch
            url = reverse(f"admin:commitments_{record.model}_change", args=[record.object_id])
        except NoReverseMatch:
            url = changelist(ChangeRecord, model=record.model, object_id=record.object_id)
        entries.append(
            DashboardEntry(
                text=record.object_repr,
                url=url,
                when=record.at,
                who=record.user_display,
                what=f"{capfirst(names.get(record.model, record.model))} · {record.get_action_display()}",
            )
        )
    return DashboardList(title=_("Last changes to the plan"), url=changelist(ChangeRecord), entries=tuple(entries))


def monitor_items(group) -> list[DashboardItem]:
    unverified = IndicatorValue.objects.filter(is_published=True, verification__isnull=True)
    found = unverified.aggregate(count=Count("pk"), since=Min("created_at"))
    return [
        DashboardItem(
            group=group,
            label=_("Published indicator values to verify or dispute"),
            count=found["count"],
            url=changelist(IndicatorValue, is_published__exact="1", verification__isnull="True"),
            since=found["since"],
            order=300,
        )
    ]


def dashboard_items(request):
    user = request.user
    group = _("Action plan")
    planner = roles.is_planner(user)
    if not planner and roles.in_group(user, roles.MONITOR):
        yield from monitor_items(group)
        yield last_changes(user)
        return
    # Implementers wait on the planners to publish what they enter.
    publishes = "todo" if planner else "info"

    updates = _scoped(ProgressUpdate.objects.filter(is_published=False), user, "commitment__")
    found = updates.aggregate(count=Count("pk"), since=Min("created_at"))
    yield DashboardItem(
        group=group,
        label=_("Progress updates awaiting review"),
        count=found["count"],
        url=changelist(ProgressUpdate, is_published__exact="0"),
        since=found["since"],
        severity=publishes,
        order=300,
    )

    overdue = _scoped(
        Milestone.objects.filter(is_published=True).with_schedule().filter(overdue=True), user, "commitment__"
    )
    found = overdue.aggregate(count=Count("pk"), since=Min("due_on"))
    yield DashboardItem(
        group=group,
        label=_("Overdue milestones"),
        count=found["count"],
        url=changelist(Milestone, is_published__exact="1", vencido="si"),
        since=found["since"],
        severity="late",
        order=310,
    )

    values = _scoped(IndicatorValue.objects.all(), user, "indicator__commitment__")
    unpublished, disputed = Q(is_published=False), Q(verification__status=IndicatorVerification.Status.DISPUTED)
    found = values.aggregate(
        unpublished=Count("pk", filter=unpublished),
        unpublished_since=Min("created_at", filter=unpublished),
        disputed=Count("pk", filter=disputed),
        disputed_since=Min("verification__checked_at", filter=disputed),
    )
    yield DashboardItem(
        group=group,
        label=_("Indicator values awaiting publication"),
        count=found["unpublished"],
        url=changelist(IndicatorValue, is_published__exact="0"),
        since=found["unpublished_since"],
        severity=publishes,
        order=320,
    )
    yield DashboardItem(
        group=group,
        label=_("Indicator values the monitor disputed"),
        count=found["disputed"],
        url=changelist(IndicatorValue, verification__status__exact=IndicatorVerification.Status.DISPUTED),
        since=found["disputed_since"],
        order=330,
    )
    yield from missing_kichwa_items(user, _("Kichwa text"))
    yield last_changes(user)
