"""A cached public page lives until midnight in Pastaza at the latest: what is overdue, and since how many days,
changes with the date and no save drops the cache then (conecta.cache keys pages by today's date, issue 11)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from ..factories import MilestoneFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

PASTAZA = ZoneInfo("America/Guayaquil")


@pytest.fixture(autouse=True)
def caching(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 24 * 3600  # long enough that only the date can drop a page here
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def late_milestone(settings, plan, commitment):
    settings.CONECTA_PLAN_SLUG = plan.slug
    milestone = MilestoneFactory(commitment=commitment, title_es="Hito atrasado", due_on=date(2026, 3, 1))
    ProgressUpdateFactory(commitment=commitment, milestone=milestone, occurred_on=date(2026, 3, 2))
    return milestone


def pastaza(*args) -> datetime:
    return datetime(*args, tzinfo=PASTAZA)


@pytest.mark.parametrize("url", ["/es/", "/es/compromisos/TEST0001/", "/qu/compromisos/TEST0001/feed/"])
def test_a_page_cached_before_midnight_in_pastaza_is_not_served_after_it(
    client, late_milestone, url, django_assert_num_queries
):
    with time_machine.travel(pastaza(2026, 3, 10, 18, 58), tick=False) as clock:
        before = client.get(url)
        # 19:00 in Pastaza is midnight in UTC: still the same day here, so the same page.
        for moment in (pastaza(2026, 3, 10, 19, 2), pastaza(2026, 3, 10, 23, 59, 59)):
            clock.move_to(moment)
            with django_assert_num_queries(0):
                assert client.get(url).content == before.content

        clock.move_to(pastaza(2026, 3, 11, 0, 0, 30))
        after = client.get(url)

    assert after.status_code == 200
    assert after.content != before.content
    assert "9 días de retraso" in before.text or "9 punchakuna yallishka" in before.text
    assert "10 días de retraso" in after.text or "10 punchakuna yallishka" in after.text
