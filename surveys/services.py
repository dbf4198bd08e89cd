"""Everything that changes surveys: a citizen's response, the checks staff meet when they build or publish one,
deleting a draft, and the anonymisation of old responses. Views, the admin and commands call these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import models, transaction
from django.db.models.signals import pre_delete
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.staff import PublishedRecordProtected
from feedback.contributions import ContributionKind, Sender, language_of, save_once
from feedback.models import Moderation
from feedback.services import idle_since

from .models import Answer, Choice, Question, Survey, SurveyResponse

MIN_OPTIONS = 2


class SurveyNotOpen(Exception):
    """The survey does not take answers now (not published, not open yet, or closed)."""


class SurveyProtected(PublishedRecordProtected):
    """A published survey, or one with responses, cannot be deleted: its results would go with it."""


# A citizen's response.


@dataclass(frozen=True)
class Given:
    """What one person answered to one question: chosen options, a score or a text (empty when skipped)."""

    question: Question
    choices: tuple[Choice, ...] = ()
    scale: int | None = None
    text: str = ""

    @property
    def empty(self) -> bool:
        return not (self.choices or self.scale or self.text)


def _check_answers(*, survey: Survey, answers: Iterable[Given]) -> None:
    """The form already refused anything that is not one of the question's options or a score of 1-5; this is
    the last line of defence for any other caller."""
    for given in answers:
        question = given.question
        if question.survey_id != survey.pk:
            raise ValueError(f"question {question.pk} is not in survey {survey.pk}")
        if any(choice.question_id != question.pk for choice in given.choices):
            raise ValueError(f"an option does not belong to question {question.pk}")
        if given.choices and question.kind not in Question.CHOICE_KINDS:
            raise ValueError(f"question {question.pk} takes no options")
        if question.kind == Question.Kind.SINGLE and len(given.choices) > 1:
            raise ValueError(f"question {question.pk} takes one option")
        if given.scale is not None and (question.kind != Question.Kind.SCALE or not 1 <= given.scale <= 5):
            raise ValueError(f"score {given.scale!r} refused for question {question.pk}")
        if given.text and question.kind != Question.Kind.TEXT:
            raise ValueError(f"question {question.pk} takes no text")


@transaction.atomic
def survey_response_submit(
    *, survey: Survey, answers: list[Given], sender: Sender, token: str, now: datetime | None = None
) -> tuple[SurveyResponse, bool]:
    """Store one person's answers, once per form token. Choices and scores count at once; a response with free
    text waits for moderation (one without has nothing to moderate and is approved as it is stored). Returns
    (response, whether this call stored it); raises SurveyNotOpen outside the survey's dates."""
    now = now or timezone.now()
    if survey.state_at(now) != Survey.State.OPEN:
        raise SurveyNotOpen(survey.slug)
    _check_answers(survey=survey, answers=answers)
    has_text = any(given.text for given in answers)

    def build() -> SurveyResponse:
        return SurveyResponse(
            survey=survey,
            ip_hash=sender.ip_hash,
            language=language_of(sender.language),
            moderation=Moderation.PENDING if has_text else Moderation.APPROVED,
            moderated_at=None if has_text else now,
            submission_token=token or None,
        )

    response, created = save_once(SurveyResponse, token, build)
    if created:
        rows = []
        for given in answers:
            if given.choices:
                rows += [Answer(response=response, question=given.question, choice=c) for c in given.choices]
            else:
                rows.append(Answer(response=response, question=given.question, scale=given.scale, text=given.text))
        Answer.objects.bulk_create(rows)
    return response, created


# Building and publishing (the admin's checks).


@dataclass(frozen=True)
class QuestionDraft:
    """A question as staff are about to save it: its number, kind and how many options it will have."""

    number: int
    kind: str
    options: int


def survey_publish_problems(*, questions: list[QuestionDraft]) -> list[str]:
    """Why a survey cannot be published with these questions (empty when it can): it needs one question at
    least, and each single or multiple choice question two options at least."""
    if not questions:
        return [_("A published survey needs at least one question.")]
    return [
        _(
            "Question %(number)s needs at least two options before the survey is published: add them with “edit "
            "options” while the survey is a draft, or add the question with “Add a question with its options”."
        )
        % {"number": q.number}
        for q in sorted(questions, key=lambda q: q.number)
        if q.kind in Question.CHOICE_KINDS and q.options < MIN_OPTIONS
    ]


def question_options_problem(*, kind: str, options: int, check_minimum: bool = True) -> str | None:
    """Why a question cannot keep this many options (None when it can): a scale or free-text question takes
    none; a choice question needs two at least (unless `check_minimum` is off: a draft's question whose
    options are yet to be added)."""
    if kind not in Question.CHOICE_KINDS and options:
        return _("A scale or free-text question takes no options: remove them, or change the kind of question.")
    if check_minimum and kind in Question.CHOICE_KINDS and options < MIN_OPTIONS:
        return _("A single or multiple choice question needs at least two options.")
    return None


def survey_has_responses(survey: Survey | None) -> bool:
    return bool(survey and survey.pk and SurveyResponse.objects.filter(survey_id=survey.pk).exists())


def survey_deletion_problem(survey: Survey) -> str | None:
    """Why this survey cannot be deleted (None when it can): it is published, or people answered it."""
    if survey.is_published:
        return _("“%(survey)s” is published and cannot be deleted; unpublish it first.") % {"survey": survey}
    if survey_has_responses(survey):
        return _("“%(survey)s” has responses and cannot be deleted: its results would be lost.") % {"survey": survey}
    return None


@transaction.atomic
def question_delete(*, question: Question) -> None:
    """Delete a question of a survey nobody answered yet, with its options."""
    if survey_has_responses(question.survey):
        raise SurveyProtected(_("Questions of a survey with responses cannot be removed."), {question})
    Choice.objects.filter(question=question).delete()
    question.delete()


@transaction.atomic
def survey_delete(*, survey: Survey) -> None:
    """Delete a draft survey nobody answered, with its questions and options."""
    problem = survey_deletion_problem(survey)
    if problem:
        raise SurveyProtected(problem, {survey})
    Choice.objects.filter(question__survey=survey).delete()
    Question.objects.filter(survey=survey).delete()
    survey.delete()


def survey_guard_deletion(sender, instance: Survey, **kwargs) -> None:
    """The last line of defence: the admin never offers it, and nothing else may delete a published or
    answered survey either (its responses PROTECT it too)."""
    problem = survey_deletion_problem(instance)
    if problem:
        raise SurveyProtected(problem, {instance})


def connect() -> None:
    """Called from SurveysConfig.ready()."""
    pre_delete.connect(survey_guard_deletion, sender=Survey, dispatch_uid="guard-survey-deletion")


# Personal data.


def survey_responses_anonymise(*, queryset: models.QuerySet[SurveyResponse], now: datetime | None = None) -> int:
    """Drop the network-address hash of these responses (the only thing a response keeps about its sender);
    their answers and figures stay. Returns how many rows changed."""
    now = now or timezone.now()
    return queryset.filter(anonymised_at__isnull=True).update(ip_hash="", anonymised_at=now, updated_at=now)


def survey_responses_anonymise_idle(cutoff: datetime, now: datetime) -> int:
    """The retention rule (feedback.services.anonymise_expired): responses on which nothing has happened since
    `cutoff` lose their network-address hash."""
    idle = idle_since(SurveyResponse, cutoff).values("pk")
    return survey_responses_anonymise(queryset=SurveyResponse.objects.filter(pk__in=idle), now=now)


# How survey responses count in the planners' digest and the retention rule (registered by SurveysConfig).
SURVEY_RESPONSES = ContributionKind(
    key="survey_responses",
    model=SurveyResponse,
    plural="survey responses",
    digest_template="surveys/email/digest_block.txt",
    anonymise_idle=survey_responses_anonymise_idle,
)
