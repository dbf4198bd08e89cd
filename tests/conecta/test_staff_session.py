"""A staff session lasts a working day from sign-in (STAFF_SESSION_HOURS, 10 by default), not Django's 14 days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_no_session_outlives_a_working_day():
    assert settings.STAFF_SESSION_HOURS == 10
    assert settings.SESSION_COOKIE_AGE == 10 * 3600


def test_a_staff_session_ends_a_working_day_after_sign_in(client, implementer):
    before = timezone.now()
    response = client.post("/admin/login/", {"username": implementer.username, "password": PASSWORD})

    expires = client.session.get_expiry_date()
    assert response.status_code == 302
    assert before + timedelta(hours=10) <= expires <= timezone.now() + timedelta(hours=10)
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] <= 10 * 3600


def test_working_in_the_admin_does_not_extend_the_day(client, implementer):
    client.post("/admin/login/", {"username": implementer.username, "password": PASSWORD})
    expires = client.session.get_expiry_date()

    client.get("/admin/")
    client.get("/admin/commitments/commitment/")

    assert client.session.get_expiry_date() == expires
