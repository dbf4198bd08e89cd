"""Reporting periods and the daily task that drafts the periods that ended."""

from __future__ import annotations

from datetime import date

import pytest

from reports.models import Report
from reports.periods import Period, periods_ended
from reports.tasks import create_period_drafts_task


def test_a_quarter_and_a_year_have_their_dates_and_names():
    q3 = Period.parse("2025-Q3")
    assert (q3.starts_on, q3.ends_on, q3.kind, q3.file_label) == (
        date(2025, 7, 1),
        date(2025, 9, 30),
        "quarterly",
        "2025-T3",
    )
    assert Period.parse("2025-t4").ends_on == date(2025, 12, 31)
    year = Period.parse("2025")
    assert (year.starts_on, year.ends_on, year.kind, year.key) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
        "annual",
        "2025",
    )


@pytest.mark.parametrize("key", ["", "2025-Q5", "25-Q1", "2025Q1", "1999", "abc", "2025-Q1; drop"])
def test_nonsense_is_not_a_period(key):
    with pytest.raises(ValueError):
        Period.parse(key)


def test_a_period_ends_at_midnight_of_its_last_day():
    assert not Period(2025, 3).has_ended(date(2025, 9, 30))
    assert Period(2025, 3).has_ended(date(2025, 10, 1))


def test_the_ended_periods_of_a_plan():
    ended = periods_ended(starts_on=date(2025, 1, 1), ends_on=date(2027, 2, 28), today=date(2026, 1, 2))
    assert [p.key for p in ended] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2025"]


@pytest.mark.django_db
def test_the_daily_task_drafts_each_ended_period_once(settings, plan_with_progress):
    settings.CONECTA_PLAN_SLUG = plan_with_progress.slug
    created = create_period_drafts_task.delay().get()
    assert "2025-t3" in created and "2025" in created
    assert Report.objects.filter(plan=plan_with_progress, period="2025-Q3").count() == 1
    assert create_period_drafts_task.delay().get() == []
    assert Report.objects.filter(status="published").count() == 0
