"""Reads for public pages and exports: one query plan per page, never growing with the plan's size."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from .models import ActionPlan, Commitment, Evidence, Milestone, ProgressUpdate


def plan_current() -> ActionPlan | None:
    """The plan the portal shows (settings.CONECTA_PLAN_SLUG), or the newest real plan if that slug is absent."""
    return (
        ActionPlan.objects.filter(slug=settings.CONECTA_PLAN_SLUG).first()
        or ActionPlan.objects.real().order_by("-starts_on").first()
    )


def commitments_public(*, plan: ActionPlan) -> QuerySet[Commitment]:
    return (
        Commitment.objects.published()
        .in_plan(plan)
        .with_progress()
        .select_related("lead_institution", "lead_department")
        .order_by("order", "code")
    )


def commitment_public_detail(*, code: str) -> Commitment | None:
    return (
        Commitment.objects.published()
        .with_progress()
        .select_related("plan", "lead_institution", "lead_department")
        .prefetch_related(
            "ogp_values",
            "supporting_institutions",
            "cantons",
            Prefetch(
                "milestones",
                queryset=Milestone.objects.filter(is_published=True)
                .select_related("responsible_institution")
                .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.filter(is_published=True))),
            ),
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.published()
                .select_related("milestone")
                .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.filter(is_published=True))),
            ),
        )
        .filter(code=code)
        .first()
    )


def plan_has_example_data(*, plan: ActionPlan) -> bool:
    return Milestone.objects.published().filter(commitment__plan=plan, is_illustrative=True).exists()
