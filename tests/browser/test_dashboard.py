"""The admin's home page, the staff dashboard, in headless Chromium for each role (planner, implementer, monitor),
in Spanish and Kichwa, at 1280 and 360 px: accessible (axe), no wider than a phone, nothing fetched from
elsewhere, no console error, and its first line opens the list of what it counts. Screenshots in
tests/screenshots/dashboard-<role>-<lang>-<width>.png."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.test_staff_pages import LANGS, axe_violations, sign_in, watch_console
from tests.factories import StaffProfileFactory, UserFactory

pytestmark = pytest.mark.browser


def waiting_examples():
    """Beside the demo's overdue agreement and pending reply: a suggestion about ECPTZ0001 past its response
    deadline, a comment awaiting moderation and a progress update awaiting review."""
    from django.utils import timezone

    from commitments.models import Commitment
    from feedback.models import Moderation
    from tests.factories import ProgressUpdateFactory
    from tests.feedback.factories import CommentFactory, SuggestionFactory

    commitment = Commitment.objects.get(code="ECPTZ0001")
    SuggestionFactory(
        commitment=commitment, moderation=Moderation.APPROVED, received_on=timezone.localdate() - timedelta(days=40)
    )
    CommentFactory(commitment=commitment)
    ProgressUpdateFactory(commitment=commitment, is_published=False, title_es="Informe de campo pendiente")
    return commitment


def user_with_role(role: str, commitment):
    from commitments.roles import IMPLEMENTER, MONITOR, PLANNER

    group = {"planner": PLANNER, "implementer": IMPLEMENTER, "monitor": MONITOR}[role]
    user = UserFactory(username=f"tablero-{role}", groups=[group])
    if role == "implementer":
        StaffProfileFactory(user=user, institution=commitment.lead_department)
    return user


@pytest.mark.parametrize("role", ["planner", "implementer", "monitor"])
def test_each_roles_dashboard_is_accessible_fits_360_and_leads_to_its_lists(visit_writable, screenshots_dir, role):
    commitment = waiting_examples()
    user = user_with_role(role, commitment)

    for width in (1280, 360):
        v = visit_writable(width)
        problems = watch_console(v)
        sign_in(v, user.username, LANGS[0])
        for lang in LANGS:
            v.context.add_cookies([{"name": "conecta_lang", "value": lang, "url": v.base_url}])
            v.goto("/admin/")

            assert v.page.locator("html").get_attribute("lang") == lang
            assert v.page.locator("#conecta-todo-title").count() == 1
            lines = v.page.locator(".conecta-todo-list li a")
            assert lines.count() >= 1, f"{role} has nothing on the dashboard"
            assert v.page.locator(".conecta-apps summary").count() == 1
            violations = axe_violations(v.page)
            assert not violations, [(x["id"], [n["html"][:120] for n in x["nodes"]]) for x in violations]
            if width == 360:
                assert v.page.evaluate("document.scrollingElement.scrollWidth") <= 360
            v.page.screenshot(path=str(screenshots_dir / f"dashboard-{role}-{lang}-{width}.png"), full_page=True)

        first = lines.first
        count = int(first.locator(".conecta-count").inner_text())
        with v.page.expect_navigation():
            first.click()
        assert "/admin/" in v.page.url and "?" in v.page.url
        if count <= 100:
            assert v.page.locator("#result_list tbody tr").count() == count
        assert v.foreign_requests() == []
        assert problems == [], "\n".join(problems)
