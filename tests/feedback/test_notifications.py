"""The e-mails of participation: each sent once, whatever runs twice (tracking code, answer, official response to a
comment), and the planners' digest once a day."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from commitments.roles import PLANNER
from feedback import services
from feedback.models import Comment, DailyDigest, Moderation, Suggestion
from feedback.tasks import (
    notify_comment_response_task,
    notify_pending_comment_responses_task,
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


# Official responses to comments.


def respond(comment, by=None, **changes):
    """What the comment admin does on save: the row read afresh, the response set on it, then the service saves it."""
    row = Comment.objects.get(pk=comment.pk)
    for name, value in changes.items():
        setattr(row, name, value)
    return services.comment_staff_save(comment=row, by=by)


@pytest.mark.parametrize(("language", "expected"), [("qu", "/qu/"), ("es", "/es/"), ("other", "/es/")])
def test_a_response_to_an_approved_comment_is_e_mailed_once_in_its_language(
    commitment, django_capture_on_commit_callbacks, language, expected
):
    CommentFactory(commitment=commitment, moderation=Moderation.APPROVED, name="Otra Persona", email="otra@example.org")
    comment = CommentFactory(commitment=commitment, moderation=Moderation.APPROVED, language=language)

    with django_capture_on_commit_callbacks(execute=True):
        respond(comment, response_es="Gracias: lo incluimos.", response_qu="Yupaychani.")
    with django_capture_on_commit_callbacks(execute=True):
        respond(comment, response_es="Gracias: lo incluimos en abril.")  # an edit: no second e-mail
    again = notify_comment_response_task.delay(comment.pk).get()
    swept = notify_pending_comment_responses_task.delay().get()

    assert (again, swept) == (False, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kuri@example.org"]
    assert commitment.code in message.subject
    assert f"{expected}participa/compromisos/{commitment.code}/comentarios/" in message.body
    assert ("Yupaychani." if language == "qu" else "Gracias: lo incluimos.") in message.body
    for private in ("Otra Persona", "otra@example.org", "Kuri"):
        assert private not in message.body
    comment.refresh_from_db()
    assert comment.response_notified_at is not None


def test_nothing_is_e_mailed_before_approval_then_approving_sends_it(
    planner, commitment, django_capture_on_commit_callbacks
):
    comment = CommentFactory(commitment=commitment)
    silent = CommentFactory(commitment=commitment, email="")

    with django_capture_on_commit_callbacks(execute=True):
        respond(comment, response_es="Lo revisamos.")
        respond(silent, response_es="Lo revisamos.")
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        services.contributions_moderate(
            queryset=Comment.objects.filter(pk__in=[comment.pk, silent.pk]), decision=Moderation.APPROVED, by=planner
        )

    assert [m.to for m in mail.outbox] == [["kuri@example.org"]]


def test_a_broker_down_loses_no_response_e_mail_and_the_staff_save_succeeds(
    commitment, monkeypatch, django_capture_on_commit_callbacks
):
    comment = CommentFactory(commitment=commitment, moderation=Moderation.APPROVED, moderated_at=timezone.now())

    def down(*args):
        raise OSError("broker down")

    monkeypatch.setattr(notify_comment_response_task, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        respond(comment, response_es="Respuesta oficial.")
    assert mail.outbox == []
    comment.refresh_from_db()
    assert comment.response_es == "Respuesta oficial." and comment.response_notified_at is None

    an_hour_ago = timezone.now() - timedelta(hours=1)
    Comment.objects.filter(pk=comment.pk).update(response_at=an_hour_ago, moderated_at=an_hour_ago)
    assert notify_pending_comment_responses_task.delay().get() == 1
    assert notify_pending_comment_responses_task.delay().get() == 0
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_old_responses_and_unapproved_or_anonymised_comments(commitment):
    long_ago = timezone.now() - timedelta(days=30)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    CommentFactory(
        commitment=commitment,
        moderation=Moderation.APPROVED,
        response_es="Vieja",
        response_at=long_ago,
        moderated_at=long_ago,
    )
    CommentFactory(commitment=commitment, response_es="Sin aprobar", response_at=an_hour_ago)
    CommentFactory(
        commitment=commitment,
        moderation=Moderation.APPROVED,
        email="",
        response_es="Anonimizado",
        response_at=an_hour_ago,
        moderated_at=an_hour_ago,
    )

    assert services.comments_notify_pending() == 0
    assert mail.outbox == []


def test_a_failed_response_e_mail_is_released_for_the_retry(commitment, monkeypatch):
    comment = CommentFactory(
        commitment=commitment, moderation=Moderation.APPROVED, response_es="Hola", response_at=timezone.now()
    )

    def broken(self, messages):
        raise OSError("SMTP down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    with pytest.raises(OSError):
        services.comment_notify_response(comment_id=comment.pk)
    comment.refresh_from_db()
    assert comment.response_notified_at is None

    monkeypatch.undo()
    assert services.comment_notify_response(comment_id=comment.pk) is True
    assert len(mail.outbox) == 1


def test_responding_in_the_admin_e_mails_the_commenter(planner_client, commitment, django_capture_on_commit_callbacks):
    from tests.commitments.admin_helpers import form_data

    comment = CommentFactory(commitment=commitment, moderation=Moderation.APPROVED, language="qu")
    url = f"/admin/feedback/comment/{comment.pk}/change/"

    with django_capture_on_commit_callbacks(execute=True):
        response = planner_client.post(url, form_data(planner_client.get(url), response_es="Gracias."))

    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/qu/participa/compromisos/" in mail.outbox[0].body
