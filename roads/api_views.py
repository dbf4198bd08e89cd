"""The roads' open formats, at addresses without a language prefix: Open311 GeoReport v2 (read-only), OC4IDS
project packages, and the CSV, XLSX and GeoJSON downloads.

Each answer is the same for every visitor and cached whole (@public_page, per language and declared parameter);
any site may read it (Access-Control-Allow-Origin: *). Open311 answers in the language of `?lang=` or, without it,
of the request (Accept-Language); its errors, a refused POST included, are the spec's error lists.
"""

from __future__ import annotations

import re
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from conecta.cache import public_page

from . import exports, oc4ids, open311
from .models import RoadWork

# What can be a work's code (RoadWork.code): nothing else reaches the database.
WORK_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{1,29}")
SAFE_METHODS = ("GET", "HEAD")
REQUEST_PARAMS = ("service_request_id", "service_code", "start_date", "end_date", "status", "page", "page_size")


def _open_to_all(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _download(body, content_type: str, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _open_to_all(response)


# Open311.


def _open311_body(fmt: str, data, xml) -> bytes:
    return open311.as_json(data) if fmt == "json" else xml(data)


def _open311_error(fmt: str, error: open311.Open311Error) -> HttpResponse:
    body = open311.errors_json(error) if fmt == "json" else open311.errors_xml(error)
    return _open_to_all(HttpResponse(body, status=error.code, content_type=open311.FORMATS[fmt]))


def open311_view(view):
    """An Open311 address: GET and HEAD only (anything else is the spec's 405 error: the API is read-only), in
    the language `?lang=` names (es or qu), errors as the spec's lists."""

    @wraps(view)
    def wrapper(request, fmt: str, **kwargs):
        lang = request.GET.get("lang", "")
        language = lang if lang in dict(settings.LANGUAGES) else translation.get_language()
        with translation.override(language):
            if request.method not in SAFE_METHODS:
                response = _open311_error(
                    fmt, open311.Open311Error(405, _("This API is read-only: service requests cannot be created here."))
                )
                response["Allow"] = ", ".join(SAFE_METHODS)
                return response
            if lang and lang != language:
                return _open311_error(fmt, open311.Open311Error(400, _("lang must be es or qu.")))
            try:
                response = view(request, fmt, **kwargs)
            except open311.Open311Error as error:
                return _open311_error(fmt, error)
            response["Content-Language"] = language
            return _open_to_all(response)

    return wrapper


def _open311_response(body: bytes, fmt: str) -> HttpResponse:
    return HttpResponse(body, content_type=open311.FORMATS[fmt])


@csrf_exempt
@public_page(params=("lang",))
@open311_view
def discovery(request, fmt: str):
    return _open311_response(_open311_body(fmt, open311.discovery(), open311.discovery_xml), fmt)


@csrf_exempt
@public_page(params=("lang",))
@open311_view
def services(request, fmt: str):
    rows = open311.services()
    return _open311_response(_open311_body(fmt, rows, lambda data: open311.list_xml("services", "service", data)), fmt)


@csrf_exempt
@public_page(params=("lang",))
@open311_view
def service_definition(request, fmt: str, code: str):
    definition = open311.service_definition(code)
    return _open311_response(_open311_body(fmt, definition, open311.service_definition_xml), fmt)


def _requests_body(fmt: str, rows: list[dict]) -> bytes:
    return _open311_body(fmt, rows, lambda data: open311.list_xml("service_requests", "request", data))


def _page_link(request, page: int, rel: str) -> str:
    params = {name: request.GET[name] for name in ("lang", *REQUEST_PARAMS) if request.GET.get(name)}
    params["page"] = str(page)
    return f'<{oc4ids.site_url(request.path)}?{urlencode(params)}>; rel="{rel}"'


@csrf_exempt
@public_page(params=("lang", *REQUEST_PARAMS))
@open311_view
def requests(request, fmt: str):
    """The public requests the filters ask for, a page at a time; a Link header names the previous and next pages
    (RFC 8288), as Open311 has no field for them."""
    query = open311.request_query(request.GET)
    found, more = open311.requests_found(query)
    response = _open311_response(_requests_body(fmt, [open311.service_request(row) for row in found]), fmt)
    links = []
    if query.page > 1:
        links.append(_page_link(request, query.page - 1, "prev"))
    if more:
        links.append(_page_link(request, query.page + 1, "next"))
    if links:
        response["Link"] = ", ".join(links)
    return response


@csrf_exempt
@public_page(params=("lang",))
@open311_view
def request_detail(request, fmt: str, request_id: str):
    """One public request, as a list of one (the spec's shape)."""
    found = open311.request_by_id(request_id)
    return _open311_response(_requests_body(fmt, [open311.service_request(found)]), fmt)


# OC4IDS.


def _json(data, *, status: int = 200) -> HttpResponse:
    response = _download(open311.as_json(data), "application/json; charset=utf-8")
    response.status_code = status
    return response


@require_safe
@public_page
def oc4ids_package(request):
    """Every published road work as an OC4IDS project package."""
    package = oc4ids.package(oc4ids.works_for_oc4ids(), path=request.path)
    if package is None:
        return _json({"error": _("No road work is published yet.")}, status=404)
    return _json(package)


@require_safe
@public_page
def oc4ids_work(request, code: str):
    """One published road work as an OC4IDS project package of one project."""
    works = oc4ids.works_for_oc4ids().filter(code=code) if WORK_CODE.fullmatch(code) else RoadWork.objects.none()
    package = oc4ids.package(works, path=request.path)
    if package is None:
        return _json({"error": _("There is no published road work with this code.")}, status=404)
    return _json(package)


# Flat downloads.


@require_safe
@public_page
def works_csv(request):
    return _download(exports.works_csv(exports.works_exported()), "text/csv; charset=utf-8", "obras-viales.csv")


@require_safe
@public_page
def works_xlsx(request):
    return _download(
        exports.works_xlsx(exports.works_exported()),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "obras-viales.xlsx",
    )


@require_safe
@public_page
def progress_csv(request):
    return _download(
        exports.progress_csv(exports.progress_exported()), "text/csv; charset=utf-8", "avances-obras-viales.csv"
    )


@require_safe
@public_page
def works_geojson(request):
    return _download(exports.works_geojson(exports.works_mapped()), "application/geo+json")


@require_safe
@public_page
def requests_csv(request):
    return _download(
        exports.requests_csv(exports.requests_exported()), "text/csv; charset=utf-8", "solicitudes-viales.csv"
    )
