"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2), read-only: the kinds of road problem as services and the
public road requests as service requests, in JSON and XML.

1. Services: one per RoadRequest.Kind, in the reader's language (`?lang=` or Accept-Language). None asks for extra
   attributes (metadata false); a client that asks for a service's definition anyway gets a valid one with no
   attributes rather than an error, and an unknown code is the spec's 404.
2. Requests: only those a moderator approved (RoadRequest.objects.public()). What a request says is what its public
   page says: never a contact field, the network address or a photo a moderator did not clear, and the sender's
   name taken out of the description and notes (feedback.public_text). Requests carry a received date, not a
   time: `requested_datetime` is the start of that day in Pastaza, and the date filters compare with it.
3. Filters as the spec says: `service_request_id` (a comma list, overriding every other filter), `service_code`,
   `status` (open, closed), `start_date`/`end_date` (ISO 8601; the last 90 days by default, never more than 90 at
   once). Paging (`page`, `page_size`) is this portal's extension: newest received first, then newest entered, so
   that pages never overlap.
4. A parameter the API cannot read is the spec's error list with a 400 naming it, never a 500.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conecta.fallbacks import text_in
from conecta.text import strip_control_characters
from feedback.public_text import answer_publicly, without_name

from .models import RoadRequest, RoadRequestChange
from .oc4ids import PUBLIC_AUTHORITY_NAME, site_url
from .services import request_tracking_code_normalise

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed what it answers (the discovery document's `changeset`).
CHANGESET = "2026-12-05T00:00:00-05:00"
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
PAGE_SIZE = 50
PAGE_SIZE_MAX = 200
# Beyond any real number of pages; keeps an absurd `page` from reaching the database as an overflowing OFFSET.
PAGE_MAX = 10_000
# The spec's default window and the longest one a search may ask for.
WINDOW_DAYS = 90
# The longest date parameter read ("2025-06-01T00:00:00.000000+05:00" is 32 characters), and the years a date may
# have: far enough from datetime's limits that moving it to Pastaza's time or by 90 days cannot overflow.
DATE_MAX_CHARS = 40
YEARS = (1900, 9000)
STATUSES = ("open", "closed")

# What each kind of problem is, for the services list (name: the kind's label).
SERVICE_TEXTS = {
    RoadRequest.Kind.POTHOLE: (
        gettext_lazy("A hole in the surface of a road."),
        gettext_lazy("pothole, hole, road surface"),
    ),
    RoadRequest.Kind.LANDSLIDE: (
        gettext_lazy("Earth or rocks fallen onto a road, or part of a road sunk or washed away."),
        gettext_lazy("landslide, mud, rocks"),
    ),
    RoadRequest.Kind.BRIDGE: (
        gettext_lazy("A bridge or footbridge that is damaged, unsafe or gone."),
        gettext_lazy("bridge, footbridge"),
    ),
    RoadRequest.Kind.DRAINAGE: (
        gettext_lazy("A ditch, culvert or gutter blocked, so that water runs over the road."),
        gettext_lazy("drainage, ditch, culvert, water"),
    ),
    RoadRequest.Kind.IMPASSABLE: (
        gettext_lazy("Vehicles cannot get through: mud, flooding or a fallen tree."),
        gettext_lazy("impassable, mud, flooding, fallen tree"),
    ),
    RoadRequest.Kind.SIGNAGE: (
        gettext_lazy("A road sign that is missing, damaged or wrong."),
        gettext_lazy("sign, signage"),
    ),
    RoadRequest.Kind.OTHER: (
        gettext_lazy("Any other problem on a road the provincial government looks after."),
        gettext_lazy("road, other"),
    ),
}
SERVICE_GROUP = gettext_lazy("roads")

# XML 1.0 cannot hold these even escaped: control characters (conecta.text), lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


class Open311Error(Exception):
    """An error the spec's way: an HTTP status and a description, answered as a list of one error."""

    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# Discovery and services.


def discovery() -> dict:
    contact = " · ".join(part for part in ("Conecta Pastaza", settings.CONTACT_EMAIL, site_url("/")) if part)
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": _(
            "No key is needed: this API is read-only. Service requests cannot be created through it (POST answers "
            "405); report a road problem on the portal."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": site_url("/open311/v2"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }


def services() -> list[dict]:
    """The services in the active language, in the order of RoadRequest.Kind."""
    rows = []
    for kind in RoadRequest.Kind:
        description, keywords = SERVICE_TEXTS[kind]
        rows.append(
            {
                "service_code": kind.value,
                "service_name": str(kind.label),
                "description": str(description),
                "metadata": False,
                "type": "realtime",
                "keywords": str(keywords),
                "group": str(SERVICE_GROUP),
            }
        )
    return rows


def service_definition(code: str) -> dict:
    if code not in RoadRequest.Kind.values:
        raise Open311Error(404, _("There is no service with the code %(code)s.") % {"code": code[:40]})
    return {"service_code": code, "attributes": []}


# Reading the parameters of a search.


@dataclass(frozen=True)
class RequestQuery:
    """A search of service requests, checked: tracking codes (None: not searched by code; when given, nothing
    else filters), kinds, "open" and "closed", the first and last received dates, and the page."""

    ids: tuple[str, ...] | None = None
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    received_from: date | None = None
    received_to: date | None = None
    page: int = 1
    page_size: int = PAGE_SIZE


def _comma_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _whole_number(params: Mapping[str, str], name: str, *, default: int, maximum: int) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6 and 1 <= int(raw) <= maximum):
        raise Open311Error(
            400, _("%(name)s must be a whole number from 1 to %(max)s.") % {"name": name, "max": maximum}
        )
    return int(raw)


def _moment(params: Mapping[str, str], name: str) -> datetime | None:
    """The parameter as an aware datetime: a date and time with or without an offset (Pastaza's time when none),
    or a bare date (its start in Pastaza)."""
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    problem = Open311Error(
        400, _("%(name)s must be an ISO 8601 date and time, such as 2025-06-01T00:00:00-05:00.") % {"name": name}
    )
    if len(raw) > DATE_MAX_CHARS:
        raise problem
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None
    if moment is None or not YEARS[0] <= moment.year <= YEARS[1]:
        raise problem
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def request_query(params: Mapping[str, str], *, now: datetime | None = None) -> RequestQuery:
    """The search `params` ask for, or Open311Error(400) naming the parameter that cannot be read."""
    page = _whole_number(params, "page", default=1, maximum=PAGE_MAX)
    page_size = _whole_number(params, "page_size", default=PAGE_SIZE, maximum=PAGE_SIZE_MAX)
    raw_ids = _comma_list(params.get("service_request_id") or "")
    if raw_ids:
        if len(raw_ids) > PAGE_SIZE_MAX:
            raise Open311Error(
                400, _("Ask for at most %(max)s service_request_id values at a time.") % {"max": PAGE_SIZE_MAX}
            )
        # A value that cannot be a tracking code matches nothing, as an unknown one does.
        ids = tuple(dict.fromkeys(code for raw in raw_ids if (code := request_tracking_code_normalise(raw))))
        return RequestQuery(ids=ids, page=page, page_size=page_size)

    codes = _comma_list(params.get("service_code") or "")
    unknown = [code for code in codes if code not in RoadRequest.Kind.values]
    if unknown:
        raise Open311Error(400, _("Unknown service_code: %(code)s.") % {"code": unknown[0][:40]})
    statuses = _comma_list((params.get("status") or "").lower())
    if any(status not in STATUSES for status in statuses):
        raise Open311Error(400, _("status must be open, closed, or both separated by a comma."))

    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    window = timedelta(days=WINDOW_DAYS)
    if start is None and end is None:
        end = now or timezone.now()
        start = end - window
    elif start is None:
        start = end - window
    elif end is None:
        end = start + window
    if end < start:
        raise Open311Error(400, _("end_date is earlier than start_date."))
    if end - start > window:
        raise Open311Error(
            400, _("start_date and end_date may not be more than %(days)s days apart.") % {"days": WINDOW_DAYS}
        )
    # A request's requested_datetime is the start of its received day: it is in [start, end] when its day is.
    start_local, end_local = timezone.localtime(start), timezone.localtime(end)
    first = start_local.date()
    if start_local.time() != time.min:
        first += timedelta(days=1)
    return RequestQuery(
        service_codes=tuple(dict.fromkeys(codes)),
        statuses=tuple(dict.fromkeys(statuses)),
        received_from=first,
        received_to=end_local.date(),
        page=page,
        page_size=page_size,
    )


# Finding and describing requests.


def _public_requests() -> QuerySet[RoadRequest]:
    changes = RoadRequestChange.objects.only("pk", "request_id", "status", "note_es", "note_qu", "changed_at")
    return (
        RoadRequest.objects.public()
        .select_related("parish__canton", "answered_by_work__institution")
        .prefetch_related(Prefetch("changes", queryset=changes.order_by("changed_at", "pk"), to_attr="history"))
    )


def requests_found(query: RequestQuery) -> tuple[list[RoadRequest], bool]:
    """The page of public requests `query` asks for, newest first, and whether a next page has any: two queries
    (the page, one row more to know; their changes)."""
    rows = _public_requests()
    if query.ids is not None:
        rows = rows.filter(tracking_code__in=query.ids)
    else:
        if query.service_codes:
            rows = rows.filter(kind__in=query.service_codes)
        if len(query.statuses) == 1:
            closed = Q(status__in=RoadRequest.CLOSED_STATUSES)
            rows = rows.filter(closed if query.statuses[0] == "closed" else ~closed)
        rows = rows.filter(received_on__gte=query.received_from, received_on__lte=query.received_to)
    offset = (query.page - 1) * query.page_size
    found = list(rows.order_by("-received_on", "-pk")[offset : offset + query.page_size + 1])
    return found[: query.page_size], len(found) > query.page_size


def request_by_id(raw: str) -> RoadRequest:
    code = request_tracking_code_normalise(raw)
    found = _public_requests().filter(tracking_code=code).first() if code else None
    if found is None:
        raise Open311Error(404, _("There is no public service request %(id)s.") % {"id": raw[:40]})
    return found


def _photo_url(road_request: RoadRequest) -> str | None:
    """The public address of a photo a moderator cleared (the request's page shows it there); None otherwise."""
    if not (road_request.photo and road_request.photo_public and road_request.photo_sha256):
        return None
    return site_url(reverse("roads:request_photo", args=[road_request.tracking_code, road_request.photo_sha256[:16]]))


def _address(road_request: RoadRequest) -> str:
    parish = road_request.parish
    return ", ".join(
        part for part in (road_request.community, text_in(parish, "name"), text_in(parish.canton, "name")) if part
    )


def service_request(road_request: RoadRequest) -> dict:
    """One public request as the spec's service request, in the active language. Reads `history` (its changes,
    oldest first) as `_public_requests` prefetches it."""
    history = road_request.history
    notes = [text for change in history if (text := text_in(change, "note"))]
    requested = _day_start(road_request.received_on)
    updated = max([requested, *(change.changed_at for change in history), road_request.status_changed_at or requested])
    work = road_request.answered_by_work
    if work is not None and not work.is_published:
        work = None
    has_point = road_request.latitude is not None and road_request.longitude is not None
    return {
        "service_request_id": road_request.tracking_code,
        "status": "open" if road_request.is_open else "closed",
        "status_notes": answer_publicly(answer=notes[-1], name=road_request.name) if notes else None,
        "service_name": str(RoadRequest.Kind(road_request.kind).label),
        "service_code": road_request.kind,
        "description": without_name(road_request.description, road_request.name),
        "agency_responsible": text_in(work.institution, "name") if work else PUBLIC_AUTHORITY_NAME,
        "service_notice": (
            _("Answered by the road work %(code)s (%(name)s).") % {"code": work.code, "name": text_in(work, "name")}
            if work
            else None
        ),
        "requested_datetime": _iso(requested),
        "updated_datetime": _iso(updated),
        "expected_datetime": None,
        "address": _address(road_request),
        "address_id": None,
        "zipcode": None,
        "lat": float(road_request.latitude) if has_point else None,
        "long": float(road_request.longitude) if has_point else None,
        "media_url": _photo_url(road_request),
    }


# Writing JSON and XML.


def as_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def _xml_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", strip_control_characters(str(value)))


def _xml_fields(parent: ET.Element, fields: Mapping) -> None:
    for name, value in fields.items():
        ET.SubElement(parent, name).text = _xml_text(value)


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def discovery_xml(data: dict) -> bytes:
    root = ET.Element("discovery")
    _xml_fields(root, {key: data[key] for key in ("changeset", "contact", "key_service")})
    endpoints = ET.SubElement(root, "endpoints")
    for endpoint in data["endpoints"]:
        element = ET.SubElement(endpoints, "endpoint")
        _xml_fields(element, {key: value for key, value in endpoint.items() if key != "formats"})
        formats = ET.SubElement(element, "formats")
        for content_type in endpoint["formats"]:
            ET.SubElement(formats, "format").text = content_type
    return _xml(root)


def list_xml(root_name: str, item_name: str, rows: Iterable[Mapping]) -> bytes:
    """`<services><service>…` or `<service_requests><request>…`: one element per row, one child per field."""
    root = ET.Element(root_name)
    for row in rows:
        _xml_fields(ET.SubElement(root, item_name), row)
    return _xml(root)


def service_definition_xml(data: dict) -> bytes:
    root = ET.Element("service_definition")
    ET.SubElement(root, "service_code").text = _xml_text(data["service_code"])
    ET.SubElement(root, "attributes")
    return _xml(root)


def errors_json(error: Open311Error) -> bytes:
    return as_json([{"code": error.code, "description": error.description}])


def errors_xml(error: Open311Error) -> bytes:
    return list_xml("errors", "error", [{"code": error.code, "description": error.description}])
