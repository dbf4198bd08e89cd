"""Staff sign-in (django-axes): repeated failures lock the account (5) and, at a higher count (20), the network
address, the right password included, with a clear message in Spanish and Kichwa; a planner can unlock, and the
lock passes by itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
LOCKED_ES = "El inicio de sesión está bloqueado"
LOCKED_QU = "Yaykunaka harkashkami"


def sign_in(client: Client, username: str, password: str, address: str = "198.51.100.7", **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"},
                       REMOTE_ADDR=address, **extra)


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


@pytest.fixture
def staff(db):
    return UserFactory(username="tecnico", groups=[])


def test_thirty_wrong_passwords_lock_out_and_then_the_right_one_fails_with_the_lockout_message(client, staff):
    answers = [sign_in(client, "tecnico", f"wrong-{n}").status_code for n in range(30)]

    response = sign_in(client, "tecnico", PASSWORD)

    assert answers[:4] == [200] * 4  # the ordinary "wrong password" page until the limit
    assert set(answers[5:]) == {429}
    assert response.status_code == 429
    assert LOCKED_ES in response.content.decode()
    assert "Vuelva a intentarlo en 30 minutos" in response.content.decode()
    assert not signed_in(client)


def test_the_lockout_page_is_the_admin_sign_in_page_in_kichwa_too(client, staff):
    client.cookies["conecta_lang"] = "qu"
    for n in range(5):
        sign_in(client, "tecnico", f"wrong-{n}")

    response = sign_in(client, "tecnico", PASSWORD)

    html = response.content.decode()
    assert response.status_code == 429
    assert LOCKED_QU in html
    assert 'id="login-form"' in html


def test_the_account_is_locked_whatever_address_the_attempts_come_from(client, staff):
    for n in range(5):
        sign_in(Client(), "tecnico", "wrong", address=f"203.0.113.{n + 1}")

    response = sign_in(client, "tecnico", PASSWORD, address="192.0.2.200")

    assert response.status_code == 429
    assert not signed_in(client)


def test_colleagues_sharing_an_office_address_are_not_locked_by_one_person_s_typos(client, staff):
    """A provincial office reaches the portal from one public address: one person's lockout is theirs alone, and
    the planner who can unlock them still signs in from the same address."""
    for n in range(5):
        sign_in(Client(), "otra-persona", f"wrong-{n}", address="203.0.113.50")

    assert sign_in(Client(), "otra-persona", PASSWORD, address="203.0.113.50").status_code == 429
    assert sign_in(client, "tecnico", PASSWORD, address="203.0.113.50").status_code == 302


def test_an_address_that_tries_many_accounts_is_locked_for_every_account(client, staff, settings):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20
    for n in range(20):
        sign_in(Client(), f"nadie-{n}", "wrong", address="203.0.113.50")

    assert sign_in(client, "tecnico", PASSWORD, address="203.0.113.50").status_code == 429
    assert sign_in(Client(), "tecnico", PASSWORD, address="192.0.2.10").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_address_lock(client, staff, settings):
    settings.TRUSTED_PROXIES = 0
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    for n in range(5):
        sign_in(Client(), f"nadie-{n}", "wrong", address="203.0.113.60", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")

    response = sign_in(client, "tecnico", PASSWORD, address="203.0.113.60", HTTP_X_FORWARDED_FOR="10.9.9.9")

    assert response.status_code == 429


def test_the_address_counted_is_the_one_the_participation_limits_count(client, staff, settings):
    settings.TRUSTED_PROXIES = 1

    sign_in(client, "tecnico", "wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]


def test_the_same_account_in_other_letter_case_counts_together(client, staff):
    for n, name in enumerate(["tecnico", "Tecnico", "TECNICO ", "tEcnico", "tecnicO"]):
        sign_in(Client(), name, "wrong", address=f"203.0.113.{n + 100}")

    assert sign_in(client, "tecnico", PASSWORD, address="192.0.2.33").status_code == 429


def test_a_very_long_username_is_counted_cut_to_a_username_s_length(client):
    response = sign_in(client, "x" * 10_000, "wrong")

    assert response.status_code == 200
    assert [len(name) for name in AccessAttempt.objects.values_list("username", flat=True)] == [150]


def test_the_lock_passes_after_the_cool_off(client, staff):
    for n in range(5):
        sign_in(client, "tecnico", f"wrong-{n}")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))

    response = sign_in(client, "tecnico", PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_a_planner_unlocks_an_account_from_the_admin(client, staff, planner_client):
    for n in range(5):
        sign_in(client, "tecnico", f"wrong-{n}")
    assert sign_in(client, "tecnico", PASSWORD).status_code == 429
    listing = planner_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "unlock" in listing.content.decode()

    response = planner_client.post(
        "/admin/axes/accessattempt/",
        {"action": "unlock", "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True))},
        follow=True,
    )

    assert response.status_code == 200
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, "tecnico", PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_monitor_and_implementers_cannot_unlock(monitor_client, implementer_client):
    assert monitor_client.get("/admin/axes/accessattempt/").status_code == 403
    assert implementer_client.get("/admin/axes/accessattempt/").status_code == 403


def test_a_right_password_below_the_limit_signs_in_and_forgets_the_failures(client, staff):
    for n in range(4):
        sign_in(client, "tecnico", f"wrong-{n}")

    assert sign_in(client, "tecnico", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="tecnico", failures_since_start__gt=0).exists()


def test_the_test_client_s_login_still_works(client, staff):
    assert client.login(username="tecnico", password=PASSWORD)
