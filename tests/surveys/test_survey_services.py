"""surveys.services: storing a response (the last line of defence behind the form), the checks staff
meet when publishing, deletion, and anonymisation; and the demo survey `load_demo` loads."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from feedback import services
from feedback.contributions import Sender
from feedback.models import Moderation
from surveys.loaders import SLUG, survey_demo_load
from surveys.models import Answer, Question, Survey, SurveyResponse
from surveys.services import (
    Given,
    QuestionDraft,
    SurveyNotOpen,
    survey_delete,
    survey_publish_problems,
    survey_response_submit,
)
from tests.feedback.factories import CommentFactory, EvaluationFactory, SuggestionFactory

from .factories import respond, survey_with_questions

pytestmark = pytest.mark.django_db

TOKEN = "a-form-token-of-twenty-or-more"


@pytest.fixture
def survey():
    return survey_with_questions()


def question(survey, number: int) -> Question:
    return survey.questions.prefetch_related("choices").get(order=number)


def test_a_response_is_stored_once_per_token(survey):
    multiple = question(survey, 1)
    answers = [Given(question=multiple, choices=tuple(multiple.choices.all()[:2]))]

    first = survey_response_submit(survey=survey, answers=answers, sender=Sender(ip_hash="h"), token=TOKEN)
    again = survey_response_submit(survey=survey, answers=answers, sender=Sender(ip_hash="h"), token=TOKEN)

    assert first[1] is True and again == (first[0], False)
    assert SurveyResponse.objects.count() == 1 and Answer.objects.count() == 2
    assert first[0].moderation == Moderation.APPROVED


@pytest.mark.parametrize(
    "forged",
    [
        pytest.param(
            lambda s, o: Given(question=question(s, 2), choices=(question(s, 1).choices.first(),)), id="other"
        ),
        pytest.param(
            lambda s, o: Given(question=question(o, 2), choices=(question(o, 2).choices.first(),)), id="survey"
        ),
        pytest.param(
            lambda s, o: Given(question=question(s, 2), choices=tuple(question(s, 2).choices.all())), id="two"
        ),
        pytest.param(lambda s, o: Given(question=question(s, 3), scale=6), id="scale-6"),
        pytest.param(lambda s, o: Given(question=question(s, 3), scale=0), id="scale-0"),
        pytest.param(lambda s, o: Given(question=question(s, 1), scale=3), id="scale-on-choice"),
        pytest.param(lambda s, o: Given(question=question(s, 3), text="hola"), id="text-on-scale"),
        pytest.param(lambda s, o: Given(question=question(s, 4), choices=(question(s, 1).choices.first(),)), id="opt"),
    ],
)
def test_answers_that_do_not_fit_their_question_are_refused(survey, forged):
    with pytest.raises(ValueError):
        survey_response_submit(
            survey=survey, answers=[forged(survey, survey_with_questions())], sender=Sender(), token=TOKEN
        )

    assert SurveyResponse.objects.count() == 0


@pytest.mark.parametrize("when", ["draft", "upcoming", "closed"])
def test_a_survey_takes_answers_only_while_open(survey, when):
    now = timezone.now()
    if when == "draft":
        survey.is_published = False
    elif when == "upcoming":
        survey.opens_at = now + timedelta(hours=1)
    else:
        survey.opens_at, survey.closes_at = now - timedelta(days=2), now - timedelta(seconds=1)
    survey.save()

    with pytest.raises(SurveyNotOpen):
        survey_response_submit(
            survey=survey, answers=[Given(question=question(survey, 3), scale=3)], sender=Sender(), token=TOKEN
        )
    assert SurveyResponse.objects.count() == 0


def test_publishing_needs_a_question_and_two_options_per_choice_question():
    assert survey_publish_problems(questions=[])
    assert survey_publish_problems(questions=[QuestionDraft(1, "text", 0)]) == []
    assert len(survey_publish_problems(questions=[QuestionDraft(2, "single", 1), QuestionDraft(1, "multiple", 0)])) == 2
    assert survey_publish_problems(questions=[QuestionDraft(1, "single", 2), QuestionDraft(2, "scale", 0)]) == []


def test_only_a_draft_nobody_answered_can_be_deleted(survey):
    draft = survey_with_questions(is_published=False)
    respond(survey, q1=[1])

    survey_delete(survey=draft)

    assert not Survey.objects.filter(pk=draft.pk).exists()
    with pytest.raises(ProtectedError), transaction.atomic():
        survey_delete(survey=survey)
    Survey.objects.filter(pk=survey.pk).update(is_published=False)
    survey.refresh_from_db()
    with pytest.raises(ProtectedError), transaction.atomic():
        survey_delete(survey=survey)


def test_responses_keep_no_contact_and_lose_their_network_hash_after_the_retention(survey, settings):
    settings.PARTICIPATION_RETENTION_MONTHS = 24
    old, fresh = respond(survey, q1=[1]), respond(survey, q1=[2])
    long_ago = timezone.now() - timedelta(days=800)
    SurveyResponse.objects.filter(pk=old.pk).update(moderated_at=long_ago, created_at=long_ago, updated_at=long_ago)

    assert services.anonymise_expired().others["survey_responses"] == 1
    old.refresh_from_db(), fresh.refresh_from_db()
    assert (old.ip_hash, fresh.ip_hash) == ("", "ip-hash-respondent")
    assert old.anonymised_at is not None and old.answers.count() == 1
    assert not any(f.name in ("name", "email", "phone") for f in SurveyResponse._meta.fields)


def test_the_participation_anonymisation_still_works_with_survey_responses(survey, commitment):
    respond(survey, q1=[1], q4="Hola")
    suggestion, comment = SuggestionFactory(), CommentFactory(commitment=commitment)
    EvaluationFactory(commitment=commitment)

    done = services.contacts_anonymise(
        suggestions=services.Suggestion.objects.filter(pk=suggestion.pk),
        comments=services.Comment.objects.filter(pk=comment.pk),
    )
    expired = services.anonymise_expired(now=timezone.now() + timedelta(days=3650))

    assert done.suggestions == 1 and done.comments == 1
    assert expired.evaluations == 1
    assert SurveyResponse.objects.get().answers.get(question__order=4).text == "Hola"


# The demo survey.


def test_the_demo_survey_is_one_open_illustrative_survey_of_every_kind_of_question(plan):
    survey_demo_load(plan=plan)
    survey_demo_load(plan=plan)

    survey = Survey.objects.get()
    assert survey.slug == SLUG and survey.is_published and survey.is_illustrative and survey.plan == plan
    assert timezone.localtime(survey.opens_at) == timezone.make_aware(datetime(2026, 1, 1, 0, 0))
    assert timezone.localtime(survey.closes_at).date() == plan.ends_on == date(2027, 2, 28)
    assert timezone.localtime(survey.closes_at).time() == time(23, 59)
    assert sorted(survey.questions.values_list("kind", flat=True)) == sorted(Question.Kind.values)
    assert all(q.text_es and q.text_qu for q in survey.questions.all())
    channels = survey.questions.get(order=1).choices.all()
    assert [c.text_es for c in channels][:3] == ["Radio", "Asamblea comunitaria", "WhatsApp"]
    assert all(c.text_qu for c in channels) and channels.count() == 5
    assert not SurveyResponse.objects.exists()


def test_reloading_the_demo_survey_changes_nothing(plan):
    survey_demo_load(plan=plan)
    before = Survey.objects.get().updated_at

    survey_demo_load(plan=plan)

    assert Survey.objects.get().updated_at == before
    assert Question.objects.count() == 4


def test_load_demo_loads_the_demo_survey(real_plan, citizen):
    survey = Survey.objects.get(slug=SLUG)

    assert survey.plan == real_plan
    for lang in ("es", "qu"):
        assert citizen.get(f"/{lang}/participa/encuestas/{SLUG}/").status_code == 200
