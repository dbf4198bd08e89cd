"""Pages every part of the portal shares: the language-picking root, the health check, error pages."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.cache import never_cache

from .cache import public_page

# Kichwa and its Quechua relatives as browsers send them: qu, qu-EC, quz (Microsoft), qug (MediaWiki),
# qvi (Mozilla), qvz (Northern Pastaza), que... (pastaza-facts.md C.1-C.2).
KICHWA_TAG = re.compile(r"^(qu|qu[a-z]|qv[a-z])(-|$)", re.IGNORECASE)

logger = logging.getLogger(__name__)


def preferred_language(request) -> str:
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in dict(settings.LANGUAGES):
        return cookie
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:500]
    for tag, _quality in parse_accept_lang_header(header):
        if KICHWA_TAG.match(tag):
            return "qu"
        if tag.lower().startswith("es"):
            return "es"
    return settings.LANGUAGE_CODE


def root_redirect(request):
    response = HttpResponseRedirect(f"/{preferred_language(request)}/")
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


@never_cache
def healthz(request):
    """200 when the database answers (and the broker, when one is configured); 503 otherwise.

    Anyone may ask, so the answer is only "ok" or "error" per component; why a component failed goes to the
    server's log, never to the response."""
    state: dict[str, str] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        state["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure is "down"; the reason is logged
        logger.exception("Health check: the database does not answer")
        state["database"] = "error"
        healthy = False
    if settings.CELERY_BROKER_URL:
        from conecta.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            state["broker"] = "ok"
        except Exception:  # noqa: BLE001
            logger.exception("Health check: the broker does not answer")
            state["broker"] = "error"
            healthy = False
    else:
        state["broker"] = "not configured (tasks run in-process)"
    state["status"] = "ok" if healthy else "error"
    return JsonResponse(state, status=200 if healthy else 503)


@public_page
def static_page(request, template: str):
    """Pages whose content is their template (accessibility statement, privacy notice)."""
    return render(request, template)


def robots_txt(request):
    """Everything public may be crawled; the staff admin may not, nor the e-mail alerts' pages (their addresses
    hold personal links, and the pages say noindex too). Points crawlers to the sitemap."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /i18n/",
        "Disallow: /*/alertas/",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def bad_request(request, exception=None):
    """The portal's own 400 page, in the reader's language. Unlike Django's default it does not run the CSRF
    check again (that check is what fails on a form the portal cannot read, and would turn the 400 into a 500)."""
    return render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
