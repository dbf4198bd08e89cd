"""Answering again after the person wrote back: the earlier answer is kept with its dates, and the new one is e-mailed
exactly once (never twice for the same answer); replies count in the planners' digest and survive anonymisation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from commitments.roles import PLANNER
from feedback import services
from feedback.models import Moderation, PreviousAnswer, Suggestion, SuggestionReply
from feedback.tasks import notify_pending_suggestions_task, notify_suggestion_answered_task
from tests.commitments.admin_helpers import form_data
from tests.factories import UserFactory

from .factories import AnsweredSuggestionFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


def reply(suggestion, text="No es suficiente.", token=None):
    return services.suggestion_reply_submit(
        suggestion=suggestion,
        text=text,
        sender=services.Sender(ip_hash="ip-hash-rosa", language="es"),
        token=token or f"reply-token-{SuggestionReply.objects.count():08d}-xxxx",
    )


def staff_save(suggestion, by=None, **changes):
    """What the admin does: the row read afresh, the form's changes set on it, then the service saves it."""
    row = Suggestion.objects.get(pk=suggestion.pk)
    for name, value in changes.items():
        setattr(row, name, value)
    return services.suggestion_staff_save(suggestion=row, by=by)


@pytest.fixture
def notified(django_capture_on_commit_callbacks):
    """An answered suggestion whose answer was e-mailed."""
    suggestion = SuggestionFactory(email="rosa@example.org", moderation=Moderation.APPROVED, language="qu")
    with django_capture_on_commit_callbacks(execute=True):
        staff_save(suggestion, status="answered", answer_es="Lo haremos en marzo.", answer_qu="Marzo killapi.")
    suggestion.refresh_from_db()
    assert suggestion.answer_notified_at and len(mail.outbox) == 1
    mail.outbox.clear()
    return suggestion


def test_a_new_answer_after_a_reply_is_e_mailed_exactly_once(notified, django_capture_on_commit_callbacks):
    first_answered_at = notified.answered_at
    reply(notified)
    notified.refresh_from_db()
    assert notified.status == Suggestion.Status.UNDER_REVIEW

    with django_capture_on_commit_callbacks(execute=True):
        staff_save(notified, status="answered", answer_es="Ya empezamos la obra.", answer_qu="")
    again = notify_suggestion_answered_task.delay(notified.pk).get()
    swept = notify_pending_suggestions_task.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        staff_save(notified, status="closed")  # closing with the same answer: no news, no e-mail

    assert (again, swept) == (False, 0)
    assert len(mail.outbox) == 1
    assert "Ya empezamos la obra." in mail.outbox[0].body
    assert notified.tracking_code in mail.outbox[0].subject
    earlier = PreviousAnswer.objects.get()
    assert (earlier.answer_es, earlier.answer_qu) == ("Lo haremos en marzo.", "Marzo killapi.")
    assert earlier.answered_at == first_answered_at and earlier.notified_at is not None
    notified.refresh_from_db()
    assert notified.answered_at > first_answered_at and notified.answer_notified_at is not None


def test_a_correction_nobody_asked_for_is_kept_but_not_e_mailed_again(notified, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staff_save(notified, answer_es="Lo haremos en marzo de 2026.")

    assert mail.outbox == []
    assert PreviousAnswer.objects.get().answer_es == "Lo haremos en marzo."
    notified.refresh_from_db()
    assert notified.answer_notified_at is not None


def test_the_same_answer_saved_again_after_a_reply_is_not_e_mailed_twice(notified, django_capture_on_commit_callbacks):
    reply(notified)

    with django_capture_on_commit_callbacks(execute=True):
        staff_save(notified, status="answered")

    assert mail.outbox == []
    assert PreviousAnswer.objects.count() == 0


def test_an_answer_changed_while_under_review_waits_for_the_answered_status(
    notified, django_capture_on_commit_callbacks
):
    reply(notified)

    with django_capture_on_commit_callbacks(execute=True):
        staff_save(notified, answer_es="Borrador de la nueva respuesta.")
    notified.refresh_from_db()
    assert (notified.answered_at, notified.answer_notified_at, mail.outbox) == (None, None, [])
    assert notify_pending_suggestions_task.delay().get() == 0

    with django_capture_on_commit_callbacks(execute=True):
        staff_save(notified, status="answered", answer_es="La nueva respuesta.")

    # Written in Spanish only: the Kichwa of the old answer is dropped, the Kichwa reader gets the Spanish.
    assert len(mail.outbox) == 1 and "La nueva respuesta." in mail.outbox[0].body
    assert "Marzo killapi." not in mail.outbox[0].body
    assert PreviousAnswer.objects.get().answer_qu == "Marzo killapi."  # the draft was never given: no history


def test_with_the_broker_down_the_sweep_sends_the_new_answer_once(notified, monkeypatch):
    reply(notified)
    monkeypatch.setattr(notify_suggestion_answered_task, "delay", lambda *a: (_ for _ in ()).throw(OSError("down")))
    staff_save(notified, status="answered", answer_es="Respuesta nueva.")
    Suggestion.objects.filter(pk=notified.pk).update(answered_at=timezone.now() - timedelta(hours=1))

    assert notify_pending_suggestions_task.delay().get() == 1
    assert notify_pending_suggestions_task.delay().get() == 0
    assert len(mail.outbox) == 1


def test_re_answering_in_the_admin_keeps_the_earlier_answer_and_e_mails_once(
    planner_client, notified, django_capture_on_commit_callbacks
):
    reply(notified, text="¿Y el puente?")
    url = f"/admin/feedback/suggestion/{notified.pk}/change/"
    page = planner_client.get(url)
    assert "¿Y el puente?" in page.text  # the reply, inline
    assert "Lo haremos en marzo." in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = planner_client.post(
            url, form_data(page, status="answered", answer_es="El puente va en abril.", answer_qu="")
        )

    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "El puente va en abril." in mail.outbox[0].body
    after = planner_client.get(url)
    assert "Lo haremos en marzo." in after.text and "El puente va en abril." in after.text


def test_replies_count_in_the_digest(planner, notified):
    UserFactory(username="otra", email="otra@pastaza.gob.ec", groups=[PLANNER])
    reply(notified, text="Respuesta para el resumen")

    assert services.digest_send() is True

    body = mail.outbox[-1].body
    assert notified.tracking_code in body and "Respuesta para el resumen" in body
    assert "ip-hash-rosa" not in body


def test_anonymising_keeps_the_replies_text_and_then_refuses_new_ones(notified):
    earlier, _created = reply(notified, text="Texto que queda")

    done = services.contacts_anonymise(suggestions=Suggestion.objects.filter(pk=notified.pk))

    assert done.suggestions == 1
    earlier.refresh_from_db()
    assert (earlier.text, earlier.ip_hash) == ("Texto que queda", "")
    assert earlier.anonymised_at is not None
    with pytest.raises(services.ReplyRefused):
        reply(Suggestion.objects.get(pk=notified.pk))


def test_a_reply_starts_the_retention_again(notified):
    long_ago = timezone.now() - timedelta(days=900)
    reply(notified)
    Suggestion.objects.filter(pk=notified.pk).update(answered_at=long_ago, created_at=long_ago)
    settled = AnsweredSuggestionFactory(answered_at=long_ago)
    Suggestion.objects.filter(pk=settled.pk).update(created_at=long_ago, updated_at=long_ago)

    done = services.anonymise_expired()

    assert done.suggestions == 1
    notified.refresh_from_db()
    assert notified.email == "rosa@example.org"
    settled.refresh_from_db()
    assert settled.email == ""
