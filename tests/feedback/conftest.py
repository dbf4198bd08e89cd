"""What the participation tests share: a clean cache (rate-limit counters live there), the forms' hidden values,
and a published commitment with the current plan pointing at it."""

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
