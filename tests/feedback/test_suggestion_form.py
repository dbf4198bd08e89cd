"""/<lang>/participa/sugerencia/: a suggestion, complaint or question, stored once, followed by its tracking code."""

import re

import pytest
from django.core import mail

from commitments.models import Parish
from feedback.contributions import Sender
from feedback.models import Moderation, Suggestion
from feedback.services import suggestion_submit
from feedback.tasks import send_suggestion_confirmation_task
from tests.factories import CantonFactory, CommitmentFactory
from tests.participation import hidden_values, send

pytestmark = pytest.mark.django_db

URL = "/{lang}/participa/sugerencia/"
# Measured: the plan, its commitments, the cantons, their parishes.
FORM_QUERIES = 4


def valid(**overrides) -> dict:
    return {"kind": "complaint", "text": "La vía a Canelos sigue sin mantenimiento.", "consent": "on", **overrides}


@pytest.fixture
def places(db):
    pastaza = CantonFactory(code="1601", slug="pastaza", name_es="Pastaza")
    puyo = Parish.objects.create(canton=pastaza, code="160150", name="Puyo", kind="urban")
    return pastaza, puyo


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_form_page_works_in_both_languages_and_is_never_cached(
    citizen, current_plan, commitment, lang, django_assert_max_num_queries
):
    with django_assert_max_num_queries(FORM_QUERIES):
        response = citizen.get(URL.format(lang=lang))

    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    assert "no-store" in response["Cache-Control"]
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert re.search(r'name="token" value="[A-Za-z0-9_-]{20,}"', response.text)
    assert "<div hidden>" in response.text and 'name="hp_check"' in response.text
    assert f'<option value="{commitment.code}">' in response.text
    assert "/privacidad/" in response.text
    assert "<script" not in response.text


def test_its_queries_do_not_grow_with_the_number_of_commitments(
    citizen, current_plan, places, django_assert_max_num_queries
):
    CommitmentFactory.create_batch(30, plan=current_plan)

    with django_assert_max_num_queries(FORM_QUERIES):
        assert citizen.get(URL.format(lang="es")).status_code == 200


def test_a_valid_message_is_stored_and_answered_with_its_tracking_code(csrf_client, current_plan, commitment, places):
    _pastaza, puyo = places

    response = send(
        csrf_client,
        URL.format(lang="qu"),
        valid(
            commitment=commitment.code,
            place=f"p{puyo.code}",
            name="Rosa",
            email="rosa@example.org",
            phone="099 123 4567",
        ),
    )

    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/qu/participa/recibido/{suggestion.tracking_code}/"
    assert (suggestion.kind, suggestion.channel, suggestion.language) == ("complaint", "web", "qu")
    assert (suggestion.commitment, suggestion.parish, suggestion.canton) == (commitment, puyo, puyo.canton)
    assert (suggestion.status, suggestion.moderation) == (Suggestion.Status.RECEIVED, Moderation.PENDING)
    assert suggestion.email_hash and suggestion.phone_hash and suggestion.ip_hash
    assert "127.0.0.1" not in str(Suggestion.objects.values().get())  # the address itself is never stored
    assert suggestion.consent_at is not None

    page = csrf_client.get(response["Location"])
    assert suggestion.tracking_code in page.text
    assert "rosa@example.org" not in page.text


def test_the_tracking_code_is_e_mailed_once(csrf_client, current_plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(csrf_client, URL.format(lang="es"), valid(email="rosa@example.org"))

    suggestion = Suggestion.objects.get()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rosa@example.org"]
    assert suggestion.tracking_code in mail.outbox[0].subject
    assert f"?codigo={suggestion.tracking_code}" in mail.outbox[0].body
    assert send_suggestion_confirmation_task.delay(suggestion.pk).get() is False
    assert len(mail.outbox) == 1


def test_no_e_mail_is_sent_without_an_address(csrf_client, current_plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(csrf_client, URL.format(lang="es"), valid())

    assert Suggestion.objects.get().confirmation_sent_at is None
    assert mail.outbox == []


def test_a_reload_or_a_double_click_stores_one_record_and_shows_the_same_confirmation(csrf_client, current_plan):
    page = csrf_client.get(URL.format(lang="es"))
    data = {**hidden_values(page.text), **valid()}

    first = csrf_client.post(URL.format(lang="es"), data)
    second = csrf_client.post(URL.format(lang="es"), data)

    assert Suggestion.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_two_sends_of_one_form_at_the_same_instant_store_one_record(db):
    sender = Sender(name="Rosa")
    first, created_first = suggestion_submit(kind="question", text="¿Cuándo?", sender=sender, token="t" * 32)
    second, created_second = suggestion_submit(kind="question", text="¿Cuándo?", sender=sender, token="t" * 32)

    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk and Suggestion.objects.count() == 1


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_a_missing_or_forged_csrf_token_is_refused_with_a_page_in_the_visitors_language(
    csrf_client, current_plan, lang
):
    page = csrf_client.get(URL.format(lang=lang))
    forged = {**hidden_values(page.text), "csrfmiddlewaretoken": "x" * 64, **valid()}
    missing = {"token": hidden_values(page.text)["token"], **valid()}

    for data in (forged, missing):
        response = csrf_client.post(URL.format(lang=lang), data)
        assert response.status_code == 403
        assert f'<html lang="{lang}"' in response.text
        assert f'href="/{lang}/participa/sugerencia/"' in response.text
    assert Suggestion.objects.count() == 0


def test_the_honeypot_refuses_the_form_and_stores_nothing(csrf_client, current_plan):
    response = send(csrf_client, URL.format(lang="es"), valid(hp_check="http://spam.example"))

    assert response.status_code == 200
    assert Suggestion.objects.count() == 0
    assert 'class="error-summary"' in response.text
    assert 'href="#form-start"' in response.text


def test_missing_fields_are_shown_next_to_each_field_and_in_a_summary_with_links(csrf_client, current_plan):
    response = send(csrf_client, URL.format(lang="es"), {})

    text = response.text
    assert response.status_code == 200
    assert Suggestion.objects.count() == 0
    assert text.index('class="error-summary"') < text.index('id="form-start"')
    for target in ("id_kind_0", "id_text", "id_consent"):
        assert f'href="#{target}"' in text
    for field in ("id_kind", "id_text", "id_consent"):
        assert f'id="{field}_error"' in text
    assert 'aria-describedby="id_text_helptext id_text_error"' in text
    assert 'aria-invalid="true"' in text
    assert "<title>Error: " in text or "<title>Error" in text


def test_an_expired_or_missing_form_token_asks_to_send_again_with_a_fresh_one(csrf_client, current_plan):
    page = csrf_client.get(URL.format(lang="es"))
    data = {**hidden_values(page.text), **valid(), "token": "not a token!"}

    response = csrf_client.post(URL.format(lang="es"), data)

    assert Suggestion.objects.count() == 0
    fresh = hidden_values(response.text)["token"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{20,64}", fresh)
    assert csrf_client.post(URL.format(lang="es"), {**data, "token": fresh}).status_code == 302
    assert Suggestion.objects.count() == 1


def test_an_unpublished_commitment_or_an_unknown_place_cannot_be_the_subject(csrf_client, current_plan, places):
    hidden = CommitmentFactory(code="HIDE0001", plan=current_plan, is_published=False)

    for data in (valid(commitment=hidden.code), valid(place="p999999"), valid(place="<script>")):
        response = send(csrf_client, URL.format(lang="es"), data)
        assert response.status_code == 200
        assert 'class="field-error"' in response.text
    assert Suggestion.objects.count() == 0


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_too_many_attempts_get_a_429_page_that_says_how_long_to_wait(csrf_client, current_plan, settings, lang):
    settings.PARTICIPATION_RATE_LIMITS = {**settings.PARTICIPATION_RATE_LIMITS, "suggestion": (2, 10)}
    page = csrf_client.get(URL.format(lang=lang))
    hidden = hidden_values(page.text)

    statuses = [csrf_client.post(URL.format(lang=lang), {**hidden, "text": ""}).status_code for _ in range(2)]
    limited = csrf_client.post(URL.format(lang=lang), {**hidden, **valid()})

    assert statuses == [200, 200]
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 600
    assert f'<html lang="{lang}"' in limited.text
    minutes = re.search(r"(\d+) minut", limited.text)
    assert minutes and 1 <= int(minutes.group(1)) <= 10
    assert Suggestion.objects.count() == 0
