"""Personal data are anonymised PARTICIPATION_RETENTION_MONTHS (24) after the last thing that happened to an item,
whatever its state; texts and figures stay (privacy notice)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from feedback.models import Comment, Evaluation, Moderation, Suggestion, SuggestionReply
from feedback.selectors import evaluation_summary
from feedback.services import anonymise_expired
from feedback.tasks import anonymise_expired_task

from .factories import AnsweredSuggestionFactory, CommentFactory, EvaluationFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

DATED = ("moderated_at", "status_changed_at", "answered_at", "closed_at", "response_at")


def idle(item, days: int):
    """Make everything that happened to `item` (its creation, its last save, each dated event it has) `days` ago."""
    moment = timezone.now() - timedelta(days=days)
    model = type(item)
    names = {field.name for field in model._meta.concrete_fields}
    values = {"created_at": moment, "updated_at": moment}
    values |= {name: moment for name in DATED if name in names and getattr(item, name) is not None}
    model.objects.filter(pk=item.pk).update(**values)
    item.refresh_from_db()
    return item


def test_items_idle_for_longer_than_the_retention_lose_their_contact_and_keep_their_text(commitment):
    closed_old = idle(SuggestionFactory(status="closed", closed_at=timezone.now(), text="Vieja"), 25 * 31)
    answered_old = idle(AnsweredSuggestionFactory(), 25 * 31)
    closed_new = idle(SuggestionFactory(status="closed", closed_at=timezone.now()), 30)
    comment_old = idle(
        CommentFactory(commitment=commitment, moderation=Moderation.APPROVED, moderated_at=timezone.now()), 800
    )
    comment_new = idle(
        CommentFactory(commitment=commitment, moderation=Moderation.APPROVED, moderated_at=timezone.now()), 30
    )
    evaluation_old = idle(EvaluationFactory(commitment=commitment, score=5), 800)

    out = io.StringIO()
    call_command("anonymise_expired", stdout=out)

    summary = "Anonymised 2 suggestions, 1 comments, 1 evaluations, 0 survey responses and 0 road requests"
    assert summary in out.getvalue()
    for item in (closed_old, answered_old, comment_old):
        item.refresh_from_db()
        assert (item.name, item.email, item.email_hash, item.ip_hash) == ("", "", "", "")
        assert item.anonymised_at is not None
    closed_old.refresh_from_db()
    assert closed_old.text == "Vieja"
    for item in (closed_new, comment_new):
        item.refresh_from_db()
        assert item.email and item.anonymised_at is None
    evaluation_old.refresh_from_db()
    assert evaluation_old.ip_hash == "" and evaluation_summary([commitment.code])[commitment.code].count == 1


def test_an_unanswered_suggestion_past_the_retention_is_anonymised():
    """Nobody answered it in 24 months: its sender's e-mail address is not kept forever for that."""
    waiting = idle(SuggestionFactory(email="rosa@example.org", phone="0991234567", text="Sin respuesta"), 800)

    done = anonymise_expired()

    waiting.refresh_from_db()
    assert done.suggestions == 1
    assert (waiting.email, waiting.email_hash, waiting.phone, waiting.phone_hash, waiting.ip_hash) == ("",) * 5
    assert (waiting.status, waiting.text) == (Suggestion.Status.RECEIVED, "Sin respuesta")


@pytest.mark.parametrize(
    ("status", "moderation"),
    [
        (Suggestion.Status.RECEIVED, Moderation.PENDING),
        (Suggestion.Status.UNDER_REVIEW, Moderation.APPROVED),
        (Suggestion.Status.CLOSED, Moderation.REJECTED),
        (Suggestion.Status.ANSWERED, Moderation.HIDDEN),
    ],
)
def test_every_state_of_a_suggestion_is_anonymised_after_the_retention(status, moderation):
    suggestion = idle(
        SuggestionFactory(status=status, moderation=moderation, moderated_at=timezone.now(), answer_es="x"), 800
    )

    assert anonymise_expired().suggestions == 1
    suggestion.refresh_from_db()
    assert suggestion.email == "" and suggestion.anonymised_at is not None


def test_never_moderated_comments_and_evaluations_are_anonymised_after_the_retention(commitment):
    comment = idle(CommentFactory(commitment=commitment), 800)
    evaluation = idle(
        EvaluationFactory(
            commitment=commitment, comment="Sin moderar", moderation=Moderation.PENDING, moderated_at=None
        ),
        800,
    )

    done = anonymise_expired()

    comment.refresh_from_db()
    evaluation.refresh_from_db()
    assert (done.comments, done.evaluations) == (1, 1)
    assert comment.email == "" and comment.moderation == Moderation.PENDING
    assert evaluation.ip_hash == "" and evaluation.anonymised_at is not None


def test_the_retention_counts_from_the_last_thing_that_happened():
    """Sent long ago, but its sender replied last month: it is kept for another 23 months."""
    suggestion = idle(AnsweredSuggestionFactory(is_public=False), 800)
    reply = SuggestionReply.objects.create(
        suggestion=suggestion, text="Gracias, ¿y la fecha?", ip_hash="ip-hash-rosa", submission_token="r" * 24
    )
    idle(reply, 30)

    assert anonymise_expired().suggestions == 0
    suggestion.refresh_from_db()
    assert suggestion.email and suggestion.anonymised_at is None


def test_a_reply_goes_with_its_suggestion():
    suggestion = idle(AnsweredSuggestionFactory(is_public=False), 800)
    reply = idle(
        SuggestionReply.objects.create(
            suggestion=suggestion, text="Ok", ip_hash="ip-hash-rosa", submission_token="q" * 24
        ),
        790,
    )

    anonymise_expired()

    reply.refresh_from_db()
    assert reply.ip_hash == "" and reply.anonymised_at is not None and reply.text == "Ok"


def test_running_it_again_changes_nothing(commitment):
    idle(CommentFactory(commitment=commitment, moderated_at=timezone.now(), moderation=Moderation.APPROVED), 800)

    assert anonymise_expired_task.delay().get() == 1
    stamp = Comment.objects.get().anonymised_at
    assert anonymise_expired_task.delay().get() == 0
    assert Comment.objects.get().anonymised_at == stamp


def test_the_retention_is_a_setting(commitment, settings):
    settings.PARTICIPATION_RETENTION_MONTHS = 1
    idle(EvaluationFactory(commitment=commitment), 40)

    assert anonymise_expired_task.delay().get() == 1
    assert Evaluation.objects.get().anonymised_at is not None


def test_survey_responses_kept_long_enough_lose_their_address_hash_and_keep_their_answers():
    from tests.surveys.factories import respond, survey_with_questions

    survey = survey_with_questions()
    old = idle(respond(survey, q3=4), 800)
    pending = respond(survey, moderation=Moderation.PENDING, q4="Texto libre")
    type(pending).objects.filter(pk=pending.pk).update(moderated_at=None)
    idle(pending, 800)
    recent = respond(survey, q3=2)

    done = anonymise_expired()

    old.refresh_from_db()
    pending.refresh_from_db()
    recent.refresh_from_db()
    assert done.others["survey_responses"] == 2
    assert old.ip_hash == "" and old.anonymised_at is not None
    assert pending.ip_hash == "" and pending.moderation == Moderation.PENDING
    assert old.answers.get().scale == 4
    assert recent.ip_hash and recent.anonymised_at is None
