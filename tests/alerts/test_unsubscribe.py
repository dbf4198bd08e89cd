"""/<lang>/alertas/baja/<token>/: the link of every alert (List-Unsubscribe). A mail program's one-click POST
(RFC 8058) stops the alerts of that e-mail's frequency without session, cookie or CSRF token; a GET only shows
what would stop."""

from __future__ import annotations

import pytest
from django.test import Client

from alerts import services, tokens
from alerts.models import ConsentEvent, Recipient, Subscription
from tests.participation import SCRIPT, fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"


def follow(email: str, target: str, *, frequency: str = "daily", language: str = "es") -> Subscription:
    """An active subscription, asked and confirmed as a person would (its e-mail is not sent: the test's
    transaction never commits)."""
    asked = services.subscribe(email=email, target=target, language=language, frequency=frequency, ip_hash="")
    services.confirm(token=tokens.confirm_token(asked.subscription), ip_hash="")
    return Subscription.objects.get(pk=asked.subscription.pk)


@pytest.fixture
def daily(commitment):
    return follow("rosa@example.org", f"commitment:{commitment.code}")


def link(subscription, frequency: str | None = None, lang: str = "es") -> str:
    token = tokens.unsubscribe_token(subscription.recipient, frequency or subscription.frequency)
    return f"/{lang}/alertas/baja/{token}/"


def states(*subscriptions) -> list[str]:
    return [Subscription.objects.get(pk=s.pk).state for s in subscriptions]


def test_a_one_click_post_without_session_or_csrf_token_stops_that_frequency(daily):
    weekly = follow("rosa@example.org", "reports", frequency="weekly")
    pending = services.subscribe(
        email="rosa@example.org", target="participation", language="qu", frequency="daily", ip_hash=""
    ).subscription
    someone_else = follow("kuri@example.org", "reports")
    mail_program = Client(enforce_csrf_checks=True)

    response = mail_program.post(link(daily), ONE_CLICK, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]
    assert states(daily, pending, weekly, someone_else) == ["ended", "ended", "active", "active"]
    ended = ConsentEvent.objects.filter(kind="ended")
    assert sorted(ended.values_list("subscription_id", "how")) == [(daily.pk, "one_click"), (pending.pk, "one_click")]
    assert all(event.ip_hash for event in ended)
    # It says it is done, and links to the manage page.
    assert "Alertas detenidas" in response.text
    assert '<meta name="robots" content="noindex">' in response.text
    assert "/es/alertas/gestionar/" in response.text


def test_a_multipart_one_click_post_works_too(daily):
    response = Client(enforce_csrf_checks=True).post(link(daily), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert states(daily) == ["ended"]
    assert daily.events.get(kind="ended").how == "one_click"


def test_opening_the_link_stops_nothing_and_shows_a_button(citizen, daily, django_assert_num_queries):
    url = link(daily)
    # The recipient, its subscriptions of that frequency, each one's thing (one query each).
    with django_assert_num_queries(3):
        response = citizen.get(url)

    assert response.status_code == 200
    assert states(daily) == ["active"]
    assert not ConsentEvent.objects.filter(kind="ended").exists()
    assert 'method="post"' in response.text
    assert '<meta name="robots" content="noindex">' in response.text
    assert "Detener estas alertas" in response.text
    assert "TEST0001 · Compromiso ambiental" in response.text
    assert "r***@example.org" in response.text and "rosa@example.org" not in response.text
    assert "Una vez al día" in response.text
    assert "csrfmiddlewaretoken" not in response.text and not response.cookies
    assert "no-store" in response["Cache-Control"]
    assert "<script" not in response.text


def test_the_pages_button_stops_them_and_says_so_in_kichwa(daily):
    client = Client(enforce_csrf_checks=True)
    page = client.get(link(daily, lang="qu"))

    response = client.post(link(daily, lang="qu"))

    assert page.status_code == response.status_code == 200
    assert '<html lang="qu"' in page.text and "Kay willachaykunata sakichina" in page.text
    assert "Willachaykuna sakirishka" in response.text
    assert "/qu/alertas/gestionar/" in response.text
    assert daily.events.get(kind="ended").how == "unsubscribe_page"


def test_posting_again_answers_the_same_and_adds_nothing_to_the_ledger(daily):
    client = Client(enforce_csrf_checks=True)
    first = client.post(link(daily), ONE_CLICK, content_type="application/x-www-form-urlencoded")
    second = client.post(link(daily), ONE_CLICK, content_type="application/x-www-form-urlencoded")

    assert first.status_code == second.status_code == 200
    assert daily.events.filter(kind="ended").count() == 1
    page = client.get(link(daily))
    assert "no tiene alertas" in page.text and "Detener estas alertas" not in page.text


def test_the_link_of_another_frequency_leaves_these_alone(daily):
    response = Client().post(
        link(daily, frequency="weekly"), ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert states(daily) == ["active"]


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        "x" * 5000,
        "abc:def",
        "ñ🙂",
        SCRIPT.replace("/", ""),
        "%00%01",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_link_is_a_404_page_and_stops_nothing(daily, token, method):
    response = getattr(Client(), method)(f"/es/alertas/baja/{token}/")

    assert response.status_code == 404
    assert "Este enlace no funciona" in response.text
    assert "<script>" not in response.text
    assert states(daily) == ["active"]


def test_links_of_other_kinds_or_altered_ones_are_refused(daily):
    good = tokens.unsubscribe_token(daily.recipient, "daily")
    bad = [
        tokens.manage_token(daily.recipient),  # a manage link is not an unsubscribe link
        tokens.confirm_token(daily),
        good[:-2] + ("yy" if good.endswith("xx") else "xx"),
        good.replace(
            daily.recipient.token, daily.recipient.token[:-1] + ("B" if daily.recipient.token[-1] == "A" else "A")
        ),
    ]
    for token in bad:
        assert Client().post(f"/es/alertas/baja/{token}/", ONE_CLICK, content_type="text/plain").status_code == 404
    assert states(daily) == ["active"]


def test_a_wiped_address_has_no_unsubscribe_page(daily):
    url = link(daily)
    Recipient.objects.filter(pk=daily.recipient.pk).update(email=None)

    assert Client().get(url).status_code == 404


def test_other_methods_are_refused(daily):
    assert Client().put(link(daily)).status_code == 405
    assert states(daily) == ["active"]
