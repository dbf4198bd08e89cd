"""/<lang>/alertas/seguir/ and /<lang>/alertas/confirmar/<token>/: asking to follow something without an account,
the double opt-in e-mail, its limits, and confirming by its link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client, TestCase
from django.utils import formats, timezone, translation

from alerts import services
from alerts.models import ConsentEvent, Recipient, Subscription
from alerts.tasks import send_confirmation_task
from commitments.models import Indicator
from tests.factories import CommitmentFactory, MilestoneFactory
from tests.participation import SCRIPT, fresh_cache, hidden_values  # noqa: F401 - fresh_cache: autouse fixture

pytestmark = pytest.mark.django_db

FOLLOW = "/{lang}/alertas/seguir/?que={key}"
KEY = "commitment:TEST0001"
CONFIRM_LINK = re.compile(r"http://127\.0\.0\.1:8000(/(es|qu)/alertas/confirmar/[^/\s]+/)")
MANAGE_LINK = re.compile(r"http://127\.0\.0\.1:8000(/(es|qu)/alertas/gestionar/[^/\s]+/)")
# Measured: the commitment, its milestones, its indicators (options), the commitment again (resolve).
FORM_QUERIES = 4
NOINDEX = '<meta name="robots" content="noindex">'


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"


@pytest.fixture
def browser(db):
    """A visitor whose browser sends forms as a real one does: CSRF is checked."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def milestone(commitment):
    return MilestoneFactory(commitment=commitment, title_es="Vivero comunitario en Arajuno")


def ask(client, *, key=KEY, lang="es", **data):
    """GET the follow form, then POST it with its hidden values and `data`."""
    url = FOLLOW.format(lang=lang, key=key)
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    values = {"target": key, "email": "rosa@example.org", "language": lang, "frequency": "daily", **data}
    with TestCase.captureOnCommitCallbacks(execute=True):  # the confirmation is queued once the request commits
        return client.post(url, {**hidden_values(page.text), **values})


def subscribe(**kwargs):
    values = {"email": "kuri@example.org", "target": KEY, "language": "es", "frequency": "daily", "ip_hash": ""}
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.subscribe(**{**values, **kwargs})


def ledger(subscription) -> list[tuple[str, str]]:
    return list(subscription.events.values_list("kind", "how"))


def confirm_path(message) -> str:
    return CONFIRM_LINK.search(message.body).group(1)


# The form.


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_form_says_what_will_be_followed_and_is_never_cached(
    citizen, commitment, lang, django_assert_max_num_queries
):
    with django_assert_max_num_queries(FORM_QUERIES):
        response = citizen.get(FOLLOW.format(lang=lang, key=KEY))

    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    assert "TEST0001 · Compromiso ambiental" in response.text
    assert f'href="/{lang}/compromisos/TEST0001/"' in response.text
    assert "no-store" in response["Cache-Control"]
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert "<div hidden>" in response.text and 'name="hp_check"' in response.text
    # The language of the e-mails starts as the page's; the only thing to follow is a hidden field.
    assert re.search(rf'<input type="radio" name="language" value="{lang}"[^>]* checked', response.text)
    assert f'<input type="hidden" name="target" value="{KEY}"' in response.text
    assert "<script" not in response.text
    assert NOINDEX in response.text


def test_a_commitment_offers_its_published_milestones_and_indicators(citizen, commitment, milestone):
    hidden = MilestoneFactory(commitment=commitment, title_es="Hito sin publicar", is_published=False)
    indicator = Indicator.objects.create(
        commitment=commitment,
        name_es="Hectáreas restauradas",
        unit="ha",
        baseline_value=0,
        baseline_on="2025-01-01",
        target_value=10,
        target_on="2027-01-01",
        is_published=True,
    )

    response = citizen.get(FOLLOW.format(lang="es", key=KEY))

    for key in (KEY, f"milestone:{milestone.pk}", f"indicator:{indicator.pk}"):
        assert f'type="radio" name="target" value="{key}"' in response.text
    assert f"milestone:{hidden.pk}" not in response.text
    assert "Vivero comunitario en Arajuno" in response.text


def test_an_address_in_the_query_string_is_never_read(citizen, commitment):
    """An address is asked only in the POST form: one in a URL would stay in access logs and browser history, and
    in the page's own language links."""
    response = citizen.get(FOLLOW.format(lang="es", key=KEY) + "&email=rosa%40example.org")

    assert response.status_code == 200
    assert 'value="rosa@example.org"' not in response.text
    assert re.search(r'<input type="email" name="email"(?![^>]*value=)[^>]*>', response.text)


@pytest.mark.parametrize(
    "key",
    [
        "",
        "commitment:NOPE0001",
        "commitment:TEST0002",  # unpublished
        "bogus",
        "commitment:",
        "milestone:99999999999999999999999",
        "milestone:-1",
        SCRIPT,
        "commitment:TEST0001\x00",
        "commitment:" + "A" * 5000,
        "código:ÑÑ🙂",
    ],
)
@pytest.mark.parametrize("lang", ["es", "qu"])
def test_anything_that_cannot_be_followed_is_a_404_page_in_the_persons_language(citizen, commitment, key, lang):
    CommitmentFactory(code="TEST0002", is_published=False)

    response = citizen.get(f"/{lang}/alertas/seguir/", {"que": key})
    posted = citizen.post(f"/{lang}/alertas/seguir/?que=x", {"target": key, "email": "a@b.example"})

    assert response.status_code == 404
    assert posted.status_code == 404
    assert f'<html lang="{lang}"' in response.text
    assert "<script>" not in response.text
    heading = {"es": "Nada que seguir aquí", "qu": "Kaypika mana imata katinata"}[lang]
    assert heading in response.text
    assert NOINDEX in response.text
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("key", ["reports:", "participation:"])
def test_a_key_without_a_value_is_never_written_with_a_colon(citizen, commitment, key):
    """Changes carry "reports" and "participation": a subscription to "reports:" would confirm and never get an
    alert."""
    response = citizen.get("/es/alertas/seguir/", {"que": key})
    posted = citizen.post(f"/es/alertas/seguir/?que={key}", {"target": key, "email": "a@b.example"})

    assert response.status_code == posted.status_code == 404
    with pytest.raises(ValueError):
        subscribe(target=key)
    assert not Subscription.objects.exists()


def test_kichwa_says_what_was_not_found_without_an_english_word(citizen):
    response = citizen.get("/qu/alertas/seguir/", {"que": "commitment:NOPE0001"})

    assert response.status_code == 404
    assert "Kay pankapak tinkika mana paktashkachu kanman" in response.text
    assert "URL" not in response.text.split("<main", 1)[1]


# The double opt-in.


def test_nothing_is_active_until_the_link_of_the_email_is_used(browser, commitment):
    response = ask(browser, lang="qu", language="qu", frequency="weekly")

    assert response.status_code == 200
    assert "E-chaskita rikuy" in response.text  # "Check your e-mail"
    assert NOINDEX in response.text
    # The commitment has no Kichwa title: its Spanish one is marked as such.
    assert 'lang="es">TEST0001 · Compromiso ambiental</a>' in response.text
    subscription = Subscription.objects.get()
    assert (subscription.state, subscription.language, subscription.frequency) == ("pending", "qu", "weekly")
    assert subscription.target_label == "TEST0001 · Compromiso ambiental"
    assert subscription.recipient.email == "rosa@example.org"
    asked = subscription.events.get(kind="asked")
    assert asked.how == "form" and len(asked.ip_hash) == 64
    assert ledger(subscription) == [("asked", "form"), ("confirmation_sent", "system")]

    # The e-mail, in the language chosen: who asked and when, what, how often, the link, its expiry, and that
    # ignoring it sends nothing.
    [message] = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert "Conecta Pastaza" in message.subject
    assert "“Follow by e-mail”" not in message.body  # Kichwa, not English
    assert "TEST0001" in message.body and "Compromiso ambiental" in message.body
    assert "http://127.0.0.1:8000/qu/compromisos/TEST0001/" in message.body
    assert "72" in message.body
    assert timezone.localtime(subscription.asked_at).strftime("%Y") in message.body
    link = confirm_path(message)
    assert link.startswith("/qu/alertas/confirmar/")

    # Opening the link (or a mail scanner fetching it) confirms nothing.
    page = browser.get(link)
    assert page.status_code == 200
    assert 'method="post"' in page.text and 'name="csrfmiddlewaretoken"' in page.text
    assert "r***@example.org" in page.text and "rosa@example.org" not in page.text
    assert "no-store" in page["Cache-Control"]
    assert NOINDEX in page.text
    subscription.refresh_from_db()
    assert subscription.state == "pending"

    done = browser.post(link, hidden_values(page.text))

    assert done.status_code == 200
    subscription.refresh_from_db()
    assert subscription.state == "active" and subscription.confirmed_at is not None
    assert ledger(subscription)[-1] == ("confirmed", "link")
    assert subscription.events.get(kind="confirmed").ip_hash
    assert "/qu/alertas/gestionar/" in done.text
    # Confirming again changes nothing.
    again = browser.post(link, hidden_values(page.text))
    assert again.status_code == 200
    assert subscription.events.filter(kind="confirmed").count() == 1


def test_the_spanish_email_says_who_asked_how_often_and_how_to_ignore_it(citizen, commitment):
    ask(citizen, frequency="daily")

    [message] = mail.outbox
    assert message.subject == "Confirme sus alertas por correo de Conecta Pastaza"
    assert "formulario “Seguir por correo” del portal Conecta Pastaza (http://127.0.0.1:8000)" in message.body
    assert "Una vez al día" in message.body
    assert "El enlace funciona durante 72 horas." in message.body
    assert "ignore este correo: no se le enviará nada" in message.body


def test_an_expired_link_confirms_nothing_and_offers_to_ask_again(citizen, commitment, settings):
    ask(citizen)
    link = confirm_path(mail.outbox[0])

    with time_machine.travel(timezone.now() + timedelta(hours=settings.ALERTS_CONFIRM_HOURS, minutes=1)):
        page = citizen.get(link)
        posted = citizen.post(link)

    assert page.status_code == posted.status_code == 410
    assert "/es/alertas/seguir/?que=commitment%3ATEST0001" in page.text
    subscription = Subscription.objects.get()
    assert subscription.state == "pending"
    assert not subscription.events.filter(kind="confirmed").exists()


@pytest.mark.parametrize(
    "token",
    ["forged", "x" * 300, "abc:def:ghi", "ñ🙂", "%00", SCRIPT.replace("/", "")],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_damaged_link_is_a_404_page(citizen, commitment, token, method):
    ask(citizen)
    real = confirm_path(mail.outbox[0]).split("/")[-2]

    for bad in (token, real[:-1] + ("A" if real[-1] != "A" else "B")):
        response = getattr(citizen, method)(f"/es/alertas/confirmar/{bad}/")
        assert response.status_code == 404
        assert "Este enlace no funciona" in response.text
    assert Subscription.objects.get().state == "pending"


def test_the_link_of_a_stopped_subscription_confirms_nothing(citizen, commitment):
    ask(citizen)
    link = confirm_path(mail.outbox[0])
    subscription = Subscription.objects.get()
    services.end_all(recipient_token=subscription.recipient.token, ip_hash="")

    assert citizen.post(link).status_code == 410
    subscription.refresh_from_db()
    assert subscription.state == "ended"


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_confirm_page_speaks_the_persons_language(citizen, commitment, lang):
    ask(citizen, lang=lang, language=lang)

    page = citizen.get(confirm_path(mail.outbox[0]))

    assert f'<html lang="{lang}"' in page.text
    button = {"es": "Sí, envíenme estas alertas", "qu": "Ari, kay willachaykunata kachapaway"}[lang]
    assert button in page.text


# Asking again.


def test_asking_again_for_a_pending_one_resends_it_with_the_new_choice(citizen, commitment):
    ask(citizen, frequency="daily", language="es")
    ask(citizen, frequency="weekly", language="qu", email="  rosa@EXAMPLE.org ")

    subscription = Subscription.objects.get()
    assert Recipient.objects.count() == 1
    assert (subscription.state, subscription.frequency, subscription.language) == ("pending", "weekly", "qu")
    assert [kind for kind, _how in ledger(subscription)] == ["asked", "confirmation_sent", "asked", "confirmation_sent"]
    assert "es/daily -> qu/weekly" in subscription.events.filter(kind="asked").last().detail
    assert len(mail.outbox) == 2
    assert "/qu/alertas/confirmar/" in mail.outbox[1].body


def test_asking_again_for_an_active_one_changes_nothing_and_sends_its_manage_link(citizen, commitment):
    ask(citizen, frequency="weekly", language="es")
    citizen.post(confirm_path(mail.outbox[0]))

    response = ask(citizen, frequency="instant", language="qu")

    subscription = Subscription.objects.get()
    assert response.status_code == 200
    assert (subscription.state, subscription.frequency, subscription.language) == ("active", "weekly", "es")
    assert ledger(subscription)[-2:] == [("asked", "form"), ("confirmation_sent", "system")]
    # Sent in the subscription's own language (the person's choice), with the manage link and no confirm link.
    message = mail.outbox[-1]
    assert message.subject == "Ya recibe estas alertas de Conecta Pastaza"
    assert MANAGE_LINK.search(message.body) and not CONFIRM_LINK.search(message.body)
    assert "Una vez a la semana" in message.body


def test_the_email_for_an_active_one_gives_the_time_of_the_new_request(citizen, commitment):
    ask(citizen)
    citizen.post(confirm_path(mail.outbox[0]))
    consent = Subscription.objects.get()

    with time_machine.travel(consent.asked_at + timedelta(days=3, hours=5, minutes=17), tick=False):
        ask(citizen)

    subscription = Subscription.objects.get()
    # The consent's own dates stay those of the request that was confirmed; the ledger holds the new one.
    assert (subscription.asked_at, subscription.confirmed_at) == (consent.asked_at, consent.confirmed_at)
    again = subscription.events.filter(kind="asked").latest("at").at
    assert again == consent.asked_at + timedelta(days=3, hours=5, minutes=17)
    with translation.override("es"):
        new, old = (formats.date_format(timezone.localtime(at), "DATETIME_FORMAT") for at in (again, consent.asked_at))
    body = mail.outbox[-1].body
    assert "Ya recibe estas alertas" in mail.outbox[-1].subject
    assert new in body and old not in body


def test_the_visitor_sees_the_same_page_whatever_the_address_already_has(citizen, commitment, settings):
    settings.ALERTS_CONFIRMATIONS_PER_DAY = 3
    pages = [ask(citizen).content]  # new
    pages.append(ask(citizen).content)  # pending, asked again
    citizen.post(confirm_path(mail.outbox[0]))
    pages.append(ask(citizen).content)  # active
    pages.append(ask(citizen).content)  # over the address's limit: nothing sent

    assert len(mail.outbox) == 3
    assert len(set(pages)) == 1


# Limits.


def test_an_address_gets_at_most_the_days_confirmations_counted_from_the_ledger(citizen, commitment, settings):
    settings.ALERTS_CONFIRMATIONS_PER_DAY = 3
    others = [CommitmentFactory(code=f"TEST{n:04d}", plan=commitment.plan) for n in range(2, 7)]

    for n, other in enumerate(others):
        # The same address, written differently: still one address.
        email = "Rosa@example.org" if n % 2 else "rosa@Example.ORG"
        assert ask(citizen, key=f"commitment:{other.code}", email=email).status_code == 200

    assert len(mail.outbox) == 3
    assert Subscription.objects.count() == 3  # the refused requests store nothing
    assert ConsentEvent.objects.filter(kind="confirmation_sent").count() == 3

    # A day after the first e-mails the address may be written to again.
    ConsentEvent.objects.update(at=timezone.now() - timedelta(hours=24, minutes=1))
    ask(citizen, key=f"commitment:{others[4].code}")
    assert len(mail.outbox) == 4


def test_two_requests_that_pass_the_form_together_still_send_within_the_limit(commitment, settings):
    settings.ALERTS_CONFIRMATIONS_PER_DAY = 1
    first = subscribe()
    # The e-mail of the first was sent; a second one slipped past the form's check (as two processes can).
    Subscription.objects.filter(pk=first.subscription.pk).update(confirmation_sent_at=None)

    assert services.send_confirmation(subscription_id=first.subscription.pk) is False
    assert len(mail.outbox) == 1


def test_an_email_the_queue_lost_stops_counting_a_day_after_it_was_asked(commitment, settings):
    settings.ALERTS_CONFIRMATIONS_PER_DAY = 1
    # Asked, and its e-mail never sent (the test's transaction never commits, as a broker that lost the task).
    lost = services.subscribe(email="kuri@example.org", target=KEY, language="es", frequency="daily", ip_hash="")

    assert subscribe(target="reports").outcome == services.Asked.LIMITED
    ConsentEvent.objects.filter(subscription=lost.subscription).update(at=timezone.now() - timedelta(hours=25))
    assert subscribe(target="reports").outcome == services.Asked.NEW
    assert len(mail.outbox) == 1


def test_too_many_requests_from_one_network_address_are_refused(citizen, commitment, settings):
    settings.PARTICIPATION_RATE_LIMITS = {**settings.PARTICIPATION_RATE_LIMITS, "follow": (2, 15)}

    for n in range(2):
        assert ask(citizen, email=f"persona{n}@example.org").status_code == 200
    limited = ask(citizen, email="persona9@example.org")

    assert limited.status_code == 429
    assert Subscription.objects.count() == 2


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_limits_page_speaks_of_following_not_of_sending_a_message(citizen, commitment, settings, lang):
    settings.PARTICIPATION_RATE_LIMITS = {**settings.PARTICIPATION_RATE_LIMITS, "follow": (1, 15)}
    ask(citizen, lang=lang, language=lang, email="persona1@example.org")

    limited = ask(citizen, lang=lang, language=lang, email="persona2@example.org")

    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 15 * 60
    assert f'<html lang="{lang}"' in limited.text and NOINDEX in limited.text
    text = re.sub(r"\s+", " ", limited.text)
    expected = {
        "es": "Demasiadas solicitudes desde su conexión para seguir algo por correo; vuelva a intentarlo en",
        # After a numeral Kichwa keeps the noun singular: "15 minutu", never "minuto" nor "minutukuna".
        "qu": "Kanpak llika tinkimanta e-chaskiwan katinapak yapa achka mañaykuna;",
    }[lang]
    assert expected in text
    # The wait is what is left of the limit's window: "1 minuto." near its end, "minutos." otherwise.
    assert re.search({"es": r" \d+ minutos?\.", "qu": r" \d+ minutu washa kutin mañapay\."}[lang], text)
    # Nothing of the participation forms' page (sending a message, going back to "Take part").
    with translation.override(lang):
        participation = [
            translation.gettext("Nothing was stored. This limit protects the portal from automated messages."),
            translation.gettext("Back to “Take part”"),
        ]
    assert not [sentence for sentence in participation if sentence in text]


def test_a_double_click_asks_once(citizen, commitment):
    url = FOLLOW.format(lang="es", key=KEY)
    data = {
        **hidden_values(citizen.get(url).text),
        "target": KEY,
        "email": "rosa@example.org",
        "language": "es",
        "frequency": "daily",
    }

    with TestCase.captureOnCommitCallbacks(execute=True):
        first, second = citizen.post(url, data), citizen.post(url, data)

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert Subscription.objects.get().events.filter(kind="asked").count() == 1
    assert len(mail.outbox) == 1


# The confirmation e-mail's task.


def test_the_confirmation_is_sent_once_however_often_its_task_runs(commitment):
    asked = subscribe()

    send_confirmation_task.delay(asked.subscription.pk)
    send_confirmation_task.delay(asked.subscription.pk)

    assert len(mail.outbox) == 1
    assert asked.subscription.events.filter(kind="confirmation_sent").count() == 1


def test_a_mail_server_error_releases_the_claim_so_that_a_retry_sends_it(commitment, monkeypatch):
    # Its task is not run: the request's transaction (the test's) never commits.
    asked = services.subscribe(email="kuri@example.org", target=KEY, language="es", frequency="daily", ip_hash="")

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("alerts.services.send_templated", refuse)
    with pytest.raises(ConnectionRefusedError):
        services.send_confirmation(subscription_id=asked.subscription.pk)
    asked.subscription.refresh_from_db()
    assert asked.subscription.confirmation_sent_at is None
    assert not asked.subscription.events.filter(kind="confirmation_sent").exists()

    monkeypatch.undo()
    assert services.send_confirmation(subscription_id=asked.subscription.pk) is True
    assert len(mail.outbox) == 1


def test_a_stopped_subscription_gets_no_confirmation(commitment):
    asked = subscribe()
    services.end_all(recipient_token=asked.subscription.recipient.token, ip_hash="")
    Subscription.objects.filter(pk=asked.subscription.pk).update(confirmation_sent_at=None)
    mail.outbox.clear()

    assert services.send_confirmation(subscription_id=asked.subscription.pk) is False
    assert mail.outbox == []


# Hostile input.


@pytest.mark.parametrize(
    "data",
    [
        {"email": "not-an-email"},
        {"email": "rosa@example.org\x00"},
        {"email": "ro\x07sa@example.org"},
        {"email": "a" * 250 + "@example.org"},
        {"email": "x" * (1024 * 1024)},
        {"email": SCRIPT},
        {"email": ""},
        {"language": "xx"},
        {"language": SCRIPT},
        {"frequency": "hourly"},
        {"frequency": ["daily", "weekly", SCRIPT]},
        {"target": "commitment:TEST0009"},
        {"target": "reports"},
        {"target": SCRIPT},
        {"hp_check": "http://spam.example"},
        {"token": "' OR 1=1 --"},
    ],
)
def test_hostile_input_is_refused_with_a_message_and_stores_nothing(browser, commitment, data):
    response = ask(browser, **data)

    assert response.status_code == 200
    assert 'class="error-summary"' in response.text
    assert "<script>" not in response.text
    assert not Subscription.objects.exists() and not Recipient.objects.exists()
    assert mail.outbox == []


def test_an_address_of_an_international_domain_is_followed_with_its_domain_in_lower_case(citizen, commitment):
    response = ask(citizen, email=" Kuri.Tupak@Ñandú.EXAMPLE ")

    assert response.status_code == 200
    assert Recipient.objects.get().email == "Kuri.Tupak@ñandú.example"
    assert len(mail.outbox) == 1


def test_a_post_without_csrf_token_is_refused_in_the_persons_language(browser, commitment):
    response = browser.post(FOLLOW.format(lang="qu", key=KEY), {"email": "rosa@example.org"})

    assert response.status_code == 403
    assert '<html lang="qu"' in response.text
    assert not Subscription.objects.exists()


def test_following_a_tracking_code_counts_against_the_tracking_limit(client, settings):
    """Guessing tracking codes through the follow page is as slow as through the tracking page: the same limit."""
    settings.PARTICIPATION_RATE_LIMITS = {**settings.PARTICIPATION_RATE_LIMITS, "track": (2, 15)}
    url = "/es/alertas/seguir/?que=code:PZ-AAAA-AA"
    statuses = [client.get(url).status_code for _ in range(3)]
    assert statuses[:2] == [404, 404]
    assert statuses[2] == 429


@pytest.mark.parametrize("method", ["head", "post"])
def test_every_method_that_tells_whether_a_code_exists_counts_against_the_tracking_limit(client, settings, method):
    settings.PARTICIPATION_RATE_LIMITS = {**settings.PARTICIPATION_RATE_LIMITS, "track": (2, 15)}
    url = "/es/alertas/seguir/?que=code:PZ-AAAA-AA"

    statuses = [getattr(client, method)(url).status_code for _ in range(3)]

    assert statuses == [404, 404, 429]
    # GETs share the same count.
    assert client.get(url).status_code == 429


@pytest.mark.parametrize("method", ["options", "trace", "put", "delete", "patch"])
def test_other_methods_are_refused_before_anything_is_looked_up(client, settings, method, django_assert_num_queries):
    settings.PARTICIPATION_RATE_LIMITS = {**settings.PARTICIPATION_RATE_LIMITS, "track": (1, 15)}
    url = "/es/alertas/seguir/?que=code:PZ-AAAA-AA"

    with django_assert_num_queries(0):
        statuses = [getattr(client, method)(url).status_code for _ in range(3)]

    assert statuses == [405, 405, 405]
    assert client.get(url).status_code == 404  # they counted no attempt
