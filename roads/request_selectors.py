"""The reads of the road requests' public pages and tracking page: what the public may see of a request (never its
sender's contact data), the filters of the list, and the figures per parish.

Every read here has a fixed number of queries, whatever the number of requests.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from commitments.models import Canton, Parish
from conecta.fallbacks import KICHWA, SPANISH
from feedback.public_text import without_name

from .models import RoadRequest, RoadRequestChange, RoadWork

# What a public page reads of a request: its sender's name only to take it out of the description (people sign
# what they write); never the e-mail, the phone or the hashes.
PUBLIC_FIELDS = (
    "pk",
    "tracking_code",
    "kind",
    "status",
    "language",
    "moderation",
    "parish",
    "community",
    "road_name",
    "work",
    "description",
    "name",
    "photo",
    "photo_public",
    "photo_sha256",
    "photo_content_type",
    "channel",
    "received_on",
    "status_changed_at",
    "fixed_on",
    "answered_by_work",
)
WORK_FIELDS = ("code", "name", "name_es", "name_qu", "is_published")
PLACE_FIELDS = ("parish__code", "parish__name", "parish__name_es", "parish__name_qu", "parish__canton_id")
CANTON_FIELDS = ("parish__canton__slug", "parish__canton__name", "parish__canton__name_es", "parish__canton__name_qu")


def works_for_choice() -> list[RoadWork]:
    """The published road works a citizen may say the problem is about (one query)."""
    return list(RoadWork.objects.published().only("pk", "code", "name", "name_es", "name_qu").order_by("code"))


def _with_places(queryset: QuerySet[RoadRequest]) -> QuerySet[RoadRequest]:
    related = ("work", "answered_by_work")
    return queryset.select_related("parish__canton", *related).only(
        *PUBLIC_FIELDS,
        *PLACE_FIELDS,
        *CANTON_FIELDS,
        *(f"{name}__{column}" for name in related for column in WORK_FIELDS),
    )


def for_public(road_request: RoadRequest) -> RoadRequest:
    """Set what the pages print beside the request's own fields: `public_description`, without its sender's name
    (feedback.public_text: people sign what they write); `text_lang`, the language of the form it was written in
    ("" for another language: unknown, as HTML's lang="" says); `days_to_fix`, from received to fixed."""
    road_request.public_description = without_name(road_request.description, road_request.name)
    road_request.text_lang = road_request.language if road_request.language in (SPANISH, KICHWA) else ""
    fixed_on = road_request.fixed_on
    road_request.days_to_fix = (fixed_on - road_request.received_on).days if fixed_on else None
    return road_request


@dataclass(frozen=True)
class RequestFilters:
    """The list's filters, each already checked against what exists ("" for none)."""

    status: str = ""
    kind: str = ""
    canton: Canton | None = None
    parish: Parish | None = None

    @property
    def active(self) -> bool:
        return bool(self.status or self.kind or self.canton or self.parish)

    def query(self) -> dict[str, str]:
        """The list's query parameters (Spanish, like its address) for these filters."""
        pairs = {
            "estado": self.status,
            "tipo": self.kind,
            "canton": self.canton.slug if self.canton else "",
            "parroquia": self.parish.code if self.parish else "",
        }
        return {name: value for name, value in pairs.items() if value}


def request_filters(params, *, cantons: list[Canton]) -> RequestFilters:
    """The filters a query string asks for; a value that names nothing (a typo, a hostile string) is no filter."""
    by_slug = {canton.slug: canton for canton in cantons}
    by_code = {parish.code: parish for canton in cantons for parish in canton.parishes.all()}
    status, kind = params.get("estado", ""), params.get("tipo", "")
    return RequestFilters(
        status=status if status in RoadRequest.Status.values else "",
        kind=kind if kind in RoadRequest.Kind.values else "",
        canton=by_slug.get(params.get("canton", "")),
        parish=by_code.get(params.get("parroquia", "")),
    )


def requests_public(filters: RequestFilters | None = None) -> QuerySet[RoadRequest]:
    """The published requests (approved by a moderator, or entered by staff), newest first, with their parish,
    canton and works: one query per page of them."""
    rows = RoadRequest.objects.public()
    filters = filters or RequestFilters()
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.canton:
        rows = rows.filter(parish__canton=filters.canton)
    if filters.parish:
        rows = rows.filter(parish=filters.parish)
    return _with_places(rows).order_by("-received_on", "-pk")


def _changes() -> Prefetch:
    # The notes are public on both pages; who changed it (staff) is not read.
    changes = RoadRequestChange.objects.only("pk", "request_id", "status", "note", "note_es", "note_qu", "changed_at")
    return Prefetch("changes", queryset=changes.order_by("changed_at", "pk"), to_attr="history")


def request_public(*, code: str) -> RoadRequest | None:
    """A published request by its tracking code, with its history of changes (two queries)."""
    found = _with_places(RoadRequest.objects.public().filter(tracking_code=code)).prefetch_related(_changes()).first()
    return for_public(found) if found else None


def request_tracked(*, code: str) -> RoadRequest | None:
    """Any request by its tracking code, for the person who holds it: published or not (two queries)."""
    found = _with_places(RoadRequest.objects.filter(tracking_code=code)).prefetch_related(_changes()).first()
    return for_public(found) if found else None


@dataclass
class ParishFigures:
    """Requests received and fixed in a parish (or the whole province, `parish` None), and the median number of
    days from received to fixed."""

    parish: Parish | None
    received: int = 0
    fixed: int = 0
    days: list[int] = field(default_factory=list, repr=False)

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None


def request_figures(*, cantons: list[Canton]) -> tuple[list[ParishFigures], ParishFigures]:
    """The figures per parish (in the order of `cantons` and their parishes, those with a request only) and for
    the province, over the counted requests (`counted`): two queries, whatever the number of requests, plus none
    for the places (`cantons` comes with its parishes, as feedback.selectors.place_choices gives them)."""
    rows = RoadRequest.objects.counted()
    fixed = rows.filter(status=RoadRequest.Status.FIXED, fixed_on__isnull=False)
    figures: dict[int, ParishFigures] = {}
    total = ParishFigures(parish=None)
    for parish_id, received, fixed_count in (
        rows.values("parish_id")
        .annotate(
            received=Count("pk"),
            fixed=Count("pk", filter=Q(status=RoadRequest.Status.FIXED, fixed_on__isnull=False)),
        )
        .values_list("parish_id", "received", "fixed")
        .order_by()
    ):
        figures[parish_id] = ParishFigures(parish=None, received=received, fixed=fixed_count)
        total.received += received
        total.fixed += fixed_count
    durations: dict[int, list[int]] = defaultdict(list)
    for parish_id, received_on, fixed_on in fixed.values_list("parish_id", "received_on", "fixed_on").order_by():
        durations[parish_id].append((fixed_on - received_on).days)
        total.days.append((fixed_on - received_on).days)
    ordered = []
    for canton in cantons:
        for parish in canton.parishes.all():
            if parish.pk in figures:
                found = figures[parish.pk]
                found.parish, found.days = parish, durations[parish.pk]
                ordered.append(found)
    return ordered, total
