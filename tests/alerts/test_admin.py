"""The staff admin of the e-mail alerts (alerts.admin, alerts.roles): only planners see who follows what (the
addresses, the subscriptions, the consent ledger, each alert e-mail); implementers and the monitor see how many
follow each item and how many alerts went out, never an address; the ledger is never changed or deleted, and its
export holds the whole ledger, in Pastaza's time, without the addresses anonymised; a planner ends a subscription
or anonymises an address at the person's request, and the ledger says staff did it."""

from __future__ import annotations

import csv
import io
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from alerts import ledger, roles
from alerts.models import (
    AlertRun,
    ConsentEvent,
    ConsentEventKind,
    ConsentHow,
    Digest,
    Frequency,
    Recipient,
    Subscription,
    SubscriptionState,
)
from commitments.roles import IMPLEMENTER, MONITOR, PLANNER
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASTAZA = ZoneInfo("America/Guayaquil")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=PASTAZA)
ACTIVE, PENDING, ENDED = SubscriptionState.ACTIVE, SubscriptionState.PENDING, SubscriptionState.ENDED
ADDRESS_MODELS = ["recipient", "subscription", "consentevent", "digest"]
FOLLOWERS = "/admin/alerts/subscription/followers/"
EXPORT = "/admin/alerts/consentevent/export/{}/"


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def recipient(email: str) -> Recipient:
    return Recipient.objects.create(email=email, token=secrets.token_urlsafe(32))


def follow(who: Recipient, target: str, label: str, *, state=ACTIVE, frequency=Frequency.DAILY, language="es"):
    asked = NOW - timedelta(days=2)
    subscription = Subscription.objects.create(
        recipient=who,
        target=target,
        target_label=label,
        language=language,
        frequency=frequency,
        state=state,
        token=secrets.token_urlsafe(32),
        asked_at=asked,
        confirmed_at=asked + timedelta(hours=1) if state != PENDING else None,
        ended_at=NOW if state == ENDED else None,
    )
    ConsentEvent.objects.create(
        subscription=subscription, kind=ConsentEventKind.ASKED, how=ConsentHow.FORM, at=asked, ip_hash="a1b2"
    )
    return subscription


def followers_scene(copies: int = 1, *, first: int = 0) -> None:
    """Per copy, on one commitment: two active (daily Spanish, weekly Kichwa), one pending, one ended; on a parish
    one active at once in Kichwa; on the reports one pending at once."""
    for n in range(first, first + copies):
        ana, beto, carla, dario = (recipient(f"{name}{n}@example.ec") for name in ("ana", "beto", "carla", "dario"))
        follow(ana, "commitment:TEST0001", "Compromiso ambiental")
        follow(beto, "commitment:TEST0001", "Compromiso ambiental", frequency=Frequency.WEEKLY, language="qu")
        follow(carla, "commitment:TEST0001", "Compromiso ambiental", state=PENDING)
        follow(dario, "commitment:TEST0001", "Compromiso ambiental", state=ENDED)
        follow(ana, "parish:160150", "Puyo", frequency=Frequency.INSTANT, language="qu")
        follow(beto, "reports", "Informes de avance", state=PENDING, frequency=Frequency.INSTANT)


# Who sees what.


def rights(group: str) -> set[str]:
    return set(
        Group.objects.get(name=group)
        .permissions.filter(content_type__app_label="alerts")
        .values_list("codename", flat=True)
    )


def test_each_role_holds_its_rights_on_alerts(db):
    roles.alerts_roles_grant()

    assert rights(PLANNER) == {
        "view_recipient",
        "change_recipient",
        "view_subscription",
        "change_subscription",
        "view_consentevent",
        "view_change",
        "view_alertrun",
        "view_digest",
    }
    assert rights(IMPLEMENTER) == rights(MONITOR) == {"view_alertrun", "view_change"}


def test_a_planner_sees_the_addresses_and_their_subscriptions(planner_client):
    followers_scene()
    ana = Recipient.objects.get(email="ana0@example.ec")

    for model in ADDRESS_MODELS:
        assert planner_client.get(f"/admin/alerts/{model}/").status_code == 200, model
    assert "ana0@example.ec" in planner_client.get("/admin/alerts/recipient/").content.decode()
    assert "ana0@example.ec" in planner_client.get("/admin/alerts/subscription/").content.decode()
    page = planner_client.get(f"/admin/alerts/recipient/{ana.pk}/change/").content.decode()
    assert "ana0@example.ec" in page and "Puyo" in page
    assert ana.token not in page  # the token of the manage page is a credential


@pytest.mark.parametrize("who", ["implementer", "monitor"])
def test_implementers_and_the_monitor_never_reach_an_address(request, who):
    client = request.getfixturevalue(f"{who}_client")
    followers_scene()
    subscription = Subscription.objects.first()
    run = AlertRun.objects.create(frequency=Frequency.DAILY, window_start=NOW - timedelta(days=1), window_end=NOW)
    Digest.objects.create(run=run, recipient=subscription.recipient, language="es")

    for model in ADDRESS_MODELS:
        assert client.get(f"/admin/alerts/{model}/").status_code == 403, model
    assert client.get(f"/admin/alerts/subscription/{subscription.pk}/change/").status_code == 403
    assert client.get(EXPORT.format("csv")).status_code == 403
    index = client.get("/admin/alerts/").content.decode()
    assert 'href="/admin/alerts/alertrun/"' in index
    assert not any(f'href="/admin/alerts/{model}/"' in index for model in ADDRESS_MODELS)
    for page in (FOLLOWERS, "/admin/alerts/alertrun/", "/admin/"):
        response = client.get(page)
        assert response.status_code == 200, page
        assert "@example.ec" not in response.content.decode(), page
    assert f'href="{FOLLOWERS}"' in client.get("/admin/alerts/alertrun/").content.decode()


def test_an_admin_right_given_by_hand_does_not_open_the_addresses(implementer, implementer_client):
    implementer.user_permissions.add(*Group.objects.get(name=PLANNER).permissions.filter(codename="view_recipient"))
    recipient("ana@example.ec")

    assert implementer_client.get("/admin/alerts/recipient/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(citizen):
    for page in (FOLLOWERS, EXPORT.format("csv"), "/admin/alerts/consentevent/"):
        response = citizen.get(page)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), page


def test_staff_without_a_role_see_no_counts(client):
    client.force_login(UserFactory(username="sin-rol"))
    assert client.get(FOLLOWERS).status_code == 403


# Followers per item.


def test_the_followers_page_counts_each_item_per_frequency_and_language(monitor_client):
    followers_scene()

    response = monitor_client.get(FOLLOWERS)

    # Columns: active (total, at once, daily, weekly, Spanish, Kichwa), then awaiting confirmation (the same).
    rows = {row["target"]: row["counts"] for row in response.context["rows"]}
    assert rows == {
        "commitment:TEST0001": [2, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0],
        "parish:160150": [1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0],
        "reports": [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0],
    }
    assert [row["target"] for row in response.context["rows"]] == ["commitment:TEST0001", "parish:160150", "reports"]
    assert response.context["totals"] == [3, 1, 1, 1, 1, 2, 2, 1, 1, 0, 2, 0]
    assert response.context["addresses"] == 2  # ana and beto; carla has not confirmed, dario has left
    content = response.content.decode()
    assert "Compromiso ambiental" in content and "@example.ec" not in content
    assert '<th scope="colgroup" colspan="6">' in content


def test_the_followers_page_searches_and_pages_without_a_server_error(planner_client):
    followers_scene()

    found = planner_client.get(FOLLOWERS, {"q": "ambiental"})
    nothing = planner_client.get(FOLLOWERS, {"q": "x" * 500, "p": "-3"})
    odd_page = planner_client.get(FOLLOWERS, {"p": "muchas"})

    assert [row["target"] for row in found.context["rows"]] == ["commitment:TEST0001"]
    assert nothing.status_code == 200 and nothing.context["rows"] == []
    assert odd_page.status_code == 200 and len(odd_page.context["rows"]) == 3


@pytest.mark.parametrize("copies", [1, 4])
def test_the_followers_page_runs_the_same_queries_whatever_the_followers(
    implementer_client, copies, django_assert_num_queries
):
    followers_scene(copies)
    implementer_client.get(FOLLOWERS)  # the session and the groups warm up

    # What every admin page reads (session, user, groups, the rights of the side menu, the staff profile and its
    # institution), then the page's own three: the items counted, one page of them, the totals.
    with django_assert_num_queries(10):
        response = implementer_client.get(FOLLOWERS)
    assert response.context["totals"][0] == 3 * copies


# The consent ledger.


def test_nobody_changes_or_deletes_the_ledger(planner_client, client):
    subscription = follow(recipient("ana@example.ec"), "reports", "Informes de avance")
    event = subscription.events.get()
    client.force_login(UserFactory(username="raiz", is_superuser=True))
    model_admin = admin.site._registry[ConsentEvent]

    for who in (planner_client, client):
        changelist = who.get("/admin/alerts/consentevent/")
        assert changelist.status_code == 200
        offered = [name for name, _label in changelist.context["action_form"].fields["action"].choices]
        assert offered == ["", "export_csv", "export_xlsx"]
        assert who.get(f"/admin/alerts/consentevent/{event.pk}/delete/").status_code == 403
        assert who.post(f"/admin/alerts/consentevent/{event.pk}/change/", {"detail": "otro"}).status_code == 403
        request = changelist.wsgi_request
        assert not model_admin.has_change_permission(request, event)
        assert not model_admin.has_delete_permission(request, event)
        assert not model_admin.has_add_permission(request)
    event.refresh_from_db()
    assert ConsentEvent.objects.count() == 1 and event.detail == ""


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="conecta-pastaza-registro-consentimiento-2026-03-10.csv"'
    )
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def ledger_scene():
    ana = recipient("ana@example.ec")
    subscription = follow(ana, "commitment:TEST0001", "Compromiso ambiental", language="qu")
    ConsentEvent.objects.create(
        subscription=subscription,
        kind=ConsentEventKind.CONFIRMED,
        how=ConsentHow.LINK,
        at=datetime(2026, 3, 9, 15, 30, tzinfo=ZoneInfo("UTC")),
        ip_hash="c3d4",
        detail='=HYPERLINK("http://malo.example")',
    )
    return ana, subscription


def test_a_planner_exports_the_whole_ledger_in_pastaza_time(planner_client):
    _ana, subscription = ledger_scene()

    rows = read_csv(planner_client.get(EXPORT.format("csv")))

    assert list(rows[0]) == ledger.COLUMNS
    assert rows == [
        {
            "suscripcion": str(subscription.pk),
            "que_se_sigue": "commitment:TEST0001",
            "nombre_al_seguir": "Compromiso ambiental",
            "idioma": "qu",
            "frecuencia": "daily",
            "evento": "asked",
            "como": "form",
            "cuando": "2026-03-08T12:00:00-05:00",
            "ip_hash": "a1b2",
            "detalle": "",
            "correo": "ana@example.ec",
        },
        {
            "suscripcion": str(subscription.pk),
            "que_se_sigue": "commitment:TEST0001",
            "nombre_al_seguir": "Compromiso ambiental",
            "idioma": "qu",
            "frecuencia": "daily",
            "evento": "confirmed",
            "como": "link",
            "cuando": "2026-03-09T10:30:00-05:00",
            "ip_hash": "c3d4",
            "detalle": '\'=HYPERLINK("http://malo.example")',  # a formula stays text
            "correo": "ana@example.ec",
        },
    ]


def test_the_export_holds_no_address_once_anonymised(planner_client):
    ana, _subscription = ledger_scene()
    Recipient.objects.filter(pk=ana.pk).update(email=None, anonymised_at=NOW)

    rows = read_csv(planner_client.get(EXPORT.format("csv")))

    assert len(rows) == 2 and {row["correo"] for row in rows} == {""}
    assert "ana@example.ec" not in planner_client.get(EXPORT.format("xlsx")).content.decode("latin-1")


def test_the_ledger_exports_as_a_spreadsheet(planner_client):
    ledger_scene()

    response = planner_client.get(EXPORT.format("xlsx"))

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == ledger.COLUMNS
    assert values[2][5:8] == ("confirmed", "link", "2026-03-09T10:30:00-05:00")
    assert sheet.title == "Registro de consentimiento"


def test_an_empty_ledger_exports_its_columns_only(planner_client):
    assert read_csv(planner_client.get(EXPORT.format("csv"))) == []
    assert planner_client.get(EXPORT.format("xlsx")).status_code == 200
    assert planner_client.get(EXPORT.format("pdf")).status_code == 404


def test_the_selected_entries_export_from_the_ledger_list(planner_client):
    _ana, subscription = ledger_scene()
    confirmed = subscription.events.get(kind=ConsentEventKind.CONFIRMED)

    response = planner_client.post(
        "/admin/alerts/consentevent/", {"action": "export_csv", "_selected_action": [confirmed.pk], "index": 0}
    )

    assert [row["evento"] for row in read_csv(response)] == ["confirmed"]


def test_a_failed_export_sends_no_file_and_says_so(planner_client, monkeypatch):
    ledger_scene()

    def broken(events):
        raise DatabaseError("connection lost")

    monkeypatch.setitem(ledger.FORMATS, "csv", (broken, "text/csv; charset=utf-8"))
    response = planner_client.get(EXPORT.format("csv"), follow=True)

    assert response.redirect_chain[-1][0] == "/admin/alerts/consentevent/"
    assert "Content-Disposition" not in response
    assert len(list(response.context["messages"])) == 1


def test_the_ledger_list_offers_the_whole_export(planner_client):
    content = planner_client.get("/admin/alerts/consentevent/").content.decode()

    assert f'href="{EXPORT.format("csv")}"' in content and f'href="{EXPORT.format("xlsx")}"' in content


# At the person's request.


def test_a_planner_ends_a_subscription_at_the_persons_request(planner_client):
    followers_scene()
    parish = Subscription.objects.get(target="parish:160150")
    data = {"action": "end_selected", "_selected_action": [parish.pk], "index": 0}

    step = planner_client.post("/admin/alerts/subscription/", data)
    assert step.status_code == 200 and Subscription.objects.get(pk=parish.pk).state == ACTIVE
    done = planner_client.post("/admin/alerts/subscription/", {**data, "apply": "1"})

    assert done.status_code == 302
    parish.refresh_from_db()
    assert parish.state == ENDED and parish.ended_at is not None
    ended = parish.events.get(kind=ConsentEventKind.ENDED)
    assert ended.how == ConsentHow.STAFF
    # The address's other subscription goes on.
    assert Subscription.objects.get(recipient=parish.recipient, target="commitment:TEST0001").state == ACTIVE


def test_a_planner_anonymises_an_address_at_the_persons_request(planner_client):
    followers_scene()
    ana = Recipient.objects.get(email="ana0@example.ec")
    data = {"action": "anonymise_selected", "_selected_action": [ana.pk], "index": 0}

    step = planner_client.post("/admin/alerts/recipient/", data)
    assert step.status_code == 200 and "ana0@example.ec" in step.content.decode()
    planner_client.post("/admin/alerts/recipient/", {**data, "apply": "1"})

    ana.refresh_from_db()
    assert ana.email is None and ana.anonymised_at is not None
    assert set(ana.subscriptions.values_list("state", flat=True)) == {ENDED}
    anonymised = ConsentEvent.objects.filter(subscription__recipient=ana, kind=ConsentEventKind.ANONYMISED)
    assert anonymised.count() == 2 and set(anonymised.values_list("how", flat=True)) == {ConsentHow.STAFF}
    rows = read_csv(planner_client.get(EXPORT.format("csv")))
    assert "ana0@example.ec" not in {row["correo"] for row in rows}


@pytest.mark.parametrize("who", ["implementer", "monitor"])
def test_only_planners_end_or_anonymise(request, who):
    client = request.getfixturevalue(f"{who}_client")
    followers_scene()
    parish = Subscription.objects.get(target="parish:160150")

    response = client.post(
        "/admin/alerts/subscription/", {"action": "end_selected", "_selected_action": [parish.pk], "apply": "1"}
    )

    assert response.status_code == 403
    assert Subscription.objects.get(pk=parish.pk).state == ACTIVE


# How many alerts went out.


def run_scene(day: int = 0) -> AlertRun:
    """A daily run of five e-mails: two sent, one with nothing left to send, one failed twice, one not tried."""
    run = AlertRun.objects.create(
        frequency=Frequency.DAILY,
        window_start=NOW - timedelta(days=day + 1),
        window_end=NOW - timedelta(days=day),
        built_at=NOW,
        changes=4,
        digests=5,
    )
    for n, fields in enumerate(
        [
            {"sent_at": NOW},
            {"sent_at": NOW},
            {"skipped": True},
            {"attempts": 2, "last_error": "550 mailbox unavailable"},
            {},
        ]
    ):
        Digest.objects.create(run=run, recipient=recipient(f"d{day}-{n}@example.ec"), language="es", **fields)
    return run


@pytest.mark.parametrize("who", ["planner", "implementer", "monitor"])
def test_every_role_sees_how_many_alerts_went_out(request, who):
    client = request.getfixturevalue(f"{who}_client")
    run = run_scene()

    response = client.get("/admin/alerts/alertrun/")

    assert response.status_code == 200
    shown = response.context["cl"].result_list[0]
    assert (shown.digests, shown.sent, shown.skipped, shown.failed) == (5, 2, 1, 1)
    links = "/admin/alerts/digest/?run__id__exact=" in response.content.decode()
    assert links == (who == "planner")
    assert client.get(f"/admin/alerts/alertrun/{run.pk}/change/").status_code == 200


def test_each_count_of_a_run_opens_the_emails_it_counts(planner_client):
    run = run_scene()
    base = f"/admin/alerts/digest/?run__id__exact={run.pk}"

    counts = {
        state: planner_client.get(f"{base}&envio={state}").context["cl"].result_count
        for state in ("enviado", "omitido", "con_fallos", "pendiente")
    }

    assert counts == {"enviado": 2, "omitido": 1, "con_fallos": 1, "pendiente": 1}
    assert planner_client.get(base).context["cl"].result_count == 5


def test_the_runs_list_runs_the_same_queries_whatever_the_runs(monitor_client):
    run_scene()
    monitor_client.get("/admin/alerts/alertrun/")
    with CaptureQueriesContext(connection) as one:
        monitor_client.get("/admin/alerts/alertrun/")
    for day in range(1, 4):
        AlertRun.objects.create(
            frequency=Frequency.DAILY, window_start=NOW - timedelta(days=day + 1), window_end=NOW - timedelta(days=day)
        )
    with CaptureQueriesContext(connection) as four:
        response = monitor_client.get("/admin/alerts/alertrun/")

    assert response.context["cl"].result_count == 4
    assert len(four) == len(one)


@pytest.mark.parametrize("model", ADDRESS_MODELS)
def test_the_planners_lists_run_the_same_queries_whatever_their_length(planner_client, model):
    followers_scene()
    run_scene()
    planner_client.get(f"/admin/alerts/{model}/")
    with CaptureQueriesContext(connection) as few:
        short = planner_client.get(f"/admin/alerts/{model}/").context["cl"].result_count
    followers_scene(3, first=1)
    run_scene(day=1)
    with CaptureQueriesContext(connection) as many:
        long = planner_client.get(f"/admin/alerts/{model}/").context["cl"].result_count

    assert long > short
    assert len(many) == len(few)
