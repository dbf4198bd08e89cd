"""/<lang>/alertas/gestionar/<token>/: every subscription of one address, from the link in any of its e-mails:
change the language or frequency of one, stop one, stop them all. The link is the credential: no session, no
CSRF token."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from alerts import services, tokens
from alerts.models import Recipient, Subscription
from alerts.views import mask_email
from tests.factories import CantonFactory
from tests.participation import SCRIPT, fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db


def follow(email: str, target: str, *, frequency: str = "daily", language: str = "es", confirm=True):
    asked = services.subscribe(email=email, target=target, language=language, frequency=frequency, ip_hash="")
    if confirm:
        services.confirm(token=tokens.confirm_token(asked.subscription), ip_hash="")
    return Subscription.objects.get(pk=asked.subscription.pk)


@pytest.fixture
def rosa(commitment):
    """Rosa follows a commitment (daily, Spanish) and the reports (weekly, Kichwa), and asked for the
    participation news without confirming yet."""
    return [
        follow("rosa@example.org", f"commitment:{commitment.code}"),
        follow("rosa@example.org", "reports", frequency="weekly", language="qu"),
        follow("rosa@example.org", "participation", confirm=False),
    ]


def url(subscription, lang="es") -> str:
    return f"/{lang}/alertas/gestionar/{tokens.manage_token(subscription.recipient)}/"


def post(page: str, data: dict):
    """As the page's forms post: no cookie, no CSRF token."""
    return Client(enforce_csrf_checks=True).post(page, data)


def test_it_lists_every_subscription_of_the_address_with_a_masked_address(citizen, rosa, django_assert_num_queries):
    page = url(rosa[0])
    services.manage_end(recipient_token=rosa[0].recipient.token, subscription_id=rosa[0].pk, ip_hash="")
    follow("kuri@example.org", "participation")  # another address's: never on this page

    # The recipient, its subscriptions, and the stopped commitment's current title (one query; "reports" and
    # "participation" need none).
    with django_assert_num_queries(3):
        response = citizen.get(page)

    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in response.text
    assert "r***@example.org" in response.text and "rosa@example.org" not in response.text
    assert "no-store" in response["Cache-Control"]
    assert "csrfmiddlewaretoken" not in response.text and not response.cookies
    assert "<script" not in response.text
    assert "Nuevos informes de avance" in response.text and "Nuevas encuestas y reuniones" in response.text
    text = re.sub(r"\s+", " ", response.text)
    assert "Pendiente de confirmación desde el" in text
    assert "Activa desde el" in text
    # What each open one is, how often and in which language; the stopped one below, with its date.
    assert re.search(r'<option value="weekly" selected>Una vez a la semana</option>', response.text)
    assert re.search(r'<option value="qu" selected>Kichwa</option>', response.text)
    assert "Detenidas</h2>" in response.text and "TEST0001 · Compromiso ambiental" in text.split("Detenidas</h2>")[1]
    assert text.count('value="terminar"') == 2


def test_the_page_needs_no_more_queries_for_more_stopped_subscriptions(citizen, rosa, django_assert_num_queries):
    for _ in range(5):
        services.end_all(recipient_token=rosa[0].recipient.token, ip_hash="")
        follow("rosa@example.org", "reports")
        follow("rosa@example.org", rosa[0].target)
    services.end_all(recipient_token=rosa[0].recipient.token, ip_hash="")
    page = url(rosa[0])

    # The recipient, its subscriptions, and the commitment once however often it was followed.
    with django_assert_num_queries(3):
        assert citizen.get(page).status_code == 200


def test_a_stopped_one_shows_the_current_name_in_the_pages_language(citizen, db):
    CantonFactory(code="1601", slug="pastaza", name_es="Pastaza", name_qu="Pastasa")
    stopped = follow("rosa@example.org", "canton:1601")
    services.end_all(recipient_token=stopped.recipient.token, ip_hash="")

    text = re.sub(r"\s+", " ", citizen.get(url(stopped, lang="qu")).text)

    assert '<a href="/qu/territorio/pastaza/">Pastasa kiti</a>' in text
    assert 'lang="es">Cantón Pastaza' not in text


def test_each_rows_controls_say_which_subscription_they_change(citizen, rosa):
    text = citizen.get(url(rosa[0])).text

    for subscription in rosa:
        heading = f"s{subscription.pk}-h"
        assert re.search(rf'<h3 id="{heading}">', text)
        for name in ("language", "frequency"):
            assert re.search(rf'<select name="{name}"[^>]*aria-describedby="{heading}"', text), (name, heading)
        buttons = re.findall(rf'<button class="button[^"]*" type="submit" aria-describedby="{heading}">', text)
        assert len(buttons) == 2  # "Save" and "Stop this one"


def test_changing_one_records_it_and_confirms_on_the_page(rosa):
    commitment_one, reports, _pending = rosa

    response = post(
        url(commitment_one),
        {
            "accion": "cambiar",
            "subscription": commitment_one.pk,
            "frequency": "instant",
            "language": "qu",
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith("?hecho=cambio")
    commitment_one.refresh_from_db()
    assert (commitment_one.frequency, commitment_one.language, commitment_one.state) == ("instant", "qu", "active")
    change = commitment_one.events.get(kind="changed")
    assert (change.how, change.detail) == ("manage_page", "daily/es -> instant/qu")
    assert change.ip_hash
    reports.refresh_from_db()
    assert (reports.frequency, reports.language) == ("weekly", "qu")
    assert "Guardado: las próximas alertas seguirán su elección." in Client().get(response["Location"]).text


def test_the_same_choice_again_changes_nothing(rosa):
    response = post(
        url(rosa[0]), {"accion": "cambiar", "subscription": rosa[0].pk, "frequency": "daily", "language": "es"}
    )

    assert response["Location"].endswith("?hecho=nada")
    assert not rosa[0].events.filter(kind="changed").exists()


def test_stopping_one_leaves_the_others(rosa):
    response = post(url(rosa[0]), {"accion": "terminar", "subscription": rosa[1].pk})

    assert response["Location"].endswith("?hecho=baja")
    assert [Subscription.objects.get(pk=s.pk).state for s in rosa] == ["active", "ended", "pending"]
    assert rosa[1].events.get(kind="ended").how == "manage_page"


def test_stopping_all_ends_the_active_and_pending_ones(rosa):
    response = post(url(rosa[0], lang="qu"), {"accion": "todo"})

    assert response["Location"].startswith("/qu/alertas/gestionar/")
    assert set(Subscription.objects.values_list("state", flat=True)) == {"ended"}
    page = Client().get(response["Location"])
    assert "Sakirishkami: ñukanchikmanta willachaykunataka manaña chaskinkichu." in page.text
    assert "Kunanka imatapash mana katinkichu." in page.text
    assert '<html lang="qu"' in page.text


def test_another_addresss_subscription_cannot_be_touched(rosa):
    kuri = follow("kuri@example.org", "reports")

    for data in (
        {"accion": "cambiar", "subscription": kuri.pk, "frequency": "instant", "language": "qu"},
        {"accion": "terminar", "subscription": kuri.pk},
    ):
        response = post(url(rosa[0]), data)
        assert response["Location"].endswith("?hecho=nada")
    kuri.refresh_from_db()
    assert (kuri.state, kuri.frequency, kuri.language) == ("active", "daily", "es")


@pytest.mark.parametrize(
    "data",
    [
        {"accion": "cambiar", "frequency": "hourly", "language": "es"},
        {"accion": "cambiar", "frequency": "daily", "language": "xx"},
        {"accion": "cambiar", "frequency": SCRIPT, "language": SCRIPT},
        {"accion": "cambiar", "frequency": ["daily", "weekly"], "language": ""},
    ],
)
def test_a_bad_choice_is_refused_with_a_message(rosa, data):
    response = post(url(rosa[0]), {"subscription": rosa[0].pk, **data})

    # As on the follow form and every public form of the portal: the page again, with its message.
    assert response.status_code == 200
    assert 'class="error-summary"' in response.text
    assert "<script>" not in response.text
    rosa[0].refresh_from_db()
    assert (rosa[0].frequency, rosa[0].language) == ("daily", "es")


@pytest.mark.parametrize(
    "data",
    [
        {"accion": "terminar", "subscription": "abc"},
        {"accion": "terminar", "subscription": "9" * 40},
        {"accion": "terminar", "subscription": "-1"},
        {"accion": "terminar"},
        {"accion": SCRIPT},
        {"accion": "cambiar", "subscription": "9" * 40, "frequency": "daily", "language": "es"},
        {},
    ],
)
def test_hostile_posts_change_nothing_and_never_fail(rosa, data):
    response = post(url(rosa[0]), data)

    assert response.status_code in (200, 302)
    assert [Subscription.objects.get(pk=s.pk).state for s in rosa] == ["active", "active", "pending"]


@pytest.mark.parametrize("token", ["forged", "x" * 5000, "ñ🙂", SCRIPT.replace("/", ""), "a:b:c"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_link_is_a_404_page(rosa, token, method):
    response = getattr(Client(), method)(f"/qu/alertas/gestionar/{token}/", {"accion": "todo"})

    assert response.status_code == 404
    assert "Kay tinkika mana llamkanchu" in response.text
    assert [Subscription.objects.get(pk=s.pk).state for s in rosa] == ["active", "active", "pending"]


def test_an_unsubscribe_link_is_no_manage_link(rosa):
    token = tokens.unsubscribe_token(rosa[0].recipient, "daily")

    assert Client().post(f"/es/alertas/gestionar/{token}/", {"accion": "todo"}).status_code == 404
    assert Subscription.objects.filter(state="ended").count() == 0


def test_a_wiped_address_has_no_manage_page(rosa):
    page = url(rosa[0])
    Recipient.objects.update(email=None)

    assert Client().get(page).status_code == 404


@pytest.mark.parametrize(
    "email, masked",
    [("juan@gmail.com", "j***@gmail.com"), ("j@x.ec", "j***@x.ec"), ("ñusta@ñandú.ec", "ñ***@ñandú.ec"), ("", "***")],
)
def test_the_address_is_shown_masked(email, masked):
    assert mask_email(email) == masked
