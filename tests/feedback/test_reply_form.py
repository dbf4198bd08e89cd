"""/<lang>/participa/seguimiento/responder/: whoever holds a tracking code writes back from the tracking page; the
reply is stored once, never public, and the message goes back under review. The page shows the dated exchange."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from feedback import services
from feedback.forms import REPLY_TEXT_MAX
from feedback.models import Moderation, PreviousAnswer, Suggestion, SuggestionReply
from tests.participation import HOSTILE, SCRIPT, hidden_values

from .factories import AnsweredSuggestionFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

TRACK = "/{lang}/participa/seguimiento/"
REPLY = "/{lang}/participa/seguimiento/responder/"
# Measured: the suggestion with its commitment, canton and parish; the commitments it changed; its earlier
# answers; its replies. The same with one reply or twenty.
TRACK_QUERIES = 4


def track_page(client, suggestion, lang="es", **params):
    return client.get(TRACK.format(lang=lang), {"codigo": suggestion.tracking_code, **params})


def write_back(client, suggestion, text, lang="es", **extra):
    """Open the tracking page (for the CSRF cookie and the form's token), then send the reply form."""
    page = track_page(client, suggestion, lang)
    assert page.status_code == 200
    data = {**hidden_values(page.text), "codigo": suggestion.tracking_code, "text": text, **extra}
    return client.post(REPLY.format(lang=lang), data)


@pytest.fixture
def answered(db):
    return AnsweredSuggestionFactory(is_public=False, email="rosa@example.org", answer_es="Lo revisaremos en marzo.")


def test_the_holder_of_the_code_writes_back_once_and_the_message_goes_back_under_review(csrf_client, answered):
    page = track_page(csrf_client, answered)
    data = {**hidden_values(page.text), "codigo": answered.tracking_code, "text": "Ya es abril y nada."}

    first = csrf_client.post(REPLY.format(lang="es"), data)
    second = csrf_client.post(REPLY.format(lang="es"), data)  # a double click or a reload

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert f"codigo={answered.tracking_code}" in first["Location"] and first["Location"].endswith("#reply-sent")
    reply = SuggestionReply.objects.get()
    assert (reply.suggestion, reply.text, reply.moderation) == (answered, "Ya es abril y nada.", Moderation.PENDING)
    assert reply.ip_hash and reply.language == "es"
    answered.refresh_from_db()
    assert answered.status == Suggestion.Status.UNDER_REVIEW
    assert answered.status_changed_at >= reply.created_at - timedelta(seconds=1)
    confirmation = csrf_client.get(first["Location"])
    assert 'id="reply-sent"' in confirmation.text


def test_a_closed_message_reopens_but_a_public_answer_stays_public(citizen):
    closed = AnsweredSuggestionFactory(is_public=False, status="closed", closed_at=timezone.now())
    public = AnsweredSuggestionFactory(is_public=True)

    write_back(citizen, closed, "No estoy de acuerdo.")
    write_back(citizen, public, "Gracias, pero falta el puente.")

    closed.refresh_from_db()
    public.refresh_from_db()
    assert (closed.status, closed.closed_at) == (Suggestion.Status.UNDER_REVIEW, None)
    assert (public.status, public.is_public) == (Suggestion.Status.ANSWERED, True)
    assert SuggestionReply.objects.count() == 2


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_errors_show_at_the_top_and_next_to_the_field_in_the_persons_language(citizen, answered, lang):
    empty = write_back(citizen, answered, "   ", lang=lang)
    too_long = write_back(citizen, answered, "x" * (REPLY_TEXT_MAX + 1), lang=lang)

    with translation.override(lang):
        required = gettext("Write your message.")
    for response in (empty, too_long):
        assert response.status_code == 200
        assert f'<html lang="{lang}"' in response.text
        assert 'class="error-summary"' in response.text and 'href="#id_text"' in response.text
        assert 'id="id_text_error"' in response.text and 'aria-invalid="true"' in response.text
    assert required in empty.text
    assert 'maxlength="2000"' in too_long.text
    assert SuggestionReply.objects.count() == 0


@pytest.mark.parametrize(("text", "extra", "stored"), HOSTILE)
def test_hostile_replies_never_break_the_page_nor_echo_markup(citizen, answered, text, extra, stored):
    response = write_back(citizen, answered, text, **extra)

    assert response.status_code in (200, 302)
    assert b"<script" not in response.content.lower()
    if stored is None:
        assert response.status_code == 200
        assert SuggestionReply.objects.count() == 0
    else:
        assert SuggestionReply.objects.get().text == stored
        page = citizen.get(response["Location"])
        assert page.status_code == 200 and b"<script" not in page.content.lower()


@pytest.mark.parametrize(
    "code", ["", "PZ-2222-22", SCRIPT, "x" * 100_000, "\x00", ["PZ-2222-22", SCRIPT]], ids=lambda c: repr(c)[:20]
)
def test_a_missing_or_forged_code_stores_nothing_and_says_so_next_to_the_code(citizen, answered, code):
    page = track_page(citizen, answered)
    data = {**hidden_values(page.text), "codigo": code, "text": "Hola"}

    response = citizen.post(REPLY.format(lang="es"), data)

    assert response.status_code == 200
    assert 'id="codigo-error"' in response.text and b"<script" not in response.content.lower()
    assert SuggestionReply.objects.count() == 0


def test_a_forged_csrf_token_is_refused_and_nothing_is_stored(csrf_client, answered):
    page = track_page(csrf_client, answered)
    data = {**hidden_values(page.text), "codigo": answered.tracking_code, "text": "Hola"}
    data["csrfmiddlewaretoken"] = "forged" * 8

    response = csrf_client.post(REPLY.format(lang="qu"), data)

    assert response.status_code == 403
    assert '<html lang="qu"' in response.text
    assert SuggestionReply.objects.count() == 0


def test_replies_are_rate_limited(citizen, answered, settings):
    settings.PARTICIPATION_RATE_LIMITS = {**settings.PARTICIPATION_RATE_LIMITS, "reply": (2, 15)}

    statuses = [write_back(citizen, answered, f"Respuesta {n}").status_code for n in range(3)]

    assert statuses == [302, 302, 429]
    assert SuggestionReply.objects.count() == 2


@pytest.mark.parametrize("state", ["anonymised", "rejected", "hidden"])
def test_a_message_that_takes_no_replies_shows_no_form_and_refuses_one(citizen, state):
    if state == "anonymised":
        suggestion = AnsweredSuggestionFactory()
        services.contacts_anonymise(suggestions=Suggestion.objects.filter(pk=suggestion.pk))
    else:
        suggestion = SuggestionFactory(moderation=state, status="closed")
    open_one = AnsweredSuggestionFactory()
    token_page = track_page(citizen, open_one)  # a form token from a page that had the form

    page = track_page(citizen, suggestion)
    refused = citizen.post(
        REPLY.format(lang="es"), {**hidden_values(token_page.text), "codigo": suggestion.tracking_code, "text": "Hola"}
    )

    assert page.status_code == 200 and 'action="/es/participa/seguimiento/responder/"' not in page.text
    assert refused.status_code == 409
    assert SuggestionReply.objects.count() == 0


def test_getting_the_reply_address_leads_to_the_tracking_page(citizen, answered):
    with_code = citizen.get(REPLY.format(lang="es"), {"codigo": answered.tracking_code.lower()})
    without = citizen.get(REPLY.format(lang="qu"))

    assert with_code.status_code == 302 and f"codigo={answered.tracking_code}" in with_code["Location"]
    assert without.status_code == 302 and without["Location"] == TRACK.format(lang="qu")


def test_the_page_shows_the_dated_exchange_but_no_reply_text_and_no_personal_data(
    citizen, answered, django_assert_num_queries
):
    start = timezone.now() - timedelta(days=30)
    PreviousAnswer.objects.create(
        suggestion=answered,
        answer_es="Primera respuesta: lo veremos.",
        answered_at=start,
        replaced_at=start + timedelta(days=10),
    )
    for n in range(3):
        SuggestionReply.objects.create(
            suggestion=answered, text=f"Mi teléfono es 09912345{n}", ip_hash="ip", submission_token=f"tok-{n:020d}"
        )
    SuggestionReply.objects.filter(suggestion=answered).update(created_at=start + timedelta(days=5))
    SuggestionReply.objects.create(
        suggestion=answered, text="spam", moderation=Moderation.REJECTED, submission_token="tok-spam-000000000000"
    )

    with django_assert_num_queries(TRACK_QUERIES):
        response = track_page(citizen, answered)

    text = response.text
    kinds = [entry.kind for entry in response.context["timeline"]]
    assert kinds == ["received", "answer", "reply", "reply", "reply", "answer"]
    assert [e.again for e in response.context["timeline"] if e.kind == "answer"] == [False, True]
    assert "Primera respuesta: lo veremos." in text and "Lo revisaremos en marzo." in text
    assert text.index("Primera respuesta") < text.index("Lo revisaremos en marzo.")
    assert 'class="ex-reply"' in text and "<time datetime=" in text
    for private in ("09912345", "spam", "Rosa", "rosa@example.org"):
        assert private not in text


def test_the_earlier_answer_is_shown_in_kichwa_when_it_was_written_in_kichwa(citizen, answered):
    PreviousAnswer.objects.create(
        suggestion=answered,
        answer_es="Lo veremos.",
        answer_qu="Rikushunmi.",
        answered_at=timezone.now() - timedelta(days=3),
        replaced_at=timezone.now() - timedelta(days=1),
    )

    qu = track_page(citizen, answered, lang="qu")
    es = track_page(citizen, answered, lang="es")

    assert "Rikushunmi." in qu.text and "Lo veremos." not in qu.text
    assert "Lo veremos." in es.text


def test_the_page_still_works_without_any_reply_or_answer(citizen):
    waiting = SuggestionFactory()

    response = track_page(citizen, waiting, lang="qu")

    assert response.status_code == 200
    assert [entry.kind for entry in response.context["timeline"]] == ["received"]
    assert 'action="/qu/participa/seguimiento/responder/"' in response.text
