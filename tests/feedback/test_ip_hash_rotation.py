"""The network-address hash is made with a random key of the period (settings.PARTICIPATION_ADDRESS_KEY_DAYS),
kept in the database, never derived from SECRET_KEY, and deleted once its period is over: within a period the
hashes link everything from one address; afterwards nobody can reverse them or link them to a later visit."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django.utils.crypto import salted_hmac

from feedback import protection

pytestmark = pytest.mark.django_db

ADDRESS = "190.152.33.7"


def visit(address: str = ADDRESS):
    return RequestFactory().post("/", REMOTE_ADDR=address)


def test_within_a_period_the_same_address_gives_the_same_hash():
    now = timezone.now()

    first = protection.ip_hash(visit(), now=now)

    assert first and first == protection.ip_hash(visit(), now=now + timedelta(minutes=5))
    assert first != protection.ip_hash(visit("190.152.33.8"), now=now)
    assert ADDRESS not in first


def test_the_hash_is_not_an_hmac_with_the_secret_key():
    """Anyone holding SECRET_KEY could try the 4 billion IPv4 addresses against an HMAC made with it."""
    stored = protection.ip_hash(visit())

    assert stored != salted_hmac("conecta.feedback.ip", ADDRESS, algorithm="sha256").hexdigest()
    assert stored != protection.keyed_hash("ip", ADDRESS)


def test_a_hash_made_with_an_expired_key_cannot_be_matched(settings):
    settings.PARTICIPATION_ADDRESS_KEY_DAYS = 30
    then = timezone.now()
    stored = protection.ip_hash(visit(), now=then)
    later = then + timedelta(days=31)

    again = protection.ip_hash(visit(), now=later)
    protection.address_keys_expire(now=later)

    assert again != stored  # the same address next period: not linkable to what it sent before
    assert protection.address_key_secret(now=then, create=False) is None  # the old key is gone for good
    # Trying every candidate address with every key the portal still holds finds nothing.
    candidates = [ADDRESS, "190.152.33.8", "10.0.0.1"]
    assert stored not in {protection.ip_hash(visit(address), now=later) for address in candidates}


def test_a_new_period_deletes_the_keys_of_the_periods_before(settings):
    from feedback.models import AddressKey

    settings.PARTICIPATION_ADDRESS_KEY_DAYS = 7
    start = timezone.now()
    protection.ip_hash(visit(), now=start)
    protection.ip_hash(visit(), now=start + timedelta(days=8))

    assert AddressKey.objects.count() == 1
    assert AddressKey.objects.get().period == protection.address_key_period(start + timedelta(days=8))


def test_the_daily_anonymisation_deletes_a_finished_period_key_even_without_new_visits(settings):
    from feedback.models import AddressKey
    from feedback.services import anonymise_expired

    settings.PARTICIPATION_ADDRESS_KEY_DAYS = 7
    start = timezone.now()
    protection.ip_hash(visit(), now=start)

    anonymise_expired(now=start + timedelta(days=8))

    assert not AddressKey.objects.exists()


def test_no_address_no_hash():
    assert protection.ip_hash(visit(""), now=timezone.now()) == ""


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_privacy_notice_explains_the_rotating_key_and_the_retention(citizen, lang):
    page = citizen.get(f"/{lang}/privacidad/").content.decode()

    explained = {
        "es": ["cambia cada 30 días", "sea cual sea su estado"],
        "qu": ["kimsa chunka punchakunapi tikrarik", "ima shina kakpipash"],
    }[lang]
    for words in explained:
        assert words in page
