"""The staff side in headless Chromium: the admin's scripts (Django's, modeltranslation's tabs, import-export's)
run under the admin's Content-Security-Policy with no violation, and the sign-in pages of ours (second factor,
lockout) are accessible (axe) and fit 360 px, in Spanish and Kichwa."""

from __future__ import annotations

import time

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

LANGS = ["es", "qu"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def watch_console(v) -> list[str]:
    """Every console error and uncaught exception of the page from now on (a CSP violation is one), but the
    browser's own request for /favicon.ico, which the portal does not have."""
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"{message.text} ({message.location.get('url')})")

    v.page.on("console", on_console)
    v.page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    return problems


def sign_in(v, username: str, lang: str, *, password: str = PASSWORD) -> None:
    v.context.add_cookies([{"name": "conecta_lang", "value": lang, "url": v.base_url}])
    v.goto("/admin/login/")
    v.page.fill("#id_username", username)
    v.page.fill("#id_password", password)
    with v.page.expect_navigation():
        v.page.click("#login-form input[type=submit]")


def axe_violations(page) -> list[dict]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    return results.response["violations"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_admin_scripts_run_under_the_admin_policy(visit_writable, screenshots_dir, lang):
    from commitments.models import Commitment
    from commitments.roles import PLANNER

    UserFactory(username="planificadora-navegador", groups=[PLANNER])
    commitment = Commitment.objects.get(code="ECPTZ0003")
    v = visit_writable(1280)
    problems = watch_console(v)
    sign_in(v, "planificadora-navegador", lang)

    v.goto("/admin/")
    v.goto(f"/admin/commitments/commitment/{commitment.pk}/change/")
    tabs = v.page.locator(".ui-tabs-nav a")
    assert tabs.count() >= 2, "modeltranslation's language tabs did not appear"
    tabs.nth(1).click()
    assert v.page.locator(".ui-tabs-panel:visible").count() >= 1
    v.page.screenshot(path=str(screenshots_dir / f"admin-commitment-tabs-{lang}.png"))
    v.goto("/admin/commitments/milestone/")
    v.page.locator("#action-toggle").check()  # Django's actions.js
    v.goto("/admin/commitments/milestone/import/")
    assert v.page.locator("input[type=file]").count() == 1
    v.page.select_option("select[name=format]", index=1)
    v.page.screenshot(path=str(screenshots_dir / f"admin-import-{lang}.png"))

    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_enrolling_the_second_factor_is_accessible_at_360_and_works(visit_writable, screenshots_dir, settings, lang):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from commitments.roles import PLANNER

    settings.OTP_REQUIRED = True  # the live server runs in this process
    user = UserFactory(username="planificadora-otp", groups=[PLANNER])
    v = visit_writable(360)
    problems = watch_console(v)
    sign_in(v, "planificadora-otp", lang)

    assert "/admin/second-factor/" in v.page.url
    assert v.page.locator("svg[role=img] title").count() == 1
    violations = axe_violations(v.page)
    assert not violations, [(x["id"], [n["html"][:120] for n in x["nodes"]]) for x in violations]
    assert v.page.evaluate("document.scrollingElement.scrollWidth") <= 360
    v.page.screenshot(path=str(screenshots_dir / f"second-factor-enrol-{lang}-360.png"), full_page=True)

    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    v.page.fill("input[name=code]", f"{totp.token():06d}")
    with v.page.expect_navigation():
        v.page.click("#second-factor-form input[type=submit]")

    assert v.page.url.endswith("/admin/")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_the_lockout_page_is_accessible_at_360(visit_writable, screenshots_dir, lang):
    UserFactory(username="tecnico-navegador")
    v = visit_writable(360)
    problems = watch_console(v)
    for _attempt in range(5):
        sign_in(v, "tecnico-navegador", lang, password="wrong")

    sign_in(v, "tecnico-navegador", lang)

    assert v.page.locator(".errornote[role=alert]").count() == 1
    violations = axe_violations(v.page)
    assert not violations, [(x["id"], [n["html"][:120] for n in x["nodes"]]) for x in violations]
    assert v.page.evaluate("document.scrollingElement.scrollWidth") <= 360
    v.page.screenshot(path=str(screenshots_dir / f"sign-in-locked-{lang}-360.png"), full_page=True)
    assert [p for p in problems if "429" not in p] == [], "\n".join(problems)
