"""conecta.claims: a one-off piece of work on a row (an e-mail, the daily digest) is claimed by one run only, and a
run whose work failed gives back its own claim, never another run's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from conecta.claims import claim, release
from feedback.models import DailyDigest

pytestmark = pytest.mark.django_db


@pytest.fixture
def digest():
    return DailyDigest.objects.create(day=date(2026, 3, 2))


def test_only_the_first_run_gets_the_claim(digest):
    first = claim(DailyDigest, pk=digest.pk, field="sent_at")
    second = claim(DailyDigest, pk=digest.pk, field="sent_at")

    assert first is not None and second is None
    digest.refresh_from_db()
    assert digest.sent_at == first


def test_a_released_claim_can_be_taken_again(digest):
    claimed_at = claim(DailyDigest, pk=digest.pk, field="sent_at")
    release(DailyDigest, pk=digest.pk, field="sent_at", claimed_at=claimed_at)

    assert claim(DailyDigest, pk=digest.pk, field="sent_at") is not None


def test_a_run_releases_only_its_own_claim(digest):
    stale = claim(DailyDigest, pk=digest.pk, field="sent_at")
    DailyDigest.objects.filter(pk=digest.pk).update(sent_at=stale + timedelta(seconds=1))  # another run's claim

    release(DailyDigest, pk=digest.pk, field="sent_at", claimed_at=stale)

    digest.refresh_from_db()
    assert digest.sent_at == stale + timedelta(seconds=1)


def test_a_row_that_does_not_meet_the_conditions_is_not_claimed(digest):
    assert claim(DailyDigest, pk=digest.pk, field="sent_at", items=5) is None
    assert claim(DailyDigest, pk=digest.pk, field="sent_at", items=0) is not None
