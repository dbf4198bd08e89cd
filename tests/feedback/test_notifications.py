"""The e-mails of participation: each sent once, whatever runs twice, and the planners' digest once a day."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from commitments.roles import PLANNER
from feedback import services
from feedback.models import DailyDigest, Moderation, Suggestion
from feedback.tasks import (
    notify_pending_suggestions_task,
    notify_suggestion_answered_task,
    send_daily_digest_task,
    send_suggestion_confirmation_task,
)
from tests.factories import UserFactory

from .factories import AnsweredSuggestionFactory, CommentFactory, EvaluationFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


def test_the_answer_is_e_mailed_once_in_the_persons_language(db):
    suggestion = AnsweredSuggestionFactory(email="kuri@example.org", language="qu", answer_es="Sí", answer_qu="Ari")

    assert notify_suggestion_answered_task.delay(suggestion.pk).get() is True
    assert notify_suggestion_answered_task.delay(suggestion.pk).get() is False

    assert len(mail.outbox) == 1
    assert "Ari" in mail.outbox[0].body
    assert "/qu/participa/seguimiento/" in mail.outbox[0].body


def test_nothing_is_e_mailed_for_an_unanswered_or_anonymised_suggestion(db):
    waiting = SuggestionFactory(email="rosa@example.org")
    anonymised = AnsweredSuggestionFactory(email="")

    assert services.suggestion_notify_answered(suggestion_id=waiting.pk) is False
    assert services.suggestion_notify_answered(suggestion_id=anonymised.pk) is False
    assert mail.outbox == []


def test_a_failed_send_is_released_for_the_retry(db, monkeypatch):
    suggestion = SuggestionFactory(email="rosa@example.org")

    def broken(self, messages):
        raise OSError("SMTP down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    with pytest.raises(OSError):
        services.suggestion_send_confirmation(suggestion_id=suggestion.pk)
    suggestion.refresh_from_db()
    assert suggestion.confirmation_sent_at is None

    monkeypatch.undo()
    assert send_suggestion_confirmation_task.delay(suggestion.pk).get() is True
    assert len(mail.outbox) == 1


def test_the_sweep_sends_what_the_broker_missed_and_nothing_twice(db):
    old = timezone.now() - timedelta(hours=1)
    missed = SuggestionFactory(email="rosa@example.org")
    Suggestion.objects.filter(pk=missed.pk).update(created_at=old)
    answered = AnsweredSuggestionFactory(email="kuri@example.org", answered_at=old)
    Suggestion.objects.filter(pk=answered.pk).update(created_at=old, confirmation_sent_at=old)

    first = notify_pending_suggestions_task.delay().get()
    second = notify_pending_suggestions_task.delay().get()

    assert (first, second) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["kuri@example.org", "rosa@example.org"]


@pytest.fixture
def planners(planner):
    UserFactory(username="sin-correo", email="", groups=[PLANNER])
    return ["planificacion@pastaza.gob.ec"]


def test_the_digest_lists_what_came_in_and_goes_out_once_a_day(planners, commitment):
    SuggestionFactory(text="Sugerencia del día", tracking_code="PZ-DAYS-22")
    CommentFactory(commitment=commitment, text="Comentario del día")
    EvaluationFactory(commitment=commitment, score=2, comment="Lento", moderation=Moderation.PENDING)

    assert send_daily_digest_task.delay().get() is True
    assert send_daily_digest_task.delay().get() is False
    assert services.digest_send() is False

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == planners
    assert "3" in message.subject
    for fragment in ("PZ-DAYS-22", "Sugerencia del día", "Comentario del día", "TEST0001: 2/5", "/admin/feedback/"):
        assert fragment in message.body
    assert "rosa@example.org" not in message.body
    assert DailyDigest.objects.get().items == 3


def test_the_next_days_digest_covers_only_what_came_after(planners, commitment):
    SuggestionFactory(text="Ayer")
    services.digest_send(day=date(2026, 3, 1))
    SuggestionFactory(text="Hoy")

    services.digest_send(day=date(2026, 3, 2))

    assert len(mail.outbox) == 2
    assert "Hoy" in mail.outbox[1].body and "Ayer" not in mail.outbox[1].body


def test_a_quiet_day_sends_no_digest(planners):
    assert services.digest_send() is False
    assert mail.outbox == []
    assert DailyDigest.objects.get().sent_at is not None
