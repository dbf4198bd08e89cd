"""Every public page under its Content-Security-Policy in Chromium: nothing it needs is refused (a refusal is a
console error), its stylesheet applies and its printed links still carry the site's address."""

from __future__ import annotations

import pytest

from tests.browser.test_public_pages import PAGES, url_of

# The demo data is loaded once per module (tests/browser/conftest.py shared_demo); the django_db mark asks
# pytest-django to set the test database up even when only these tests run. These tests only read.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_no_public_page_reports_a_policy_violation(visit, lang):
    v = visit(1280)
    problems: list[str] = []
    v.page.on(
        "console",
        lambda message: problems.append(f"{v.page.url}: {message.text}")
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")
        and "status of 404" not in message.text
        else None,
    )

    for name, (_path, status) in PAGES.items():
        response = v.goto(url_of(name, lang), status=status)
        # The road report form alone runs the portal's own script ("use my position"): nothing inline, nothing else.
        expected = "script-src 'self'" if name == "road-report" else "script-src 'none'"
        assert expected in response.headers["content-security-policy"], name
        assert "'unsafe-inline'" not in response.headers["content-security-policy"].split("script-src")[1], name
        # The stylesheet applied (the skip link is moved off screen by it) and the inline style allowed by hash.
        assert v.page.evaluate("getComputedStyle(document.querySelector('.skip')).position") == "absolute", name
        assert v.page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--site')"
        ).strip().startswith("'http"), name

    assert problems == [], "\n".join(problems)
