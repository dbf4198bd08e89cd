"""The progress update form's linked choosers in headless Chromium, on the demo plan: without JavaScript the add page
asks for the commitment first and then offers only its milestones; with JavaScript, changing the commitment
reloads the milestones at once, under the admin's Content-Security-Policy."""

from __future__ import annotations

import pytest

from tests.browser.test_staff_pages import sign_in, watch_console
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def milestone_options(v) -> list[str]:
    return v.page.eval_on_selector_all("#id_milestone option", "options => options.map(o => o.textContent.trim())")


def codes_of(labels: list[str]) -> set[str]:
    """The commitment codes the milestone labels ("ECPTZ0001 · 1. Diagnóstico") start with; "---------" aside."""
    return {label.split(" · ")[0] for label in labels if " · " in label}


@pytest.fixture
def planner_name(demo):
    from commitments.roles import PLANNER

    UserFactory(username="planificadora-hitos", groups=[PLANNER])
    return "planificadora-hitos"


@pytest.fixture
def commitments(demo):
    from commitments.models import Commitment

    first, second = (Commitment.objects.get(code=code) for code in ("ECPTZ0001", "ECPTZ0002"))
    assert first.milestones.exists() and second.milestones.exists()
    return first, second


def test_without_javascript_the_commitment_comes_first(
    browser, visit_writable, planner_name, commitments, screenshots_dir
):
    first, _second = commitments
    v = visit_writable(1280)
    v.context.close()
    v.context = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=False)
    v.page = v.context.new_page()
    sign_in(v, planner_name, "es")
    v.goto("/admin/commitments/progressupdate/add/")

    assert v.page.locator("#id_milestone").count() == 0
    assert v.page.locator("#choose-commitment-form select[name=commitment]").count() == 1
    v.page.screenshot(path=str(screenshots_dir / "admin-update-choose-commitment-es.png"))
    v.page.select_option("#choose-commitment-form select[name=commitment]", str(first.pk))
    with v.page.expect_navigation():
        v.page.click("#choose-commitment-form input[type=submit]")

    assert f"commitment={first.pk}" in v.page.url
    assert v.page.locator("#id_commitment").input_value() == str(first.pk)
    assert codes_of(milestone_options(v)) == {"ECPTZ0001"}
    v.page.screenshot(path=str(screenshots_dir / "admin-update-milestones-es.png"))


def test_with_javascript_changing_the_commitment_reloads_the_milestones(visit_writable, planner_name, commitments):
    first, second = commitments
    v = visit_writable(1280)
    problems = watch_console(v)
    sign_in(v, planner_name, "es")
    v.goto(f"/admin/commitments/progressupdate/add/?commitment={first.pk}")
    assert codes_of(milestone_options(v)) == {"ECPTZ0001"}

    v.page.select_option("#id_commitment", str(second.pk))
    v.page.wait_for_function(
        "() => [...document.querySelectorAll('#id_milestone option')].some(o => o.textContent.startsWith('ECPTZ0002'))"
    )

    assert codes_of(milestone_options(v)) == {"ECPTZ0002"}
    assert v.page.url.endswith(f"?commitment={first.pk}")  # the page stayed: what was typed stays too
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_change_history_reads_as_a_person_reads_it(visit_writable, planner_name, screenshots_dir, lang):
    """Not a chooser, but the same staff pages: the commitment's change history in each language (a screenshot
    to look at), with no field name, id or Python value in it."""
    from django.utils import translation

    from commitments.models import Commitment, Institution

    commitment = Commitment.objects.get(code="ECPTZ0001")
    commitment.lead_department = Institution.objects.exclude(pk=commitment.lead_department_id).filter(
        parent__isnull=False
    ).first()
    commitment.is_published = not commitment.is_published
    commitment.save()
    v = visit_writable(1280)
    sign_in(v, planner_name, lang)
    v.goto(f"/admin/commitments/commitment/{commitment.pk}/change/")

    history = v.page.locator("table.conecta-changelog").first
    text = history.inner_text()
    assert "lead_department" not in text and "is_published" not in text and "{'added'" not in text
    with translation.override(lang):
        assert commitment.lead_department.name in text  # by its name in the admin's language
    history.screenshot(path=str(screenshots_dir / f"admin-change-history-{lang}.png"))
