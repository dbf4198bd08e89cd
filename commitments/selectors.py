"""Reads for public pages and exports: one query plan per page, never growing with the plan's size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, F, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower, NullIf, Replace
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import (
    ActionPlan,
    Axis,
    Canton,
    Commitment,
    Evidence,
    Indicator,
    IndicatorValue,
    Institution,
    IrmLevel,
    Milestone,
    MilestoneProgress,
    OgpValue,
    ProgressUpdate,
    irm_level_expression,
)
from .search import commitments_matching


def plan_current() -> ActionPlan | None:
    """The plan the portal shows (settings.CONECTA_PLAN_SLUG), or the newest real plan if that slug is absent."""
    return (
        ActionPlan.objects.filter(slug=settings.CONECTA_PLAN_SLUG).first()
        or ActionPlan.objects.real().order_by("-starts_on").first()
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
                .with_schedule()
                .select_related("responsible_institution")
                .prefetch_related(
                    Prefetch("evidence", queryset=Evidence.objects.filter(is_published=True)),
                    Prefetch(
                        "observations", queryset=MilestoneProgress.objects.published().order_by("observed_on", "pk")
                    ),
                ),
            ),
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.published()
                .select_related("milestone")
                .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.filter(is_published=True))),
            ),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.filter(is_published=True)
                .order_by("order", "pk")
                .prefetch_related(
                    Prefetch(
                        "values",
                        queryset=IndicatorValue.objects.filter(is_published=True)
                        .select_related("verification")
                        .order_by("observed_on", "group", "pk"),
                    )
                ),
            ),
        )
        .filter(code=code)
        .first()
    )


def plan_has_example_data(*, plan: ActionPlan) -> bool:
    return Milestone.objects.published().filter(commitment__plan=plan, is_illustrative=True).exists()


@dataclass(frozen=True)
class PlanOverview:
    total: int
    overall_progress: int | None
    by_axis: list[dict]  # {"axis": Axis, "count": int, "progress": int | None}
    by_level: list[dict]  # {"level": IrmLevel, "count": int}

    @property
    def overall_level(self) -> IrmLevel:
        return IrmLevel.for_progress(self.overall_progress)


def plan_overview(*, plan: ActionPlan) -> PlanOverview:
    """The plan's published commitments counted and averaged by axis and by IRM level.

    One query groups them by axis and progress (at most 3 × 102 groups, whatever the plan's size); the groups
    are then added up here. A progress average is the mean of the commitments' own (rounded) progress, leaving
    out those with nothing measured yet, as the home page always computed it.
    """
    groups = (
        Commitment.objects.published()
        .in_plan(plan)
        .with_progress()
        .order_by()
        .values("axis", "progress_pct")
        .annotate(count=Count("pk"))
    )
    by_axis: dict[str, list[int]] = {}  # axis -> [commitments, progress points, commitments measured]
    by_level = dict.fromkeys(IrmLevel, 0)
    for group in groups:
        progress, count = group["progress_pct"], group["count"]
        sums = by_axis.setdefault(group["axis"], [0, 0, 0])
        sums[0] += count
        if progress is not None:
            sums[1] += progress * count
            sums[2] += count
        by_level[IrmLevel.for_progress(progress)] += count
    points = sum(s[1] for s in by_axis.values())
    measured = sum(s[2] for s in by_axis.values())
    return PlanOverview(
        total=sum(by_level.values()),
        overall_progress=round(points / measured) if measured else None,
        by_axis=[
            {"axis": axis, "count": by_axis[axis][0], "progress": _mean(by_axis[axis])}
            for axis in Axis
            if axis in by_axis
        ],
        by_level=[{"level": level, "count": count} for level, count in by_level.items()],
    )


def _mean(sums: list[int]) -> int | None:
    return round(sums[1] / sums[2]) if sums[2] else None


def with_overdue_milestones(commitments: QuerySet[Commitment], *, today: date | None = None) -> QuerySet[Commitment]:
    """Annotate `overdue_milestones`: how many of each commitment's published milestones are overdue on `today`
    (milestone_overdue, through MilestoneQuerySet.with_schedule), in a correlated subquery of the same query."""
    late = (
        Milestone.objects.filter(is_published=True, commitment=OuterRef("pk"))
        .with_schedule(today)
        .filter(overdue=True)
        .order_by()
        .annotate(n=Func("pk", function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    return commitments.annotate(overdue_milestones=Coalesce(Subquery(late, output_field=IntegerField()), 0))


def commitments_first(*, plan: ActionPlan, limit: int) -> list[Commitment]:
    """The plan's first published commitments, in plan order, with their progress (summed for these rows only)
    and how late they run."""
    return list(
        with_overdue_milestones(Commitment.objects.published().in_plan(plan).with_progress())
        .select_related("lead_institution", "lead_department")
        .order_by("order", "code")[:limit]
    )


def updates_latest(*, plan: ActionPlan, limit: int = 5) -> list[ProgressUpdate]:
    return list(
        ProgressUpdate.objects.published()
        .filter(commitment__plan=plan)
        .select_related("commitment")
        .order_by("-occurred_on", "-pk")[:limit]
    )


def milestones_upcoming(*, plan: ActionPlan, today: date, limit: int = 5) -> list[Milestone]:
    """The next published milestones due (today or later) that are not complete, soonest first."""
    return list(
        Milestone.objects.published()
        .filter(commitment__plan=plan, due_on__gte=today)
        .exclude(level=IrmLevel.COMPLETE)
        .select_related("commitment")
        .order_by("due_on", "commitment__order", "order")[:limit]
    )


def milestones_overdue(*, plan: ActionPlan, today: date, limit: int = 5) -> list[Milestone]:
    """The published milestones overdue on `today` (milestone_overdue), the most overdue first: at most `limit`,
    and one more when there are more, so that the page can say so without counting them (one query)."""
    return list(
        Milestone.objects.published()
        .filter(commitment__plan=plan)
        .with_schedule(today)
        .filter(overdue=True)
        .select_related("commitment")
        .order_by("due_on", "commitment__order", "order")[: limit + 1]
    )


# The commitments list: its filters, sort orders and options.

SORTS = {
    # `orden` value: (label, ordering)
    "": (_("Plan order"), ("order", "code")),
    "codigo": (_("Code"), ("code",)),
    "titulo": (_("Title (A–Z)"), None),  # by the title in the page's language, see commitments_listed()
    "mas-avance": (_("Most progress first"), (F("progress_pct").desc(nulls_last=True), "order", "code")),
    "menos-avance": (_("Least progress first"), (F("progress_pct").asc(nulls_last=True), "order", "code")),
    "fin": (_("End date"), ("ends_on", "order", "code")),
}


@dataclass(frozen=True)
class ListFilters:
    """The list's query, already checked: every value is one the page offers, or empty."""

    axis: str = ""
    level: str = ""
    lead: str = ""
    canton: str = ""
    value: str = ""
    overdue: str = ""  # "si": only those with an overdue milestone, or that ended incomplete
    q: str = ""
    order: str = ""


@dataclass(frozen=True)
class ListOptions:
    leads: list[Institution]
    cantons: list[Canton]
    values: list[OgpValue]


def list_options(*, plan: ActionPlan) -> ListOptions:
    """What the list's selects offer: the institutions leading a published commitment of the plan, the
    cantons and OGP's values (three queries)."""
    shown = Commitment.objects.published().in_plan(plan)
    leads = Institution.objects.filter(
        Q(pk__in=shown.values("lead_institution")) | Q(pk__in=shown.values("lead_department"))
    ).order_by("kind", "name")
    return ListOptions(leads=list(leads), cantons=list(Canton.objects.all()), values=list(OgpValue.objects.all()))


def commitments_listed(*, plan: ActionPlan, filters: ListFilters) -> QuerySet[Commitment]:
    """The plan's published commitments that pass `filters`, sorted, with their progress and how late they run;
    one query per page."""
    shown = Commitment.objects.published().in_plan(plan).with_progress()
    commitments = with_overdue_milestones(shown).select_related("lead_institution", "lead_department")
    if filters.axis:
        commitments = commitments.filter(axis=filters.axis)
    if filters.level:
        commitments = commitments.alias(irm_level_code=irm_level_expression("progress_pct")).filter(
            irm_level_code=filters.level
        )
    if filters.lead:
        commitments = commitments.filter(Q(lead_institution__slug=filters.lead) | Q(lead_department__slug=filters.lead))
    if filters.canton:
        commitments = commitments.filter(
            pk__in=Commitment.cantons.through.objects.filter(canton__slug=filters.canton).values("commitment_id")
        )
    if filters.value:
        commitments = commitments.filter(
            pk__in=Commitment.ogp_values.through.objects.filter(ogpvalue__code=filters.value).values("commitment_id")
        )
    if filters.overdue:
        commitments = commitments.filter(Q(overdue=True) | Q(overdue_milestones__gt=0))
    if filters.q:
        commitments = commitments_matching(commitments, filters.q)
    if filters.order == "titulo":
        language = get_language() or settings.LANGUAGE_CODE
        title = Coalesce(NullIf(f"title_{language}", Value("")), "title_es") if language != "es" else F("title_es")
        return commitments.order_by(_sortable(title), "code")
    return commitments.order_by(*SORTS.get(filters.order, SORTS[""])[1])


# Letters a Spanish or Kichwa title may carry, and what they sort as ("Árboles" between "Alfa" and "Bosques").
# SQLite's lower() only folds ASCII, so the capitals are listed too.
_SORT_FOLDS = {"á": "a", "é": "e", "í": "i", "ó": "o", "ú": "u", "ü": "u", "ñ": "n"}


def _sortable(text):
    for accented, plain in _SORT_FOLDS.items():
        text = Replace(Replace(text, Value(accented), Value(plain)), Value(accented.upper()), Value(plain))
    return Lower(text)


# An institution's page.


def institution_public(*, slug: str) -> Institution | None:
    return Institution.objects.select_related("parent").filter(slug=slug).first()


def institution_commitments(*, institution: Institution, plan: ActionPlan | None) -> dict:
    """What the institution leads (as lead institution or department) and supports in the current plan, with
    their progress, published commitments only; and, for a government, its departments.

    At most INSTITUTION_LIST_LIMIT commitments of each kind; `led_count` / `supported_count` count them all
    (one more query each, only when there are more).
    """
    found: dict = {"led": [], "led_count": 0, "supported": [], "supported_count": 0}
    if plan is not None:
        shown = (
            with_overdue_milestones(Commitment.objects.published().in_plan(plan).with_progress())
            .select_related("lead_institution", "lead_department")
            .order_by("order", "code")
        )
        supporters = Commitment.supporting_institutions.through.objects.filter(institution=institution)
        for key, commitments in (
            ("led", shown.led_by(institution)),
            ("supported", shown.filter(pk__in=supporters.values("commitment_id"))),
        ):
            rows = list(commitments[: INSTITUTION_LIST_LIMIT + 1])
            found[key] = rows[:INSTITUTION_LIST_LIMIT]
            found[f"{key}_count"] = len(rows) if len(rows) <= INSTITUTION_LIST_LIMIT else commitments.count()
    found["departments"] = list(institution.departments.order_by("name"))
    return found


# An institution page lists this many commitments of each kind at most, and links to the full list beyond.
INSTITUTION_LIST_LIMIT = 20
