"""The progress reports' lines on the staff dashboard (conecta.dashboard), and the admin list filters they link to.

- Planners: reports sent to review (awaiting approval), approved ones awaiting publication, and those whose PDFs
  failed or are stuck in rendering (as reports.services.reports_requeue_stuck sees them).
- Implementers: the narratives of draft reports they have to write (the commitments their institution leads).
- The monitor (FCD): the published reports of which some published commitment has no published assessment of
  its own dated after the report's period ended.

Registered from ReportsConfig.ready(). One query for each role.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments import roles
from commitments.models import Commitment
from conecta.extensions import DashboardItem

from .models import MonitorAssessment, Report, ReportNarrative, render_stuck_q

Status, RenderState = Report.Status, Report.RenderState


def render_needs_attention_q(now=None) -> Q:
    """Reports whose PDFs failed, or are stuck: queued longer than REPORTS_STUCK_MINUTES, or rendering longer than
    REPORTS_RENDER_STALE_MINUTES (what the beat sweep, reports_requeue_stuck, queues again)."""
    return Q(render_state=RenderState.FAILED) | render_stuck_q(now=now or timezone.now())


def awaiting_assessment_q() -> Q:
    """Published, current (not superseded) reports of which a published commitment of the plan has no published
    assessment by the monitor dated on or after the end of the report's period."""
    assessed = MonitorAssessment.objects.filter(
        commitment=OuterRef("pk"), is_published=True, assessed_on__gte=OuterRef(OuterRef("period_ends_on"))
    )
    unassessed = Commitment.objects.published().filter(plan=OuterRef("plan")).filter(~Exists(assessed))
    return Q(status=Status.PUBLISHED, superseded_at__isnull=True) & Q(Exists(unassessed))


def narrative_to_write_q() -> Q:
    return Q(report__status=Status.DRAFT) & (Q(text_es__isnull=True) | Q(text_es=""))


class RenderAttentionFilter(admin.SimpleListFilter):
    title = _("PDF rendering")
    parameter_name = "pdf"
    ATTENTION = "atencion"

    def lookups(self, request, model_admin):
        return [(self.ATTENTION, _("Failed or stuck"))]

    def queryset(self, request, queryset):
        return queryset.filter(render_needs_attention_q()) if self.value() == self.ATTENTION else queryset


class AwaitingAssessmentFilter(admin.SimpleListFilter):
    title = _("monitor's assessment (FCD)")
    parameter_name = "evaluacion"
    AWAITING = "pendiente"

    def lookups(self, request, model_admin):
        return [(self.AWAITING, _("Awaiting the monitor's assessment"))]

    def queryset(self, request, queryset):
        return queryset.filter(awaiting_assessment_q()) if self.value() == self.AWAITING else queryset


class NarrativeToWriteFilter(admin.SimpleListFilter):
    title = _("narrative")
    parameter_name = "narrativa"
    TO_WRITE = "por-escribir"

    def lookups(self, request, model_admin):
        return [(self.TO_WRITE, _("To write (draft reports)"))]

    def queryset(self, request, queryset):
        return queryset.filter(narrative_to_write_q()) if self.value() == self.TO_WRITE else queryset


def changelist(model, **params) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def planner_items(group):
    review, approved, attention = Q(status=Status.IN_REVIEW), Q(status=Status.APPROVED), render_needs_attention_q()
    found = Report.objects.aggregate(
        review=Count("pk", filter=review),
        review_since=Min("submitted_at", filter=review),
        approved=Count("pk", filter=approved),
        approved_since=Min("approved_at", filter=approved),
        attention=Count("pk", filter=attention),
        attention_since=Min("render_queued_at", filter=attention),
    )
    yield DashboardItem(
        group=group,
        label=_("Reports awaiting approval"),
        count=found["review"],
        url=changelist(Report, status__exact=Status.IN_REVIEW),
        since=found["review_since"],
        order=500,
    )
    yield DashboardItem(
        group=group,
        label=_("Approved reports awaiting publication"),
        count=found["approved"],
        url=changelist(Report, status__exact=Status.APPROVED),
        since=found["approved_since"],
        order=510,
    )
    yield DashboardItem(
        group=group,
        label=_("Reports whose PDFs failed or are stuck"),
        count=found["attention"],
        url=changelist(Report, **{RenderAttentionFilter.parameter_name: RenderAttentionFilter.ATTENTION}),
        since=found["attention_since"],
        severity="late",
        order=520,
    )


def dashboard_items(request):
    user = request.user
    group = _("Progress reports")
    if roles.is_planner(user):
        yield from planner_items(group)
    elif roles.in_group(user, roles.MONITOR):
        found = Report.objects.filter(awaiting_assessment_q()).aggregate(count=Count("pk"), since=Min("published_at"))
        yield DashboardItem(
            group=group,
            label=_("Published reports awaiting your assessment"),
            count=found["count"],
            url=changelist(Report, **{AwaitingAssessmentFilter.parameter_name: AwaitingAssessmentFilter.AWAITING}),
            since=found["since"],
            order=500,
        )
    elif user.has_perm("reports.change_reportnarrative"):
        narratives = ReportNarrative.objects.filter(narrative_to_write_q())
        condition = roles.scope_filter_by_code(user)
        if condition is not None:
            narratives = narratives.filter(condition)
        found = narratives.aggregate(count=Count("pk"), since=Min("report__created_at"))
        yield DashboardItem(
            group=group,
            label=_("Commitment narratives to write"),
            count=found["count"],
            url=changelist(ReportNarrative, **{NarrativeToWriteFilter.parameter_name: NarrativeToWriteFilter.TO_WRITE}),
            since=found["since"],
            order=500,
        )
