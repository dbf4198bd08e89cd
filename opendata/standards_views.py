"""The whole catalogue for programs and for the record: its Frictionless Data Package (/datos/datapackage.json),
its DCAT-AP description (/datos/dcat.jsonld, /datos/dcat.ttl), its nightly bundles (/datos/paquete.zip the latest,
/datos/paquetes/conecta-pastaza-datos-<day>.zip each kept one), and the page that lists the kept bundles
(/es/datos/historial/).

The descriptions are the same for every visitor and language: any site may read them (Access-Control-Allow-Origin:
*), each answers with the SHA-256 of its body as ETag (a 304 to a client that has it) and names the licence in a
Link header. They are made from the downloads' cached builds (opendata.distributions), so they cost no more than
the catalogue page. A bundle is a stored file, sent as every stored file is (conecta.files.stored_file_response).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from conecta.cache import public_page
from conecta.files import stored_file_response

from . import bundle as bundles
from .datapackage import as_json, datapackage_online
from .dcat import JSONLD_TYPE, TURTLE_TYPE, catalogue_jsonld, catalogue_turtle
from .distributions import LICENSE_URL
from .models import Bundle

# How long a browser or shared cache may keep a description, or the latest bundle's address, without asking: as
# long as a public page (a change reaches readers within the minute; the ETag spares them the bytes).
SHORT_CACHE_SECONDS = 60


def _open(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Link"] = f'<{LICENSE_URL}>; rel="license"'
    return response


def _description(request, body: bytes, content_type: str) -> HttpResponse:
    etag = f'"{hashlib.sha256(body).hexdigest()}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=SHORT_CACHE_SECONDS)
    return _open(response)


@require_safe
def datapackage_json(request):
    return _description(request, as_json(datapackage_online()), "application/json")


@require_safe
def dcat_jsonld(request):
    return _description(request, catalogue_jsonld(), JSONLD_TYPE)


@require_safe
def dcat_turtle(request):
    return _description(request, catalogue_turtle(), TURTLE_TYPE)


def _bundle_response(request, bundle: Bundle) -> HttpResponse:
    return _open(
        stored_file_response(
            request,
            bundle.file,
            content_type="application/zip",
            filename=bundle.download_name,
            inline=False,
            sha256=bundle.sha256,
        )
    )


@require_safe
def bundle_latest(request):
    """The newest bundle, under one address that every night gives to the next: cached briefly, not for good."""
    latest = bundles.bundle_latest()
    if latest is None:
        raise Http404("no bundle yet")
    response = _bundle_response(request, latest)
    response["Cache-Control"] = f"public, max-age={SHORT_CACHE_SECONDS}"
    return response


@require_safe
def bundle_file(request, day: str):
    """A kept bundle, at the address named after its day: its bytes never change (a long cache, its ETag)."""
    try:
        found = Bundle.objects.filter(day=dt.date.fromisoformat(day)).first()
    except ValueError:
        found = None
    if found is None:
        raise Http404("no bundle of that day")
    return _bundle_response(request, found)


@require_safe
@public_page
def bundle_history(request):
    return render(
        request,
        "opendata/bundles.html",
        {"history": bundles.bundle_history(), "keep_days": bundles.KEEP_DAYS},
    )
