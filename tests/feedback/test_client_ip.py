"""The visitor's address the rate limits (and the staff sign-in lockout) count: REMOTE_ADDR, unless a configured
number of the portal's own proxies stand in front of it (settings.TRUSTED_PROXIES); a forged X-Forwarded-For
never chooses it."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from feedback import protection

# What the client address depends on in settings (PARTICIPATION_TRUST_FORWARDED_FOR was the old switch).
ADDRESS_SETTINGS = ("TRUSTED_PROXIES", "PARTICIPATION_TRUST_FORWARDED_FOR")


@pytest.fixture
def environment(settings, monkeypatch):
    """Settings as conecta/settings.py builds them from these environment variables (only what decides the
    client address is applied to the test settings)."""

    def apply(**env):
        for name in ("BEHIND_PROXY", "TRUSTED_PROXIES"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        built = runpy.run_path(str(Path(django_settings.BASE_DIR) / "conecta" / "settings.py"))
        for name in ADDRESS_SETTINGS:
            if name in built:
                setattr(settings, name, built[name])
            elif hasattr(settings, name):
                delattr(settings, name)

    return apply


def request_from(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_with_no_trusted_proxy_a_forged_forwarded_for_is_ignored(environment):
    # The production compose file sets BEHIND_PROXY=1 (for the HTTPS header): gunicorn may still be reached
    # directly, by a request that writes its own X-Forwarded-For.
    environment(BEHIND_PROXY="1")

    assert protection.client_ip(request_from("190.152.1.10", "6.6.6.6")) == "190.152.1.10"
    assert protection.client_ip(request_from("190.152.1.10", "1.1.1.1, 6.6.6.6")) == "190.152.1.10"


def test_with_one_trusted_proxy_the_address_it_saw_is_taken(environment):
    environment(BEHIND_PROXY="1", TRUSTED_PROXIES="1")

    # The visitor wrote "6.6.6.6"; our proxy (10.0.0.2) appended the address it saw.
    assert protection.client_ip(request_from("10.0.0.2", "6.6.6.6, 190.152.1.10")) == "190.152.1.10"
    assert protection.client_ip(request_from("10.0.0.2", "190.152.1.10")) == "190.152.1.10"


def test_with_two_trusted_proxies_the_second_entry_from_the_right_is_taken(environment):
    environment(TRUSTED_PROXIES="2")

    forwarded = "6.6.6.6, 190.152.1.10, 10.0.0.3"
    assert protection.client_ip(request_from("10.0.0.2", forwarded)) == "190.152.1.10"


def test_fewer_entries_than_trusted_proxies_fall_back_to_remote_addr(environment):
    """Reached without passing through every proxy (gunicorn's port open, one proxy skipped): nothing in the
    header can be trusted."""
    environment(BEHIND_PROXY="1", TRUSTED_PROXIES="2")

    assert protection.client_ip(request_from("190.152.1.10", "6.6.6.6")) == "190.152.1.10"
    assert protection.client_ip(request_from("190.152.1.10")) == "190.152.1.10"
    assert protection.client_ip(request_from("190.152.1.10", " , ")) == "190.152.1.10"


def test_an_entry_that_is_not_an_address_falls_back_to_remote_addr(environment):
    environment(TRUSTED_PROXIES="1")

    assert protection.client_ip(request_from("10.0.0.2", "6.6.6.6, not-an-ip")) == "10.0.0.2"
    assert protection.client_ip(request_from("10.0.0.2", "2800:370::1")) == "2800:370::1"


@pytest.mark.django_db
def test_a_spoofed_header_does_not_escape_the_rate_limit(settings, environment, citizen):
    """Each attempt forges a new X-Forwarded-For: with no trusted proxy they all count against one address."""
    from django.core.cache import cache

    cache.clear()
    environment(BEHIND_PROXY="1")
    settings.PARTICIPATION_RATE_LIMITS = {**settings.PARTICIPATION_RATE_LIMITS, "track": (2, 15)}
    statuses = [
        citizen.get(
            "/es/participa/seguimiento/", {"codigo": "PZ-2222-22"}, HTTP_X_FORWARDED_FOR=f"6.6.6.{n}"
        ).status_code
        for n in range(3)
    ]
    assert statuses[-1] == 429
