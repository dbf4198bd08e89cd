"""factory_boy factories for surveys and their responses."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from feedback.models import Moderation
from surveys.models import Answer, Choice, Question, Survey, SurveyResponse


class SurveyFactory(factory.django.DjangoModelFactory):
    """Published and open now (opened yesterday, closes in a month)."""

    class Meta:
        model = Survey

    slug = factory.Sequence(lambda n: f"encuesta-{n}")
    title_es = factory.Sequence(lambda n: f"Encuesta ciudadana {n}")
    title_qu = factory.Sequence(lambda n: f"Llaktayuk tapuy {n}")
    description_es = "¿Cómo quiere informarse?"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    is_published = True


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    order = factory.Sequence(lambda n: n + 1)
    kind = Question.Kind.SINGLE
    text_es = factory.Sequence(lambda n: f"Pregunta {n}")
    text_qu = factory.Sequence(lambda n: f"Tapuy {n}")


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    order = factory.Sequence(lambda n: n + 1)
    text_es = factory.Sequence(lambda n: f"Opción {n}")
    text_qu = factory.Sequence(lambda n: f"Akllay {n}")


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    survey = factory.SubFactory(SurveyFactory)
    moderation = Moderation.APPROVED
    moderated_at = factory.LazyFunction(timezone.now)
    ip_hash = "ip-hash-respondent"
    submission_token = factory.Sequence(lambda n: f"survey-token-{n:06d}-xxxxxxxxxx")


def survey_with_questions(**kwargs) -> Survey:
    """A survey with one question of each kind: 1 multiple choice (required, three options), 2 single choice
    (three options), 3 scale 1-5, 4 free text."""
    survey = SurveyFactory(**kwargs)
    multiple = QuestionFactory(survey=survey, order=1, kind=Question.Kind.MULTIPLE, required=True)
    single = QuestionFactory(survey=survey, order=2, kind=Question.Kind.SINGLE)
    QuestionFactory(survey=survey, order=3, kind=Question.Kind.SCALE)
    QuestionFactory(survey=survey, order=4, kind=Question.Kind.TEXT)
    for question in (multiple, single):
        for number, (es, qu) in enumerate([("Radio", "Radio"), ("Asamblea", "Tantanakuy"), ("WhatsApp", "WhatsApp")]):
            ChoiceFactory(question=question, order=number + 1, text_es=es, text_qu=qu)
    return survey


def respond(survey: Survey, *, moderation: str = Moderation.APPROVED, **answers) -> SurveyResponse:
    """Store a response directly: q1=[option numbers], q2=option number, q3=score, q4=text (by question number)."""
    response = SurveyResponseFactory(survey=survey, moderation=moderation)
    questions = {f"q{q.order}": q for q in survey.questions.prefetch_related("choices")}
    for name, value in answers.items():
        question = questions[name]
        if question.kind in Question.CHOICE_KINDS:
            numbers = value if isinstance(value, list | tuple) else [value]
            for choice in question.choices.all():
                if choice.order in numbers:
                    Answer.objects.create(response=response, question=question, choice=choice)
        elif question.kind == Question.Kind.SCALE:
            Answer.objects.create(response=response, question=question, scale=value)
        else:
            Answer.objects.create(response=response, question=question, text=value)
    return response
