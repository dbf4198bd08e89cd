"""`ensure_admin` creates the first Planning Directorate account once and shows its password only then."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from commitments.roles import PLANNER

pytestmark = pytest.mark.django_db


def ensure_admin(*args) -> str:
    out = io.StringIO()
    call_command("ensure_admin", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_planner_superuser_and_prints_a_working_password(client):
    output = ensure_admin()

    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.is_staff
    assert user.groups.filter(name=PLANNER).exists()
    password = re.search(r"password:\s+(\S+)", output).group(1)
    assert len(password) >= 12
    assert client.login(username="admin", password=password)


def test_running_it_again_keeps_the_account_and_prints_no_password():
    first = ensure_admin()
    user = get_user_model().objects.get(username="admin")

    second = ensure_admin()

    assert get_user_model().objects.count() == 1
    assert get_user_model().objects.get(username="admin").password == user.password
    assert "password:" not in second
    assert re.search(r"password:\s+(\S+)", first).group(1) not in second


def test_it_takes_another_username_and_email():
    ensure_admin("--username", "planificacion", "--email", "planificacion@pastaza.gob.ec")

    assert get_user_model().objects.get(username="planificacion").email == "planificacion@pastaza.gob.ec"
