"""The alerts' lines on the staff dashboard (alerts.dashboard): planners see the alert e-mails that failed three
times or more (to act on), the subscriptions awaiting confirmation for more than a day and how many addresses
receive alerts; implementers and the monitor only how many addresses, linking to the followers per item; each line
opens what it counts; the queries do not grow with the data."""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from alerts import dashboard
from alerts.models import AlertRun, Digest, Frequency, Recipient, Subscription, SubscriptionState
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASTAZA = ZoneInfo("America/Guayaquil")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=PASTAZA)
# As the (Spanish) dashboard says them.
FAILED = "Correos de alerta que fallaron 3 veces o más"
PEOPLE = itertools.count()
WAITING = "Suscripciones pendientes de confirmación desde hace más de un día"
FOLLOWING = "Direcciones que reciben alertas"


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def lines_for(user) -> dict[str, object]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return {str(item.label): item for item in dashboard.dashboard_items(request)}


def scene(copies: int = 1) -> None:
    """Per copy: two addresses following (one of them twice), one waiting two days for its confirmation, one
    waiting an hour, one that left; a run with a digest failed three times, one failed twice, one sent."""
    run = AlertRun.objects.create(
        frequency=Frequency.DAILY,
        window_start=NOW - timedelta(days=1 + AlertRun.objects.count()),
        window_end=NOW - timedelta(days=AlertRun.objects.count()),
    )
    for _copy in range(copies):
        people = [
            Recipient.objects.create(email=f"p{next(PEOPLE)}@example.ec", token=secrets.token_urlsafe(32))
            for _n in range(5)
        ]
        for who, target, state, asked in [
            (people[0], "reports", SubscriptionState.ACTIVE, NOW - timedelta(days=9)),
            (people[0], "parish:160150", SubscriptionState.ACTIVE, NOW - timedelta(days=9)),
            (people[1], "reports", SubscriptionState.ACTIVE, NOW - timedelta(days=3)),
            (people[2], "reports", SubscriptionState.PENDING, NOW - timedelta(days=2)),
            (people[3], "reports", SubscriptionState.PENDING, NOW - timedelta(hours=1)),
            (people[4], "reports", SubscriptionState.ENDED, NOW - timedelta(days=30)),
        ]:
            Subscription.objects.create(
                recipient=who,
                target=target,
                target_label=target,
                language="es",
                frequency=Frequency.DAILY,
                state=state,
                token=secrets.token_urlsafe(32),
                asked_at=asked,
            )
        Digest.objects.create(run=run, recipient=people[0], language="es", attempts=3, last_error="550")
        Digest.objects.create(run=run, recipient=people[1], language="es", attempts=2, last_error="451")
        Digest.objects.create(run=run, recipient=people[2], language="qu", attempts=4, sent_at=NOW)


def test_a_planner_sees_the_failures_the_waiting_and_the_followers(planner, planner_client):
    scene()

    lines = lines_for(planner)

    assert {label: item.count for label, item in lines.items()} == {FAILED: 1, WAITING: 1, FOLLOWING: 2}
    assert [lines[label].severity for label in (FAILED, WAITING, FOLLOWING)] == ["todo", "info", "info"]
    assert lines[WAITING].since == NOW - timedelta(days=2)
    for item in lines.values():
        response = planner_client.get(item.url)
        assert response.status_code == 200, item.url
        assert response.context["cl"].result_count == item.count, item.label


@pytest.mark.parametrize("who", ["implementer", "monitor"])
def test_implementers_and_the_monitor_see_how_many_follow_and_never_who(request, who):
    user, client = request.getfixturevalue(who), request.getfixturevalue(f"{who}_client")
    scene()

    lines = lines_for(user)

    assert {label: item.count for label, item in lines.items()} == {FOLLOWING: 2}
    page = client.get(lines[FOLLOWING].url)
    assert page.status_code == 200 and page.context["addresses"] == 2
    assert "@example.ec" not in page.content.decode()


def test_staff_without_a_role_see_no_alerts_line(db):
    scene()
    assert lines_for(UserFactory(username="sin-rol")) == {}


def test_the_lines_show_on_the_admin_home_in_kichwa_too(planner_client):
    scene()
    planner_client.cookies["conecta_lang"] = "qu"

    response = planner_client.get("/admin/")

    groups = {group.title: group.lines for group in response.wsgi_request.conecta_dashboard.groups}
    # The lines come in their order: the failures (to act on), then the waiting and the followers (information).
    assert [line.item.count for line in groups["E-chaski willachaykuna"]] == [1, 1, 2]
    content = response.content.decode()
    assert "3 kutin yalli pantashka willachay e-chaskikuna" in content
    assert FAILED not in content and "Alert e-mails that failed" not in content


@pytest.mark.parametrize("who", ["planner", "implementer"])
def test_the_lines_run_the_same_queries_whatever_the_data(request, who):
    user = request.getfixturevalue(who)
    scene()
    lines_for(user)  # the user's groups are read once, then kept on the user
    with CaptureQueriesContext(connection) as few:
        first = lines_for(user)
    scene(copies=4)
    with CaptureQueriesContext(connection) as many:
        lines = lines_for(user)

    assert lines[FOLLOWING].count == first[FOLLOWING].count + 8
    assert len(many) == len(few) == (2 if who == "planner" else 1)
