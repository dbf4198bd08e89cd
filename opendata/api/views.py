"""The public API, /api/v1/: read-only, JSON, the same published records the pages show, for anyone.

Every answer:
1. is in the language of `?lang=` (es or qu) or else of the request (Accept-Language, as every page), said in
   Content-Language; a Kichwa text not written yet is given in Spanish and named in `texts_in_spanish`;
2. is counted against the address's rate limit (opendata.api.throttling): past it, 429 with Retry-After;
3. carries an ETag (the SHA-256 of its body) and a Last-Modified (`data_changed_at`), and is a bodiless 304 when
   the client already holds it (If-None-Match, or If-Modified-Since alone);
4. may be read by any site (Access-Control-Allow-Origin: *; a preflight OPTIONS is answered);
5. is an error as JSON (`ErrorSerializer`) when the request names nothing (404), asks for something the API cannot
   read (400: every parameter is checked, and none reaches the database unchecked) or comes too often (429).

Lists come a page at a time (`page`, `page_size` up to 100: count, next, previous, results), by primary key, so
that pages never overlap and an unchanged list is the same bytes. The documentation page (/es/api/, /qu/api/) is
made from the OpenAPI document, which is made from these views and serializers.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import InvalidPage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, quote_etag
from django.utils.functional import Promise
from django.utils.http import http_date
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.renderers import OpenApiJsonRenderer2, OpenApiYamlRenderer2
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from commitments import selectors as plan_selectors
from commitments.models import (
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
    Parish,
    ProgressUpdate,
)
from commitments.search import MAX_QUERY_CHARS, printable
from commitments.views import OVERDUE_ONLY
from conecta.cache import current_generation, public_page
from meetings import selectors as meeting_selectors
from meetings.models import Agreement, Meeting
from reports.models import Report, ReportFile
from roads import request_selectors
from roads import selectors as road_selectors
from roads.models import RoadRequest, RoadRequestChange, WorkKind, WorkStatus

from . import serializers as api
from .throttling import AddressRateThrottle

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
PAGE_SIZE = 20
PAGE_SIZE_MAX = 100
# Beyond any real number of pages: a larger page number is refused before it reaches the database as an OFFSET.
PAGE_MAX = 1_000_000
# Shared caches may keep an answer this long (as the pages): it is the same for everyone who asks in a language.
MAX_AGE = 60
# The methods the API answers; anything else is a 405 that says so.
METHODS = ("GET", "HEAD", "OPTIONS")
# What a browser script of another site may send and read (CORS): the conditional request headers and the
# response headers that tell what it got.
CORS_REQUEST_HEADERS = "Accept, Accept-Language, If-Modified-Since, If-None-Match"
CORS_EXPOSED_HEADERS = "Content-Language, ETag, Last-Modified, Retry-After"


# Query parameters.


@dataclass(frozen=True)
class Param:
    """A query or path parameter: how the OpenAPI document describes it, and how a request's value is read.

    A value is a code from `choices`, a string matching `pattern` (at most `max_length` characters), or a
    boolean; an empty one is refused, but for a free text (a search), where it is no search. `read()` raises
    ValueError with the message the 400 gives."""

    name: str
    description: str | Promise
    choices: tuple[str, ...] = ()
    pattern: str = ""
    max_length: int = 0
    boolean: bool = False
    example: str = ""
    in_path: bool = False

    @property
    def free_text(self) -> bool:
        return not (self.boolean or self.choices or self.pattern)

    def schema(self) -> dict:
        if self.boolean:
            return {"type": "boolean"}
        schema: dict[str, Any] = {"type": "string"}
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.pattern:
            schema["pattern"] = f"^(?:{self.pattern})$"
        if self.max_length:
            schema["maxLength"] = self.max_length
        return schema

    def openapi(self) -> OpenApiParameter:
        return OpenApiParameter(
            self.name,
            type=self.schema(),
            location=OpenApiParameter.PATH if self.in_path else OpenApiParameter.QUERY,
            required=self.in_path,
            description=self.description,
            examples=[OpenApiExample(self.name, value=self.example)] if self.example else None,
        )

    def read(self, value: str | None):
        if value is None or (value == "" and self.free_text):
            return None
        if value == "":
            raise ValueError(EMPTY)
        if self.boolean:
            if value.lower() in ("true", "1"):
                return True
            if value.lower() in ("false", "0"):
                return False
            raise ValueError(_("Must be true or false."))
        if self.choices and value not in self.choices:
            raise ValueError(_("Must be one of: %(values)s.") % {"values": ", ".join(self.choices)})
        if self.max_length and len(value) > self.max_length:
            raise ValueError(
                ngettext("At most %(count)s character.", "At most %(count)s characters.", self.max_length)
                % {"count": self.max_length}
            )
        if self.pattern and not re.fullmatch(self.pattern, value):
            raise ValueError(_("This is not a valid value for %(name)s.") % {"name": self.name})
        return value


EMPTY = _("Give a value, or leave the parameter out.")
SLUG = r"[-a-zA-Z0-9_]{1,80}"
COMMITMENT_CODE = r"[A-Za-z0-9]{1,12}"
WORK_CODE = r"[A-Za-z0-9][A-Za-z0-9-]{1,29}"
PARISH_CODE = r"[0-9]{6}"

PLAN = Param(
    "plan",
    _("The slug of an action plan (plans/); by default, the plan the portal shows."),
    pattern=SLUG,
    example="pastaza-2024-2027",
)
COMMITMENT = Param(
    "commitment", _("Only those of the commitment with this code."), pattern=COMMITMENT_CODE, example="ECPTZ0001"
)
SEARCH = Param(
    "q",
    _("Words to look for (accents and capitals aside): every one must be found."),
    max_length=MAX_QUERY_CHARS,
    example="vivero",
)
CANTON = Param("canton", _("Only those in the canton with this slug (cantons/)."), pattern=SLUG, example="pastaza")


def searched(words: str | None) -> str:
    """A search as the pages clean it: no control characters, single spaces."""
    return " ".join(printable(words or "").split())


# Pagination.


class ApiPagination(PageNumberPagination):
    """Pages of `page_size` rows (20 by default, 100 at most); a page or size the API cannot read is a 400, a page
    past the last one a 404."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = PAGE_SIZE_MAX

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        errors = {}
        number = self._positive(request.query_params.get("page"), 1, PAGE_MAX, "page", errors)
        size = self._positive(request.query_params.get("page_size"), PAGE_SIZE, PAGE_SIZE_MAX, "page_size", errors)
        if errors:
            raise exceptions.ValidationError(errors)
        paginator = self.django_paginator_class(queryset, size)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise exceptions.NotFound(_("There is no page %(page)s of these results.") % {"page": number}) from None
        return list(self.page)

    @staticmethod
    def _positive(value: str | None, default: int, largest: int, name: str, errors: dict) -> int:
        if value is None:
            return default
        if not re.fullmatch(r"[0-9]{1,12}", value) or not 1 <= int(value) <= largest:
            errors[name] = [_("Must be a whole number from 1 to %(largest)s.") % {"largest": largest}]
            return default
        return int(value)

    def get_paginated_response_schema(self, schema):
        def page_link(description):
            return {"type": ["string", "null"], "format": "uri", "description": description}

        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0, "description": _("How many rows the list has in all.")},
                "next": page_link(_("The address of the next page; null on the last one.")),
                "previous": page_link(_("The address of the previous page; null on the first one.")),
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": _("The page to read, from 1."),
                "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": _("How many rows a page holds: %(default)s by default, %(largest)s at most.")
                % {"default": PAGE_SIZE, "largest": PAGE_SIZE_MAX},
                "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_SIZE_MAX},
            },
        ]


# The OpenAPI description of each view.

LANG = OpenApiParameter(
    "lang",
    type={"type": "string", "enum": list(LANGUAGES)},
    location=OpenApiParameter.QUERY,
    description=_("The language of the texts: es (Spanish) or qu (Kichwa). Without it, the Accept-Language header's."),
)
ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language",
    type=str,
    location=OpenApiParameter.HEADER,
    description=_("The languages the client reads, as browsers send them; ?lang= wins over it."),
)
RESPONSE_HEADERS = [
    OpenApiParameter(
        "ETag",
        type=str,
        location=OpenApiParameter.HEADER,
        response=[200],
        description=_("The SHA-256 of the body: send it back in If-None-Match to get a 304 while nothing changed."),
    ),
    OpenApiParameter(
        "Last-Modified",
        type=str,
        location=OpenApiParameter.HEADER,
        response=[200],
        description=_("When the portal's public data last changed (If-Modified-Since)."),
    ),
    OpenApiParameter(
        "Content-Language",
        type={"type": "string", "enum": list(LANGUAGES)},
        location=OpenApiParameter.HEADER,
        response=[200, 400, 404, 429],
        description=_("The language of the texts."),
    ),
    OpenApiParameter(
        "Retry-After",
        type={"type": "string", "pattern": "^[0-9]+$"},
        location=OpenApiParameter.HEADER,
        response=[429],
        description=_("Seconds to wait before the next request."),
    ),
]


class ApiSchema(AutoSchema):
    """Each operation as its view declares it (summary, description, tag, parameters), in the active language,
    with the answers every view may give: the data, 304, and the errors."""

    def get_operation_id(self) -> str:
        return self.view.operation_id or super().get_operation_id()

    def get_summary(self):
        return self.view.summary or None

    def get_description(self):
        return self.view.description or ""

    def get_tags(self) -> list[str]:
        return [self.view.tag] if self.view.tag else super().get_tags()

    def get_override_parameters(self):
        declared = [param.openapi() for param in (*self.view.path_params, *self.view.params)]
        return [*super().get_override_parameters(), *declared, LANG, ACCEPT_LANGUAGE, *RESPONSE_HEADERS]

    def get_response_serializers(self):
        error = api.ErrorSerializer
        return {
            200: super().get_response_serializers(),
            304: OpenApiResponse(description=_("Not modified: the copy the client holds is current.")),
            400: OpenApiResponse(error, description=_("A parameter the API cannot read.")),
            404: OpenApiResponse(error, description=_("Nothing is published at this address.")),
            429: OpenApiResponse(
                error, description=_("Too many requests from this address: wait Retry-After seconds.")
            ),
        }


# What every answer shares.


class JsonOnly(BaseContentNegotiation):
    """The API speaks one format: every client gets it, whatever its Accept header says."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def api_exception_handler(exc, context):
    """DRF's answer to an error (its status and headers: Retry-After on a 429, Allow on a 405), with a body of the
    API's own (`ErrorSerializer`) in the language of the request."""
    if isinstance(exc, exceptions.Throttled):
        exc.wait = max(1, math.ceil(exc.wait or 1))
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"request": exc.detail}
        response.data = {
            "detail": str(_("Some parameters are not valid.")),
            "code": "invalid",
            "errors": {name: [str(message) for message in messages] for name, messages in errors.items()},
        }
        return response
    if isinstance(exc, exceptions.Throttled):
        detail = ngettext(
            "Too many requests from your address: try again in %(seconds)s second.",
            "Too many requests from your address: try again in %(seconds)s seconds.",
            exc.wait,
        ) % {"seconds": exc.wait}
    elif isinstance(exc, exceptions.MethodNotAllowed):
        detail = _("This API is read-only: it answers GET, HEAD and OPTIONS only.")
    else:
        detail = exc.detail
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else ""
    response.data = {"detail": str(detail), "code": codes if isinstance(codes, str) else "error"}
    return response


def open_to_all(response):
    """Any site may read the API from a browser (CORS), and see what tells it what it got."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = CORS_EXPOSED_HEADERS
    return response


# The last change of the public data, as far as the portal knows it.

CHANGED_AT_KEY = "opendata:api:changed-at:{generation}"
LATEST_STAMP_KEY = "opendata:api:latest-stamp"
CHANGED_AT_SECONDS = 7 * 86400


def data_changed_at() -> int | None:
    """When the public data last changed (seconds since the epoch), for Last-Modified; None while it cannot be
    told apart from an earlier state within HTTP's one-second dates.

    Every change of what a public page shows moves the page cache to a new generation (conecta.cache, connected
    to the saves of every public model). The first request of a generation records the second it is answered in,
    later than the change itself and later than the second recorded for the generation before: an answer is never
    called unmodified since a time before its data changed. When two generations fall in the same second, the
    later one's second is still to come, and until it comes no Last-Modified is sent (a date may not be in the
    future). What is overdue changes at midnight in Pastaza with no save, hence never earlier than today's start.
    With the cache unreachable, every answer is new.
    """
    key = CHANGED_AT_KEY.format(generation=current_generation())
    stamp = cache.get(key)
    now = time.time()
    if stamp is None:
        stamp = max(math.floor(now), (cache.get(LATEST_STAMP_KEY) or 0) + 1)
        if cache.add(key, stamp, timeout=CHANGED_AT_SECONDS):
            cache.set(LATEST_STAMP_KEY, stamp, timeout=None)
        stamp = cache.get(key) or stamp
    if stamp > now:
        return None
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return max(stamp, int(today.timestamp()))


class PublicApiView(generics.GenericAPIView):
    """The base of every address of the API: anonymous, rate-limited, JSON, in the language asked for, with
    validators for conditional requests and CORS headers. Subclasses declare their `params` (checked before
    anything reads the database) and what the OpenAPI document says of them."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (AddressRateThrottle,)
    renderer_classes = (JSONRenderer,)
    parser_classes = ()
    content_negotiation_class = JsonOnly
    pagination_class = ApiPagination
    schema = ApiSchema()

    params: tuple[Param, ...] = ()
    path_params: tuple[Param, ...] = ()
    operation_id = ""
    summary: str | Promise = ""
    description: str | Promise = ""
    tag = ""
    # Whether Last-Modified applies: the answer is made from the public data (not the API's own description).
    from_data = True

    def dispatch(self, request, *args, **kwargs):
        asked = request.GET.get("lang", "")
        self.language = asked if asked in LANGUAGES else (get_language() or settings.LANGUAGE_CODE)
        with translation.override(self.language):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        """After the rate limit: every query parameter read and checked, all errors at once in one 400."""
        super().initial(request, *args, **kwargs)
        errors: dict[str, list[str]] = {}
        asked = request.query_params.get("lang")
        if asked is not None and asked not in LANGUAGES:
            errors["lang"] = [str(_("Must be one of: %(values)s.") % {"values": ", ".join(LANGUAGES)})]
        self.filters: dict[str, Any] = {}
        for param in self.params:
            try:
                self.filters[param.name] = param.read(request.query_params.get(param.name))
            except ValueError as error:
                errors[param.name] = [str(error)]
        if errors:
            raise exceptions.ValidationError(errors)

    def options(self, request, *args, **kwargs):
        """A CORS preflight (a browser asking before a conditional GET): what may be sent, for a day."""
        response = Response(status=204)
        response["Access-Control-Allow-Methods"] = ", ".join(METHODS)
        response["Access-Control-Allow-Headers"] = CORS_REQUEST_HEADERS
        response["Access-Control-Max-Age"] = "86400"
        return response

    def get_exception_handler(self):
        return api_exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        patch_vary_headers(response, ("Accept-Language",))
        if response.status_code == 200 and request.method in ("GET", "HEAD"):
            etag = quote_etag(hashlib.sha256(response.content).hexdigest())
            modified = data_changed_at() if self.from_data else None
            response["ETag"] = etag
            if modified is not None:
                response["Last-Modified"] = http_date(modified)
            patch_cache_control(response, public=True, max_age=MAX_AGE)
            response = get_conditional_response(request, etag=etag, last_modified=modified, response=response)
        response["Content-Language"] = self.language
        return open_to_all(response)


class ListView(PublicApiView, generics.ListAPIView):
    """A list, a page at a time. `rows()` gives the queryset (by primary key); `prepare()` may set on the rows of
    the page what their serializer reads."""

    def rows(self):
        raise NotImplementedError

    def prepare(self, rows: list) -> None:
        """Nothing to add by default."""

    def get_queryset(self):
        return self.rows()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        self.prepare(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DetailView(PublicApiView):
    """One record, found by `find(**path values)`; a value that cannot name one, or names nothing published, is a
    404."""

    not_found = _("Nothing is published at this address.")

    def find(self, **kwargs):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        for param in self.path_params:
            if not re.fullmatch(param.pattern, kwargs.get(param.name, "")):
                raise exceptions.NotFound(self.not_found)
        found = self.find(**kwargs)
        if found is None:
            raise exceptions.NotFound(self.not_found)
        return Response(self.get_serializer(found).data)


def shown_plans():
    """The plans the API shows: the real ones, and the one the portal shows (a benchmark may point it at a
    synthetic plan)."""
    return ActionPlan.objects.filter(Q(is_synthetic=False) | Q(slug=settings.CONECTA_PLAN_SLUG))


class PlanScoped(ListView):
    """A list of one plan's records: `?plan=` or the plan the portal shows."""

    def plan(self) -> ActionPlan | None:
        slug = self.filters.get("plan")
        if slug is None:
            return plan_selectors.plan_current()
        return shown_plans().filter(slug=slug).first()


# The plan.


class PlanList(ListView):
    operation_id = "plans_list"
    tag = "plan"
    summary = _("Action plans")
    description = _("The OGP Local action plans of Pastaza; is_current marks the one the portal shows.")
    serializer_class = api.PlanSerializer

    def rows(self):
        return shown_plans().order_by("pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "current_plan": plan_selectors.plan_current()}


class PlanDetail(DetailView):
    operation_id = "plans_retrieve"
    tag = "plan"
    summary = _("One action plan")
    description = _("An action plan with its texts and its published commitments counted by axis and IRM level.")
    serializer_class = api.PlanDetailSerializer
    path_params = (Param("slug", _("The plan's slug."), pattern=SLUG, example="pastaza-2024-2027", in_path=True),)

    def find(self, slug: str):
        plan = shown_plans().filter(slug=slug).first()
        if plan is not None:
            plan.overview = plan_selectors.plan_overview(plan=plan)
        return plan

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "current_plan": plan_selectors.plan_current()}


class CommitmentList(PlanScoped):
    operation_id = "commitments_list"
    tag = "plan"
    summary = _("Commitments")
    description = _(
        "The plan's published commitments with their progress, filtered as the commitments page filters them."
    )
    serializer_class = api.CommitmentSerializer
    params = (
        SEARCH,
        Param("axis", _("Only those of this thematic axis."), choices=tuple(Axis.values), example="biophysical"),
        Param("level", _("Only those at this IRM completion level."), choices=tuple(IrmLevel.values)),
        Param(
            "institution",
            _("Only those led by the institution or department with this slug (institutions/)."),
            pattern=SLUG,
        ),
        CANTON,
        Param("value", _("Only those that serve this OGP value (its code)."), pattern=SLUG),
        Param(
            "overdue",
            _("true: only those with an overdue milestone, or that ended incomplete; false: only the others."),
            boolean=True,
        ),
        PLAN,
    )

    def rows(self):
        plan = self.plan()
        if plan is None:
            return Commitment.objects.none()
        found = self.filters
        filters = plan_selectors.ListFilters(
            axis=found["axis"] or "",
            level=found["level"] or "",
            lead=found["institution"] or "",
            canton=found["canton"] or "",
            value=found["value"] or "",
            overdue=OVERDUE_ONLY if found["overdue"] else "",
            q=searched(found["q"]),
        )
        rows = plan_selectors.commitments_listed(plan=plan, filters=filters).select_related("plan")
        if found["overdue"] is False:
            rows = rows.exclude(Q(overdue=True) | Q(overdue_milestones__gt=0))
        return rows.order_by("pk")


class CommitmentDetail(DetailView):
    operation_id = "commitments_retrieve"
    tag = "plan"
    summary = _("One commitment")
    description = _(
        "A published commitment with everything its page shows: its published milestones (each with its dated "
        "progress history and evidence), updates and indicators (with their published values and the independent "
        "monitor's verdict on each)."
    )
    serializer_class = api.CommitmentDetailSerializer
    path_params = (
        Param("code", _("The commitment's OGP code."), pattern=COMMITMENT_CODE, example="ECPTZ0001", in_path=True),
    )

    def find(self, code: str):
        commitment = plan_selectors.commitment_public_detail(code=code.upper())
        if commitment is not None:
            commitment.overdue_milestones = sum(1 for m in commitment.milestones.all() if m.is_overdue)
        return commitment


def _published_evidence() -> Prefetch:
    return Prefetch("evidence", queryset=Evidence.objects.filter(is_published=True))


class MilestoneList(PlanScoped):
    operation_id = "milestones_list"
    tag = "plan"
    summary = _("Milestones")
    description = _("The published milestones of the plan's published commitments, with their progress history.")
    serializer_class = api.MilestoneSerializer
    params = (COMMITMENT, PLAN)

    def rows(self):
        plan = self.plan()
        if plan is None:
            return Milestone.objects.none()
        rows = (
            Milestone.objects.published()
            .filter(commitment__plan=plan)
            .with_schedule()
            .select_related("commitment", "responsible_institution")
            .prefetch_related(
                _published_evidence(),
                Prefetch("observations", queryset=MilestoneProgress.objects.published().order_by("observed_on", "pk")),
            )
        )
        if self.filters["commitment"]:
            rows = rows.filter(commitment__code=self.filters["commitment"].upper())
        return rows.order_by("pk")


class UpdateList(PlanScoped):
    operation_id = "updates_list"
    tag = "plan"
    summary = _("Progress updates")
    description = _("The published progress updates of the plan's published commitments.")
    serializer_class = api.UpdateSerializer
    params = (COMMITMENT, PLAN)

    def rows(self):
        plan = self.plan()
        if plan is None:
            return ProgressUpdate.objects.none()
        rows = (
            ProgressUpdate.objects.published()
            .filter(commitment__plan=plan)
            .select_related("commitment")
            .prefetch_related(_published_evidence())
        )
        if self.filters["commitment"]:
            rows = rows.filter(commitment__code=self.filters["commitment"].upper())
        return rows.order_by("pk")


class IndicatorList(PlanScoped):
    operation_id = "indicators_list"
    tag = "plan"
    summary = _("Indicators")
    description = _(
        "The published indicators of the plan's published commitments, with their published values and the "
        "independent monitor's verdict on each value."
    )
    serializer_class = api.IndicatorSerializer
    params = (COMMITMENT, PLAN)

    def rows(self):
        plan = self.plan()
        if plan is None:
            return Indicator.objects.none()
        values = (
            IndicatorValue.objects.filter(is_published=True)
            .select_related("verification")
            .order_by("observed_on", "group", "pk")
        )
        rows = (
            Indicator.objects.published()
            .filter(commitment__plan=plan)
            .select_related("commitment")
            .prefetch_related(Prefetch("values", queryset=values))
        )
        if self.filters["commitment"]:
            rows = rows.filter(commitment__code=self.filters["commitment"].upper())
        return rows.order_by("pk")


# The territory and the institutions.


class InstitutionList(ListView):
    operation_id = "institutions_list"
    tag = "territory"
    summary = _("Institutions")
    description = _("The institutions of the plan: governments, their departments, civil society and others.")
    serializer_class = api.InstitutionSerializer

    def rows(self):
        return Institution.objects.select_related("parent").order_by("pk")


class CantonList(ListView):
    operation_id = "cantons_list"
    tag = "territory"
    summary = _("Cantons")
    description = _("The cantons of Pastaza, with their INEC codes and population.")
    serializer_class = api.CantonSerializer

    def rows(self):
        return Canton.objects.order_by("pk")


class ParishList(ListView):
    operation_id = "parishes_list"
    tag = "territory"
    summary = _("Parishes")
    description = _("The parishes of Pastaza, with their INEC codes.")
    serializer_class = api.ParishSerializer
    params = (CANTON,)

    def rows(self):
        rows = Parish.objects.select_related("canton")
        if self.filters["canton"]:
            rows = rows.filter(canton__slug=self.filters["canton"])
        return rows.order_by("pk")


# Reports.


class ReportList(PlanScoped):
    operation_id = "reports_list"
    tag = "reports"
    summary = _("Progress reports")
    description = _(
        "The plan's published progress reports, with the address, size and SHA-256 of each PDF, and their data."
    )
    serializer_class = api.ReportSerializer
    params = (PLAN,)

    def rows(self):
        plan = self.plan()
        if plan is None:
            return Report.objects.none()
        return (
            Report.objects.published()
            .filter(plan=plan)
            .select_related("plan", "supersedes", "superseded_by")
            .prefetch_related(
                Prefetch("files", queryset=ReportFile.objects.filter(is_preview=False).order_by("language"))
            )
            .defer("snapshot", "supersedes__snapshot", "superseded_by__snapshot")
            .order_by("pk")
        )


# Meetings and agreements.


class MeetingList(ListView):
    operation_id = "meetings_list"
    tag = "meetings"
    summary = _("Meetings")
    description = _("The published meetings of the plan's participation spaces, with who attended them.")
    serializer_class = api.MeetingSerializer
    params = (Param("kind", _("Only meetings of this kind."), choices=tuple(Meeting.Kind.values)),)

    def rows(self):
        agreements = (
            Agreement.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting").annotate(n=Count("pk"))
        )
        rows = (
            Meeting.objects.published()
            .select_related("canton", "plan")
            .prefetch_related("attendance")
            .annotate(agreement_count=Coalesce(Subquery(agreements.values("n"), output_field=IntegerField()), Value(0)))
        )
        if self.filters["kind"]:
            rows = rows.filter(kind=self.filters["kind"])
        return rows.order_by("pk")

    def prepare(self, rows: list) -> None:
        for meeting in rows:
            figures = meeting_selectors.Attendance()
            for row in meeting.attendance.all():
                counted = figures.gender if row.dimension == meeting_selectors.Dimension.GENDER else figures.sector
                counted[row.category] += row.count
            meeting.attendance_figures = figures


class AgreementList(ListView):
    operation_id = "agreements_list"
    tag = "meetings"
    summary = _("Agreements")
    description = _("The agreements reached by published meetings, with how each stands.")
    serializer_class = api.AgreementSerializer
    params = (
        Param(
            "status",
            _("Only those in this status; overdue: still open past their due date."),
            choices=(*Agreement.Status.values, "overdue"),
        ),
        COMMITMENT,
    )

    def rows(self):
        status = self.filters["status"] or ""
        filters = meeting_selectors.AgreementFilters(
            status=meeting_selectors.OVERDUE if status == "overdue" else status,
            commitment=(self.filters["commitment"] or "").upper(),
        )
        return meeting_selectors.agreements_register(filters=filters, today=timezone.localdate()).order_by("pk")


# Roads.

WORK_PARAMS = (
    SEARCH,
    Param("status", _("Only works in this status."), choices=tuple(WorkStatus.values)),
    Param("kind", _("Only works of this kind."), choices=tuple(WorkKind.values)),
    CANTON,
    Param("parish", _("Only works in the parish with this INEC code."), pattern=PARISH_CODE, example="160150"),
    COMMITMENT,
)


class RoadWorkList(ListView):
    operation_id = "road_works_list"
    tag = "roads"
    summary = _("Road works")
    description = _("The published road works with their latest published progress, filtered as their page does.")
    serializer_class = api.RoadWorkSerializer
    params = WORK_PARAMS

    def rows(self):
        found = self.filters
        filters = road_selectors.WorkFilters(
            status=found["status"] or "",
            kind=found["kind"] or "",
            canton=found["canton"] or "",
            parish=found["parish"] or "",
            commitment=(found["commitment"] or "").upper(),
            q=searched(found["q"]),
        )
        return (
            road_selectors.works_listed(filters=filters)
            .select_related("institution", "commitment")
            .prefetch_related("parishes")
            .order_by("pk")
        )


class RoadWorkDetail(DetailView):
    operation_id = "road_works_retrieve"
    tag = "roads"
    summary = _("One road work")
    description = _("A published road work with its line, its published progress (dated) and documents.")
    serializer_class = api.RoadWorkDetailSerializer
    path_params = (Param("code", _("The work's code."), pattern=WORK_CODE, example="VIA-0001", in_path=True),)

    def find(self, code: str):
        return road_selectors.work_public_detail(code=code.upper())


class RoadRequestList(ListView):
    operation_id = "road_requests_list"
    tag = "roads"
    summary = _("Road requests")
    description = _(
        "The road problems citizens reported that a moderator approved, with how each stands: never who sent them."
    )
    serializer_class = api.RoadRequestSerializer
    params = (
        Param("status", _("Only requests in this status."), choices=tuple(RoadRequest.Status.values)),
        Param("kind", _("Only requests about this kind of problem."), choices=tuple(RoadRequest.Kind.values)),
        CANTON,
        Param("parish", _("Only requests in the parish with this INEC code."), pattern=PARISH_CODE),
    )

    def rows(self):
        found = self.filters
        canton = parish = None
        if found["canton"]:
            canton = Canton.objects.filter(slug=found["canton"]).first()
            if canton is None:
                return RoadRequest.objects.none()
        if found["parish"]:
            parish = Parish.objects.filter(code=found["parish"]).first()
            if parish is None:
                return RoadRequest.objects.none()
        filters = request_selectors.RequestFilters(
            status=found["status"] or "", kind=found["kind"] or "", canton=canton, parish=parish
        )
        changes = RoadRequestChange.objects.only("pk", "request_id", "status", "note_es", "note_qu", "changed_at")
        return (
            request_selectors.requests_public(filters)
            .prefetch_related(Prefetch("changes", queryset=changes.order_by("changed_at", "pk"), to_attr="history"))
            .order_by("pk")
        )

    def prepare(self, rows: list) -> None:
        for road_request in rows:
            request_selectors.for_public(road_request)


# The API's own description.


@lru_cache(maxsize=len(LANGUAGES))
def openapi_document(language: str) -> dict:
    """The OpenAPI 3.1 document of the API in `language`, as plain JSON values (made once per process and
    language: it changes only with the code)."""
    with translation.override(language):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        return json.loads(json.dumps(schema, cls=DjangoJSONEncoder))


class OpenApiJson(PublicApiView):
    renderer_classes = (OpenApiJsonRenderer2,)
    from_data = False

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return Response(openapi_document(self.language))


class OpenApiYaml(OpenApiJson):
    renderer_classes = (OpenApiYamlRenderer2,)


class NotFound(PublicApiView):
    """Any other address under /api/v1/: a 404 in JSON, as for a record that does not exist."""

    from_data = False

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound(_("Nothing is published at this address."))


# The documentation page.

TAGS = {
    "plan": _("The plan"),
    "territory": _("Territory"),
    "reports": _("Reports"),
    "meetings": _("Meetings and agreements"),
    "roads": _("Roads"),
}
# The parameters every operation takes, explained once at the top of the page rather than under each.
COMMON_PARAMETERS = {"lang", "Accept-Language", "page", "page_size"}


@dataclass
class Operation:
    """One address of the API as the documentation page shows it."""

    path: str
    summary: str
    description: str
    parameters: list[dict] = field(default_factory=list)
    example: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    paginated: bool = False


def _type_of(schema: dict, components: dict) -> str:
    """A short name for what a value is: string, integer, date, object, list of ..., or null."""
    if "$ref" in schema:
        target = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
        return "code" if "enum" in target else "object"
    for combined in ("oneOf", "anyOf", "allOf"):
        if combined in schema:
            names = [_type_of(part, components) for part in schema[combined]]
            return " | ".join(dict.fromkeys(name for name in names if name != "null")) + (
                " | null" if "null" in names else ""
            )
    kinds = schema.get("type", "object")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    names = []
    for kind in kinds:
        if kind == "array":
            names.append(f"[{_type_of(schema.get('items', {}), components)}]")
        elif kind == "string" and schema.get("format") in ("date", "date-time", "uri", "decimal"):
            names.append(schema["format"])
        elif kind == "string" and "enum" in schema:
            names.append("code")
        elif kind == "null" and "enum" in schema and schema["enum"] == [None]:
            names.append("null")
        else:
            names.append(kind)
    return " | ".join(names)


def _result_fields(response: dict, components: dict) -> tuple[list[tuple[str, str]], bool]:
    """The fields of the record a 200 answers with (the rows of a page, for a list), and whether it is paged."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    component = components.get(schema.get("$ref", "").rsplit("/", 1)[-1], {})
    properties = component.get("properties", {})
    paginated = "results" in properties and "count" in properties
    if paginated:
        item = properties["results"].get("items", {})
        component = components.get(item.get("$ref", "").rsplit("/", 1)[-1], {})
        properties = component.get("properties", {})
    return [(name, _type_of(value, components)) for name, value in properties.items()], paginated


def _parameter_row(parameter: dict) -> dict:
    schema = parameter.get("schema", {})
    values = schema.get("enum") or []
    kind = schema.get("type", "string")
    return {
        "name": parameter["name"],
        "location": parameter["in"],
        "required": parameter.get("required", False),
        "type": kind if isinstance(kind, str) else " | ".join(kind),
        "values": [value for value in values if value is not None],
        "description": parameter.get("description", ""),
    }


def _example(path: str, parameters: list[dict]) -> str:
    """An address to try: the path with the example of each path parameter, and the first query parameter that
    has an example."""
    query = ""
    for parameter in parameters:
        examples = [example.get("value") for example in (parameter.get("examples") or {}).values()]
        if not examples:
            continue
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", str(examples[0]))
        elif parameter["in"] == "query" and not query:
            query = f"?{parameter['name']}={examples[0]}"
    return path + query


def documented_operations(document: dict) -> list[tuple[str, list[Operation]]]:
    """The operations of the OpenAPI document, by tag in TAGS' order: what the documentation page lists."""
    components = document.get("components", {}).get("schemas", {})
    by_tag: dict[str, list[Operation]] = {tag: [] for tag in TAGS}
    for path, methods in document.get("paths", {}).items():
        operation = methods.get("get")
        if operation is None:
            continue
        parameters = operation.get("parameters", [])
        fields, paginated = _result_fields(operation.get("responses", {}).get("200", {}), components)
        by_tag.setdefault((operation.get("tags") or [""])[0], []).append(
            Operation(
                path=path,
                summary=operation.get("summary", ""),
                description=operation.get("description", ""),
                parameters=[_parameter_row(p) for p in parameters if p["name"] not in COMMON_PARAMETERS],
                example=_example(path, parameters),
                fields=fields,
                paginated=paginated,
            )
        )
    return [(str(TAGS.get(tag, tag)), operations) for tag, operations in by_tag.items() if operations]


@require_safe
@public_page
def api_docs(request):
    """The API's documentation, in the page's language, made from its OpenAPI document: how to ask, and each
    address with its parameters, an example and the fields it answers with."""
    document = openapi_document(get_language() or settings.LANGUAGE_CODE)
    return render(
        request,
        "opendata/api_docs.html",
        {
            "sections": documented_operations(document),
            "info": document.get("info", {}),
            "openapi_version": document.get("openapi", ""),
            "page_size": PAGE_SIZE,
            "page_size_max": PAGE_SIZE_MAX,
            # (requests, seconds) of settings.API_RATE_LIMIT, or None for no limit.
            "rate_limit": AddressRateThrottle().parse_rate(settings.API_RATE_LIMIT or None),
            "max_age": MAX_AGE,
            "api_root": request.build_absolute_uri("/api/v1/"),
        },
    )
