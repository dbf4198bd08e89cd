"""A second factor (TOTP) for superusers and planners when OTP_REQUIRED is on: after the password they enrol once
(a QR code drawn on the server, the key as text, a code to confirm), then every sign-in asks for a code. Other
staff sign in with their password only; a planner can reset someone's second factor."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conecta.twofactor import readable_key
from tests.factories import PASSWORD, UserFactory
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db

SECOND_FACTOR = "/admin/second-factor/"


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED = True


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {code_for(device, steps_ahead=n) for n in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in right)


def signed_in_client(username: str) -> Client:
    client = Client()
    response = client.post("/admin/login/", {"username": username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_a_planner_without_a_device_enrols_after_the_password(required, planner):
    client = signed_in_client("planificadora")

    held = client.get("/admin/")
    page = client.get(held["Location"])

    assert held.status_code == 302
    assert held["Location"] == f"{SECOND_FACTOR}?next={quote('/admin/', safe='')}"
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=planner)
    assert page.status_code == 200
    assert not device.confirmed
    assert re.search(r'<svg role="img" focusable="false" width="\d+" height="\d+" viewBox=', html)
    assert "<title>" in html
    assert readable_key(device) in html
    assert "Configure su segundo factor" in html
    assert client.get("/admin/").status_code == 302  # an unconfirmed device opens nothing

    response = client.post(SECOND_FACTOR, {"code": code_for(device), "next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


def test_reloading_the_enrolment_page_keeps_the_same_key(required, planner):
    client = signed_in_client("planificadora")

    first = client.get(SECOND_FACTOR).content.decode()
    second = client.get(SECOND_FACTOR).content.decode()

    device = TOTPDevice.objects.get(user=planner)
    assert readable_key(device) in first and readable_key(device) in second


def test_every_later_sign_in_asks_for_a_code(required, planner):
    device = TOTPDevice.objects.create(user=planner, name="Conecta Pastaza", confirmed=True)
    client = signed_in_client("planificadora")

    page = client.get(SECOND_FACTOR)
    wrong = client.post(SECOND_FACTOR, {"code": wrong_code(device)})
    # django-otp holds a device a second after one wrong code (doubling with each): that second has passed.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(minutes=1))
    right = client.post(SECOND_FACTOR, {"code": code_for(device, steps_ahead=1)})

    assert "<svg role=\"img\"" not in page.content.decode()
    assert readable_key(device) not in page.content.decode()
    assert wrong.status_code == 200
    assert "Ese código no es correcto" in wrong.content.decode()
    assert right.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_code_is_refused_while_too_many_wrong_ones_hold_the_device(required, planner):
    device = TOTPDevice.objects.create(
        user=planner, confirmed=True, throttling_failure_count=10, throttling_failure_timestamp=timezone.now()
    )
    client = signed_in_client("planificadora")

    response = client.post(SECOND_FACTOR, {"code": code_for(device)})

    assert response.status_code == 200
    # django-otp doubles the wait after each wrong code: after 10, 2**9 = 512 seconds, said as they are.
    assert "Demasiados códigos incorrectos seguidos. Espere 512 segundos" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_the_code_page_is_in_kichwa_for_a_kichwa_reader(required, planner):
    client = signed_in_client("planificadora")
    client.cookies["conecta_lang"] = "qu"

    html = client.get(SECOND_FACTOR).content.decode()

    assert "Kikinpak ishkay niki riksichikta allichipay" in html


@pytest.mark.parametrize("code", ["abcdef", "12345", "1234567", "١٢٣٤٥٦"])
def test_a_code_that_is_not_six_digits_is_explained(required, planner, code):
    TOTPDevice.objects.create(user=planner, confirmed=True)
    client = signed_in_client("planificadora")

    response = client.post(SECOND_FACTOR, {"code": code})

    assert response.status_code == 200
    assert "Escriba los seis dígitos que muestra su aplicación" in response.content.decode()


def test_a_superuser_needs_it_too(required):
    UserFactory(username="raiz", is_superuser=True)
    client = signed_in_client("raiz")

    assert client.get("/admin/")["Location"].startswith(SECOND_FACTOR)


@pytest.mark.parametrize("who", ["implementer", "monitor"])
def test_other_staff_sign_in_with_the_password_only(required, request, who):
    user = request.getfixturevalue(who)
    client = signed_in_client(user.username)

    assert client.get("/admin/").status_code == 200
    assert not TOTPDevice.objects.exists()


def test_without_otp_required_a_planner_signs_in_with_the_password_only(planner):
    client = signed_in_client("planificadora")

    assert client.get("/admin/").status_code == 200


def test_before_the_code_a_planner_is_anonymous_on_the_public_site(required, planner):
    SurveyFactory(slug="borrador", is_published=False)
    device = TOTPDevice.objects.create(user=planner, confirmed=True)
    client = signed_in_client("planificadora")

    before = client.get("/es/participa/encuestas/borrador/")
    client.post(SECOND_FACTOR, {"code": code_for(device)})
    after = client.get("/es/participa/encuestas/borrador/")

    assert before.status_code == 404
    assert after.status_code == 200


def test_the_code_page_never_sends_anyone_to_another_site(required, planner):
    device = TOTPDevice.objects.create(user=planner, confirmed=True)
    client = signed_in_client("planificadora")

    response = client.post(f"{SECOND_FACTOR}?next=https://evil.example/", {"code": code_for(device)})

    assert response["Location"] == "/admin/"


def test_an_anonymous_visitor_is_sent_to_the_sign_in_page(client, required):
    response = client.get(SECOND_FACTOR)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_signing_out_is_possible_before_the_code(required, planner):
    client = signed_in_client("planificadora")

    client.post("/admin/logout/")

    assert SESSION_KEY not in client.session


def test_a_planner_resets_another_person_s_second_factor(planner_client, planner):
    other = UserFactory(username="otra-planificadora", groups=["Planificación"])
    device = TOTPDevice.objects.create(user=other, confirmed=True)

    listing = planner_client.get("/admin/otp_totp/totpdevice/")
    change = planner_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    response = planner_client.post(
        "/admin/otp_totp/totpdevice/", {"action": "reset_second_factor", "_selected_action": [device.pk]}
    )

    assert listing.status_code == 200
    assert change.status_code == 200
    assert device.key not in change.content.decode()
    assert readable_key(device) not in change.content.decode()
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=other).exists()


def test_after_a_reset_the_person_enrols_again(settings, planner_client):
    other = UserFactory(username="otra-planificadora", groups=["Planificación"])
    old = TOTPDevice.objects.create(user=other, confirmed=True)
    planner_client.post("/admin/otp_totp/totpdevice/", {"action": "reset_second_factor", "_selected_action": [old.pk]})
    settings.OTP_REQUIRED = True

    page = signed_in_client("otra-planificadora").get(SECOND_FACTOR)

    assert "<svg role=\"img\"" in page.content.decode()


def test_implementers_and_the_monitor_cannot_reset_second_factors(implementer_client, monitor_client):
    assert implementer_client.get("/admin/otp_totp/totpdevice/").status_code == 403
    assert monitor_client.get("/admin/otp_totp/totpdevice/").status_code == 403


def test_the_group_that_must_use_it_is_the_planners():
    from django.conf import settings

    from commitments.roles import PLANNER

    assert settings.STAFF_SECURITY_GROUP == PLANNER
