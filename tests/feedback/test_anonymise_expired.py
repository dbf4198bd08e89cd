"""Personal data are anonymised PARTICIPATION_RETENTION_MONTHS (24) after an item is settled; texts and figures
stay (privacy notice)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from feedback.models import Comment, Evaluation, Moderation, Suggestion
from feedback.selectors import evaluation_summary
from feedback.tasks import anonymise_expired_task

from .factories import AnsweredSuggestionFactory, CommentFactory, EvaluationFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


def test_items_settled_long_ago_lose_their_contact_and_keep_their_text(commitment):
    now = timezone.now()
    long_ago = now - timedelta(days=25 * 31)
    recently = now - timedelta(days=30)
    closed_old = SuggestionFactory(status="closed", closed_at=long_ago, email="rosa@example.org", text="Vieja")
    answered_old = AnsweredSuggestionFactory(answered_at=long_ago, email="rosa@example.org")
    closed_new = SuggestionFactory(status="closed", closed_at=recently, email="rosa@example.org")
    waiting = SuggestionFactory(email="rosa@example.org")
    Suggestion.objects.filter(pk=waiting.pk).update(created_at=long_ago)
    comment_old = CommentFactory(commitment=commitment, moderation=Moderation.APPROVED, moderated_at=long_ago)
    comment_new = CommentFactory(commitment=commitment, moderation=Moderation.APPROVED, moderated_at=recently)
    evaluation_old = EvaluationFactory(commitment=commitment, moderated_at=long_ago, score=5)

    out = io.StringIO()
    call_command("anonymise_expired", stdout=out)

    assert "Anonymised 2 suggestions, 1 comments, 1 evaluations and 0 survey responses" in out.getvalue()
    for item in (closed_old, answered_old, comment_old):
        item.refresh_from_db()
        assert (item.name, item.email, item.email_hash, item.ip_hash) == ("", "", "", "")
        assert item.anonymised_at is not None
    closed_old.refresh_from_db()
    assert closed_old.text == "Vieja"
    for item in (closed_new, waiting, comment_new):
        item.refresh_from_db()
        assert item.email and item.anonymised_at is None
    evaluation_old.refresh_from_db()
    assert evaluation_old.ip_hash == "" and evaluation_summary([commitment.code])[commitment.code].count == 1


def test_running_it_again_changes_nothing(commitment):
    CommentFactory(
        commitment=commitment, moderated_at=timezone.now() - timedelta(days=800), moderation=Moderation.APPROVED
    )

    assert anonymise_expired_task.delay().get() == 1
    stamp = Comment.objects.get().anonymised_at
    assert anonymise_expired_task.delay().get() == 0
    assert Comment.objects.get().anonymised_at == stamp


def test_the_retention_is_a_setting(commitment, settings):
    settings.PARTICIPATION_RETENTION_MONTHS = 1
    EvaluationFactory(commitment=commitment, moderated_at=timezone.now() - timedelta(days=40))

    assert anonymise_expired_task.delay().get() == 1
    assert Evaluation.objects.get().anonymised_at is not None


def test_survey_responses_kept_long_enough_lose_their_address_hash_and_keep_their_answers(settings):
    from datetime import timedelta

    from django.utils import timezone

    from feedback.services import anonymise_expired

    from .factories import respond, survey_with_questions

    survey = survey_with_questions()
    old = respond(survey, q3=4)
    recent = respond(survey, q3=2)
    type(old).objects.filter(pk=old.pk).update(moderated_at=timezone.now() - timedelta(days=800))

    done = anonymise_expired()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert done.survey_responses == 1
    assert old.ip_hash == "" and old.anonymised_at is not None
    assert old.answers.get().scale == 4
    assert recent.ip_hash and recent.anonymised_at is None
