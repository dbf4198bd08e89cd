"""Whether the Steering Committee met at least twice in each calendar year of the plan (as OGP asks of a
multi-stakeholder forum), computed from the published meetings: never a hard-coded answer."""

from datetime import date

import pytest
from django.utils import timezone

from meetings.selectors import steering_committee_years
from tests.factories import ActionPlanFactory

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)


@pytest.fixture
def plan(db):
    return ActionPlanFactory(slug="plan-comite", starts_on=date(2025, 1, 1), ends_on=date(2027, 2, 28))


def meetings_in(plan, year: int, count: int, **extra) -> None:
    for n in range(count):
        MeetingFactory(plan=plan, date=date(year, n + 1, 10), **extra)


def by_year(plan, today=TODAY) -> dict[int, tuple[int, str]]:
    return {y.year: (y.held, y.verdict) for y in steering_committee_years(plan=plan, today=today)}


@pytest.mark.parametrize(
    ("count", "verdict"),
    [(0, "none"), (1, "no"), (2, "yes"), (3, "yes")],
)
def test_a_past_year_with_0_1_2_or_3_meetings(plan, count, verdict):
    meetings_in(plan, 2025, count)

    assert by_year(plan)[2025] == (count, verdict)


@pytest.mark.parametrize(("count", "verdict"), [(0, "in_progress"), (1, "in_progress"), (2, "yes"), (3, "yes")])
def test_the_current_year_is_in_progress_until_it_reaches_two(plan, count, verdict):
    meetings_in(plan, 2026, count)

    years = {y.year: y for y in steering_committee_years(plan=plan, today=TODAY)}

    assert (years[2026].held, years[2026].verdict) == (count, verdict)
    assert years[2026].in_progress and not years[2025].in_progress


def test_the_years_run_from_the_plans_start_to_the_current_year(plan):
    assert list(by_year(plan)) == [2025, 2026]
    assert list(by_year(plan, today=date(2025, 3, 1))) == [2025]
    assert list(by_year(plan, today=date(2030, 1, 1))) == [2025, 2026, 2027]  # never past the plan's end
    assert by_year(plan, today=date(2024, 12, 31)) == {}
    assert steering_committee_years(plan=None, today=TODAY) == []


def test_unpublished_meetings_other_kinds_and_other_plans_do_not_count(plan):
    meetings_in(plan, 2025, 1)
    MeetingFactory(plan=plan, date=date(2025, 6, 1), is_published=False)
    MeetingFactory(plan=plan, date=date(2025, 7, 1), kind="technical_working_group")
    MeetingFactory(plan=plan, date=date(2025, 8, 1), kind="citizen_assembly")
    MeetingFactory(plan=ActionPlanFactory(slug="otro-plan"), date=date(2025, 9, 1))

    assert by_year(plan)[2025] == (1, "no")


def test_a_meeting_not_tied_to_a_plan_counts_for_the_current_one(plan):
    MeetingFactory(plan=None, date=date(2025, 2, 1))
    MeetingFactory(plan=plan, date=date(2025, 10, 1))

    assert by_year(plan)[2025] == (2, "yes")


def test_a_meeting_announced_for_later_this_year_is_scheduled_not_held(plan):
    MeetingFactory(plan=plan, date=date(2026, 3, 1))
    MeetingFactory(plan=plan, date=date(2026, 12, 11))

    year = next(y for y in steering_committee_years(plan=plan, today=TODAY) if y.year == 2026)

    assert (year.held, year.scheduled, year.verdict) == (1, 1, "in_progress")


def test_the_plans_last_year_is_a_partial_one(plan):
    years = {y.year: y.partial for y in steering_committee_years(plan=plan, today=date(2027, 2, 1))}

    assert years == {2025: False, 2026: False, 2027: True}


def test_the_list_page_shows_each_year_and_its_answer(citizen, current_plan):
    this_year = timezone.localdate().year
    for month in (1, 2):
        MeetingFactory(plan=current_plan, date=date(2025, month, 15))
    MeetingFactory(plan=current_plan, date=date(2025, 3, 15), is_published=False)

    response = citizen.get("/qu/reuniones/")

    rows = {y.year: y for y in response.context["forum_years"]}
    assert rows[2025].held == 2 and rows[2025].verdict == "yes"
    assert '<tr class="forum-year" data-year="2025" data-held="2" data-verdict="yes">' in response.text
    if this_year in rows and this_year != 2025:
        assert f'data-year="{this_year}" data-held="0" data-verdict="in_progress"' in response.text
    assert list(rows) == list(range(2025, min(this_year, 2027) + 1))
