"""Every response tells the browser what it may do: a strict Content-Security-Policy on the public pages (no script
at all), the admin's own policy, a Permissions-Policy that denies every device feature, and HSTS when set."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from csp.decorators import csp_exempt
from django.http import HttpResponse
from django.test import RequestFactory

from conecta.security import ContentSecurityPolicyMiddleware
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "interest-cohort", "browsing-topics"]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def inline_style_hashes(html: str) -> list[str]:
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        for css in re.findall(r"<style>(.*?)</style>", html, re.S)
    ]


@pytest.mark.parametrize("path", ["/es/", "/qu/", "/es/compromisos/", "/es/compromisos/TEST0001/", "/es/no-existe/"])
def test_public_pages_allow_no_script_and_nothing_from_elsewhere(client, commitment, path):
    response = client.get(path)

    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/es/", "/es/compromisos/TEST0001/"])
def test_public_pages_have_no_inline_style_but_the_one_their_policy_allows_by_hash(client, commitment, path):
    response = client.get(path)
    html = response.content.decode()

    assert " style=" not in html
    hashes = inline_style_hashes(html)
    assert len(hashes) == 1
    assert directives(response)["style-src"] == ["'self'", *hashes]


def test_the_allowed_style_follows_site_url_and_cannot_close_its_element(client, settings):
    settings.SITE_URL = "https://conecta.example/</style><script>alert(1)</script>'"

    response = client.get("/es/")
    html = response.content.decode()

    assert "<script" not in html
    assert directives(response)["style-src"] == ["'self'", *inline_style_hashes(html)]


def test_the_progress_bar_is_drawn_without_a_style_attribute(client, commitment):
    MilestoneFactory(commitment=commitment, progress=40)

    html = client.get("/es/compromisos/TEST0001/").content.decode()

    assert 'class="bar"' in html
    assert '<rect class="bar-fg" width="40" height="1"/>' in html
    assert "style=" not in html


def test_the_admin_runs_its_own_scripts_but_never_inline_ones(planner_client):
    response = planner_client.get("/admin/")

    policy = directives(response)
    assert response.status_code == 200
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_admin_sign_in_page_has_the_admin_policy(client):
    assert directives(client.get("/admin/login/"))["script-src"] == ["'self'"]


@pytest.mark.parametrize("path", ["/es/", "/admin/login/", "/healthz", "/es/no-existe/"])
def test_every_response_denies_the_browser_features_the_portal_never_uses(client, path):
    policy = client.get(path)["Permissions-Policy"]

    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in policy


def test_a_response_that_sets_its_own_policy_keeps_it():
    sandbox = "default-src 'none'; sandbox"

    def view(request):
        response = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
        response["Content-Security-Policy"] = sandbox
        return response

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/es/evidencias/1/"))

    assert response["Content-Security-Policy"] == sandbox


def test_a_view_may_opt_out_with_django_csp_s_decorator():
    view = csp_exempt()(lambda request: HttpResponse("ok"))

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/es/"))

    assert "Content-Security-Policy" not in response


def test_hsts_is_sent_over_https_when_set(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_PRELOAD = True

    response = client.get("/es/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_no_hsts_by_default(client):
    assert "Strict-Transport-Security" not in client.get("/es/", secure=True)


def test_the_https_redirect_spares_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/es/").status_code == 301
    assert client.get("/es/")["Location"] == "https://testserver/es/"
    assert client.get("/healthz").status_code == 200
