"""Reads for the territory pages: the cantons with what the current plan does in each, and one canton's page.

A commitment is "in" a canton when it names the canton or one of the canton's parishes. Every count covers only
published commitments of the plan the portal shows, and only their published milestones. Each read is one query
(plus its prefetches), however many commitments the plan has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Exists, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import ActionPlan, Canton, Commitment, IrmLevel, Milestone

IN_PROGRESS = (IrmLevel.LIMITED, IrmLevel.SUBSTANTIAL)


def _in_canton(*, commitment, canton) -> Q:
    """Commitment `commitment` (a pk or an OuterRef) names canton `canton` or one of its parishes."""
    named = Commitment.cantons.through.objects.filter(commitment_id=commitment, canton_id=canton)
    by_parish = Commitment.parishes.through.objects.filter(commitment_id=commitment, parish__canton_id=canton)
    return Q(Exists(named)) | Q(Exists(by_parish))


def _count(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated subquery, as an annotation (0 when nothing matches)."""
    counted = queryset.order_by().annotate(n=Func("pk", function="COUNT", output_field=IntegerField())).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def cantons_with_activity(*, plan: ActionPlan | None) -> list[Canton]:
    """Every canton with `commitment_count` (published commitments there), `milestones_in_progress` (their
    published milestones at a limited or substantial level) and `milestones_overdue` (their published milestones
    overdue today, milestone_overdue), in one query."""
    cantons = Canton.objects.order_by("code")
    if plan is None:
        return [_with_zero_counts(canton) for canton in cantons]
    commitments = (
        Commitment.objects.published()
        .in_plan(plan)
        .filter(_in_canton(commitment=OuterRef("pk"), canton=OuterRef(OuterRef("pk"))))
    )
    milestones = Milestone.objects.published().filter(
        _in_canton(commitment=OuterRef("commitment_id"), canton=OuterRef(OuterRef("pk"))),
        commitment__plan=plan,
    )
    return list(
        cantons.annotate(
            commitment_count=_count(commitments),
            milestones_in_progress=_count(milestones.filter(level__in=IN_PROGRESS)),
            milestones_overdue=_count(milestones.with_schedule().filter(overdue=True)),
        )
    )


def _with_zero_counts(canton: Canton) -> Canton:
    canton.commitment_count = canton.milestones_in_progress = canton.milestones_overdue = 0
    return canton


def canton_public(*, slug: str) -> Canton | None:
    return Canton.objects.prefetch_related("parishes").filter(slug=slug).first()


def canton_commitments_public(*, canton: Canton, plan: ActionPlan | None):
    """The plan's published commitments in `canton`, with their progress and their published milestones, each
    with whether it is overdue or was completed late (a queryset, for the canton page's paginator)."""
    if plan is None:
        return Commitment.objects.none()
    return (
        Commitment.objects.published()
        .in_plan(plan)
        .filter(_in_canton(commitment=OuterRef("pk"), canton=canton.pk))
        .with_progress()
        .select_related("lead_institution", "lead_department")
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.filter(is_published=True).with_schedule().order_by("order", "pk"),
            )
        )
        .order_by("order", "code")
    )


@dataclass(frozen=True)
class Shade:
    """One step of the map's shading: cantons with `low`..`high` commitments get fill class `shade-<level>`."""

    level: int
    low: int
    high: int


def activity_shades(highest: int, steps: int = 3) -> list[Shade]:
    """The legend: "none" (0), then up to `steps` equal ranges up to `highest` (1-3 with highest 3, 1-100,
    101-200, 201-300 with highest 300). Ranges that would be empty are left out."""
    shades = [Shade(0, 0, 0)]
    if highest <= 0:
        return shades
    width = math.ceil(highest / steps)
    for level in range(1, steps + 1):
        low, high = (level - 1) * width + 1, min(level * width, highest)
        if low <= high:
            shades.append(Shade(level, low, high))
    return shades


def shade_for(count: int, shades: list[Shade]) -> Shade:
    for shade in shades:
        if shade.low <= count <= shade.high:
            return shade
    return shades[-1]
