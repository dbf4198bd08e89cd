"""Reads for the public pages of road works (the list, one work, the commitment page's panel, the feed): published
works only, their published progress and documents, their public requests; a bounded number of queries whatever
the number of works."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from commitments.models import Canton, Commitment, Parish
from commitments.search import query_words

from .models import RoadDocument, RoadProgress, RoadRequest, RoadWork, WorkStatus

# A work whose planned end has passed is late unless it is in one of these states (a finished road the province
# now maintains is finished).
FINISHED = (WorkStatus.COMPLETION, WorkStatus.MAINTENANCE, WorkStatus.CANCELLED)
# The work's page lists at most this many requests of each kind (answered by it, about it), newest first.
REQUESTS_SHOWN = 20
# The commitment page lists at most this many of its road works, and links to the list for the rest.
PANEL_WORKS = 10


@dataclass(frozen=True)
class WorkFilters:
    """The list's filters, already checked against what the page offers (an empty value filters nothing)."""

    status: str = ""
    kind: str = ""
    canton: str = ""  # Canton.slug
    parish: str = ""  # Parish.code
    commitment: str = ""  # Commitment.code
    q: str = ""


@dataclass(frozen=True)
class WorkOptions:
    """What the list's selects offer: the cantons and parishes of published works."""

    cantons: list[Canton]
    parishes: list[Parish]


@dataclass
class WorkTotals:
    """The works of a list added up: how many, their kilometres, budget and amount paid, and how many of each
    status (in the order of WorkStatus)."""

    count: int = 0
    length_km: Decimal = Decimal(0)
    budget: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    by_status: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, count)


def work_options() -> WorkOptions:
    """The cantons and the parishes where a published work is (two queries)."""
    shown = RoadWork.objects.published()
    cantons = Canton.objects.filter(pk__in=shown.values("cantons")).order_by("code")
    parishes = Parish.objects.filter(pk__in=shown.values("parishes")).select_related("canton").order_by("code")
    return WorkOptions(cantons=list(cantons), parishes=list(parishes))


def works_listed(*, filters: WorkFilters) -> QuerySet[RoadWork]:
    """The published works that pass `filters`, by code (unique, so pages never overlap), with their cantons
    (one query for the rows of a page, one for their cantons)."""
    works = RoadWork.objects.published()
    if filters.status:
        works = works.filter(status=filters.status)
    if filters.kind:
        works = works.filter(kind=filters.kind)
    if filters.canton:
        works = works.filter(cantons__slug=filters.canton)
    if filters.parish:
        works = works.filter(parishes__code=filters.parish)
    if filters.commitment:
        works = works.filter(commitment__code=filters.commitment, commitment__is_published=True)
    works = works_matching(works, filters.q)
    # The canton and the parish are matched on their unique slug and code: one joined row per work, no duplicates.
    return works.prefetch_related("cantons").order_by("code")


def works_matching(works: QuerySet[RoadWork], q: str | None) -> QuerySet[RoadWork]:
    """`works` in whose search text (roads.models.SEARCHED_FIELDS, folded, both languages) every word of `q` is
    found, as the commitments' search finds words: without accents or case ("via puyo" finds "Vía Puyo")."""
    for word in query_words(q):
        works = works.filter(search_text__contains=word)
    return works


def matching_works(*, q: str, limit: int = PANEL_WORKS) -> tuple[list[RoadWork], int]:
    """The first `limit` published works `q` finds and how many it finds in all (one query for up to `limit`
    of them, one more to count only when there are more)."""
    found = list(works_matching(RoadWork.objects.published(), q).order_by("code")[: limit + 1])
    if len(found) <= limit:
        return found, len(found)
    return found[:limit], works_matching(RoadWork.objects.published(), q).count()


def works_totals(works: QuerySet[RoadWork]) -> WorkTotals:
    """`works` added up, by status (one query: a row per status)."""
    rows = (
        works.order_by()
        .values("status")
        .annotate(count=Count("pk"), km=Sum("length_km"), budget=Sum("budget"), paid=Sum("paid_amount"))
    )
    totals = WorkTotals()
    counts = {}
    for row in rows:
        counts[row["status"]] = row["count"]
        totals.count += row["count"]
        totals.length_km += row["km"] or 0
        totals.budget += row["budget"] or 0
        totals.paid += row["paid"] or 0
    totals.by_status = [(value, label, counts[value]) for value, label in WorkStatus.choices if value in counts]
    return totals


def schedule_mark(works, *, today: date) -> None:
    """Set on each work `days_late`: how many days past its planned end a work that is not finished is (None when
    it is not late), and `completed_late`: whether it ended after its planned end."""
    for work in works:
        late = work.planned_end is not None and work.planned_end < today and work.status not in FINISHED
        work.days_late = (today - work.planned_end).days if late else None
        work.completed_late = bool(work.planned_end and work.actual_end and work.actual_end > work.planned_end)


def work_public_detail(*, code: str) -> RoadWork | None:
    """A published work with its department, commitment, consultation meeting, cantons, parishes, and its
    published progress (`progress_list`, oldest first) and documents (`document_list`); six queries."""
    return (
        RoadWork.objects.published()
        .select_related("institution", "commitment", "consultation_meeting")
        .prefetch_related(
            Prefetch("cantons", queryset=Canton.objects.order_by("code")),
            Prefetch("parishes", queryset=Parish.objects.select_related("canton").order_by("code")),
            Prefetch(
                "progress",
                queryset=RoadProgress.objects.filter(is_published=True).order_by("observed_on", "pk"),
                to_attr="progress_list",
            ),
            Prefetch(
                "documents",
                queryset=RoadDocument.objects.filter(is_published=True).order_by("published_on", "pk"),
                to_attr="document_list",
            ),
        )
        .filter(code=code)
        .first()
    )


@dataclass(frozen=True)
class RequestList:
    """Some public requests (newest first) and how many there are in all."""

    shown: list[RoadRequest]
    count: int


def _requests(found: QuerySet[RoadRequest], limit: int) -> RequestList:
    # Only what the public page shows: never a contact field.
    rows = list(
        found.select_related("parish")
        .only("tracking_code", "kind", "status", "received_on", "parish__name_es", "parish__name_qu")
        .order_by("-received_on", "-pk")[: limit + 1]
    )
    count = len(rows) if len(rows) <= limit else found.count()
    return RequestList(shown=rows[:limit], count=count)


def work_requests(*, work: RoadWork, limit: int = REQUESTS_SHOWN) -> dict[str, RequestList]:
    """The public requests this work answers (it will fix or fixed them) and those about it: two queries, one
    more for each kind with more than `limit`."""
    public = RoadRequest.objects.public()
    return {
        "answered": _requests(public.filter(answered_by_work=work), limit),
        "reported": _requests(public.filter(work=work), limit),
    }


def commitment_works(*, commitment: Commitment, limit: int = PANEL_WORKS) -> tuple[list[RoadWork], int]:
    """The first `limit` published works of a commitment, by code, and how many it has (one query, a second only
    when there are more)."""
    found = RoadWork.objects.published().filter(commitment=commitment)
    rows = list(
        found.only("code", "name_es", "name_qu", "status", "physical_pct", "progress_on").order_by("code")[: limit + 1]
    )
    count = len(rows) if len(rows) <= limit else found.count()
    return rows[:limit], count


def progress_published() -> QuerySet[RoadProgress]:
    """Published observations of published works, newest first, each with `pct_before`: the work's published
    physical % before it (NULL for its first), in the same query."""
    earlier = (
        RoadProgress.objects.filter(is_published=True, work=OuterRef("work"))
        .filter(
            Q(observed_on__lt=OuterRef("observed_on")) | Q(observed_on=OuterRef("observed_on"), pk__lt=OuterRef("pk"))
        )
        .order_by("-observed_on", "-pk")
    )
    return (
        RoadProgress.objects.published()
        .select_related("work")
        .only(
            *("pk", "observed_on", "physical_pct", "paid_amount", "note_es", "note_qu", "created_at"),
            *("work__code", "work__name_es", "work__name_qu", "work__planned_end", "work__is_example"),
            "work__updated_at",
        )
        .annotate(pct_before=Subquery(earlier.values("physical_pct")[:1]))
        .order_by("-observed_on", "-pk")
    )
