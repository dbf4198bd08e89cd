"""What the participation tests (feedback, meetings, surveys) share: a clean cache (rate-limit counters live
there), the forms' hidden values, and the current plan. Each of those test folders' conftest.py imports the fixtures."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and cached pages of one test never reach another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def current_plan(plan, settings):
    settings.CONECTA_PLAN_SLUG = plan.slug
    return plan


@pytest.fixture
def csrf_client(db):
    """A visitor whose browser sends forms as a real one does: CSRF is checked."""
    return Client(enforce_csrf_checks=True)


HIDDEN = re.compile(r'<input type="hidden" name="(csrfmiddlewaretoken|token)" value="([^"]*)"')


def hidden_values(html: str) -> dict[str, str]:
    return dict(HIDDEN.findall(html))


def send(client, url: str, data: dict, **extra):
    """GET the form (for its CSRF cookie and tokens), then POST `data` with them."""
    page = client.get(url)
    assert page.status_code == 200, url
    return client.post(url, {**hidden_values(page.text), **data}, **extra)


# Hostile text every public form must store as plain text, shown escaped.
SCRIPT = "<script>alert(1)</script>"
MIXED = "Ñawpaman ñukanchik 🙂👩🏽‍🌾 文字 ᐃᓄᒃᑎᑐᑦ مرحبا \u202eRTL\u202c"

# (what is sent in the free-text field, other fields, what is stored; None: nothing may be stored)
HOSTILE = [
    pytest.param(SCRIPT, {}, SCRIPT, id="script-tag"),
    pytest.param('"><img src=x onerror=alert(1)>', {}, '"><img src=x onerror=alert(1)>', id="attribute-break"),
    pytest.param("'; DROP TABLE feedback_suggestion; --", {}, "'; DROP TABLE feedback_suggestion; --", id="sql"),
    pytest.param("a\x00b\x00c", {}, "abc", id="nul"),
    pytest.param("uno\x07dos\x1b[31mtres\x7f\x85", {}, "unodos[31mtres", id="control-characters"),
    pytest.param("línea 1\r\nlínea 2\ttab", {}, "línea 1\nlínea 2\ttab", id="newline-and-tab-kept"),
    pytest.param(MIXED, {}, MIXED, id="mixed-scripts-emoji-rtl"),
    pytest.param("x" * (1024 * 1024), {}, None, id="one-megabyte"),
    pytest.param("\x00\x01\x02", {}, None, id="only-control-characters"),
    pytest.param("Hola", {"hp_check": "http://spam.example"}, None, id="honeypot-filled"),
    pytest.param("Hola", {"token": "' OR 1=1 --"}, None, id="forged-token"),
]
