"""Reads for the survey pages: the lists, one survey's questions, and its results. Every page reads a constant
number of queries, whatever the number of questions and responses (counts are aggregated in the database)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from commitments.models import ActionPlan
from conecta.fallbacks import text_in
from conecta.spreadsheet import safe_cell
from feedback.models import Moderation

from .models import Answer, Choice, Question, Survey, SurveyResponse

# Free-text answers shown under each question on the results page; the rest are on the question's own pages.
TEXTS_ON_RESULTS = 5
NOT_COUNTED = [Moderation.REJECTED, Moderation.HIDDEN]
SCALE = range(1, 6)


# The lists.


@dataclass
class SurveyLists:
    open: list[Survey] = field(default_factory=list)
    upcoming: list[Survey] = field(default_factory=list)
    closed: list[Survey] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.open or self.upcoming or self.closed)


def surveys_public(*, now: datetime) -> SurveyLists:
    """Published surveys split into open (closing soonest first), upcoming (opening soonest first) and closed
    (latest first), each with `responses_count` (the responses that count); one query."""
    lists = SurveyLists()
    surveys = (
        Survey.objects.published()
        .select_related("commitment")
        .annotate(responses_count=Count("responses", filter=~Q(responses__moderation__in=NOT_COUNTED)))
        .order_by("opens_at", "pk")
    )
    for survey in surveys:
        getattr(lists, survey.state_at(now)).append(survey)
    lists.open.sort(key=lambda s: (s.closes_at, s.pk))
    lists.closed.sort(key=lambda s: (s.closes_at, s.pk), reverse=True)
    return lists


def surveys_open(*, now: datetime, limit: int = 5) -> list[Survey]:
    """The surveys open now, closing soonest first (for the participation page); one query."""
    return list(Survey.objects.open_at(now).select_related("commitment").order_by("closes_at", "pk")[:limit])


def surveys_open_about(*, commitment, now: datetime) -> list[Survey]:
    """The surveys about this commitment open now (for its page's opinion section); one query."""
    return list(
        Survey.objects.open_at(now)
        .filter(commitment=commitment)
        .only("pk", "slug", "title", "title_es", "title_qu", "closes_at", "is_illustrative")
        .order_by("closes_at", "pk")
    )


# One survey.


def survey_for_page(*, slug: str) -> Survey | None:
    """The survey at this address, published or not (the view decides who may see a draft); one query."""
    return Survey.objects.select_related("commitment").filter(slug=slug).first()


def survey_questions(*, survey: Survey) -> list[Question]:
    """Its questions in order, each with its options in order; two queries."""
    return list(
        survey.questions.order_by("order", "pk").prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("order", "pk"))
        )
    )


def survey_response_counted(*, survey: Survey) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(survey=survey).counted()


# The results.


@dataclass
class OptionResult:
    label: str
    count: int
    percent: float | None


@dataclass
class QuestionResult:
    """One question's figures. `respondents`: the people who answered it (percentages are of them; for a
    multiple-choice question they add up to more than 100). `texts`: the first approved free-text answers."""

    question: Question
    respondents: int = 0
    options: list[OptionResult] = field(default_factory=list)
    average: float | None = None
    approved_texts: int = 0
    texts: list[str] = field(default_factory=list)

    @property
    def chart_rows(self) -> list[tuple[str, int]]:
        return [(option.label, option.count) for option in self.options]

    @property
    def more_texts(self) -> bool:
        return self.approved_texts > len(self.texts)


@dataclass
class SurveyResults:
    survey: Survey
    total: int
    questions: list[QuestionResult]


def _percent(count: int, of: int) -> float | None:
    return round(100 * count / of, 1) if of else None


def scale_label(value: int) -> str:
    """How a point of the 1-5 scale is named in the form and in the results."""
    if value == 1:
        return str(_("1 (lowest)"))
    if value == 5:
        return str(_("5 (highest)"))
    return str(value)


def survey_results(*, survey: Survey, texts_per_question: int = TEXTS_ON_RESULTS) -> SurveyResults:
    """Every question's figures from the responses that count (rejected and hidden ones never do) and, for the
    free-text questions, the first answers of approved responses.

    Five queries whatever the number of questions and responses:
    1-2. the questions and their options;
    3. the answers counted per question, option and score (GROUP BY);
    4. per question, the people who answered it and how many of their texts were approved;
    5. the first approved texts of each question (a window function numbers them per question).
    The total of responses is a sixth.
    """
    questions = survey_questions(survey=survey)
    answers = Answer.objects.filter(response__survey=survey).exclude(response__moderation__in=NOT_COUNTED)
    counts: dict[tuple[int, int | None, int | None], int] = {
        (row["question_id"], row["choice_id"], row["scale"]): row["n"]
        for row in answers.values("question_id", "choice_id", "scale").annotate(n=Count("id")).order_by()
    }
    per_question = {
        row["question_id"]: row
        for row in answers.values("question_id")
        .annotate(
            people=Count("response_id", distinct=True),
            approved=Count("id", filter=Q(response__moderation=Moderation.APPROVED) & ~Q(text="")),
        )
        .order_by()
    }
    texts: dict[int, list[str]] = {}
    if texts_per_question and any(q.kind == Question.Kind.TEXT for q in questions):
        ranked = (
            Answer.objects.filter(question__survey=survey, response__moderation=Moderation.APPROVED)
            .exclude(text="")
            .annotate(rank=Window(RowNumber(), partition_by=F("question_id"), order_by=[F("pk").asc()]))
            .filter(rank__lte=texts_per_question)
            .order_by("question_id", "pk")
            .values_list("question_id", "text")
        )
        for question_id, text in ranked:
            texts.setdefault(question_id, []).append(text)

    results = []
    for question in questions:
        row = per_question.get(question.pk, {})
        result = QuestionResult(question=question, respondents=row.get("people", 0))
        if question.kind in Question.CHOICE_KINDS:
            for choice in question.choices.all():
                count = counts.get((question.pk, choice.pk, None), 0)
                result.options.append(OptionResult(text_in(choice, "text"), count, _percent(count, result.respondents)))
        elif question.kind == Question.Kind.SCALE:
            total = weighted = 0
            for value in SCALE:
                count = counts.get((question.pk, None, value), 0)
                total, weighted = total + count, weighted + count * value
                result.options.append(OptionResult(scale_label(value), count, _percent(count, result.respondents)))
            result.average = round(weighted / total, 2) if total else None
        else:
            result.approved_texts = row.get("approved", 0)
            result.texts = texts.get(question.pk, [])
        results.append(result)
    return SurveyResults(survey=survey, total=survey_response_counted(survey=survey).count(), questions=results)


def survey_texts(*, question: Question) -> QuerySet[Answer]:
    """The free-text answers to a question from approved responses, oldest first (for a paginated page)."""
    return (
        Answer.objects.filter(question=question, response__moderation=Moderation.APPROVED)
        .exclude(text="")
        .order_by("pk")
        .only("pk", "text")
    )


# The results as CSV, for the monitor (FCD) and anyone who reuses them: figures and approved free texts, no
# personal data and no network-address hash. One row per figure; `record` says which kind of row it is.

CSV_COLUMNS = [
    "survey",
    "opens_at",
    "closes_at",
    "record",
    "question",
    "kind",
    "question_es",
    "question_qu",
    "option_es",
    "option_qu",
    "score",
    "people",
    "percent",
    "respondents",
    "average",
    "text",
]


def survey_results_csv(*, results: SurveyResults) -> str:
    survey = results.survey
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    common = {
        "survey": survey.slug,
        "opens_at": survey.opens_at.isoformat(),
        "closes_at": survey.closes_at.isoformat(),
    }
    writer.writerow({**common, "record": "total", "people": results.total})
    texts: dict[int, list[str]] = {}
    text_questions = [r.question.pk for r in results.questions if r.question.kind == Question.Kind.TEXT]
    if text_questions:
        approved = (
            Answer.objects.filter(question__in=text_questions, response__moderation=Moderation.APPROVED)
            .exclude(text="")
            .order_by("question_id", "pk")
            .values_list("question_id", "text")
        )
        for question_id, text in approved:
            texts.setdefault(question_id, []).append(text)
    for result in results.questions:
        question = result.question
        about = {
            **common,
            "question": question.order,
            "kind": question.kind,
            "question_es": safe_cell(question.text_es),
            "question_qu": safe_cell(question.text_qu),
        }
        writer.writerow({**about, "record": "question", "respondents": result.respondents, "average": result.average})
        if question.kind in Question.CHOICE_KINDS:
            for choice, option in zip(question.choices.all(), result.options, strict=True):
                writer.writerow(
                    {
                        **about,
                        "record": "option",
                        "option_es": safe_cell(choice.text_es),
                        "option_qu": safe_cell(choice.text_qu),
                        "people": option.count,
                        "percent": option.percent,
                        "respondents": result.respondents,
                    }
                )
        elif question.kind == Question.Kind.SCALE:
            for value, option in zip(SCALE, result.options, strict=True):
                writer.writerow(
                    {
                        **about,
                        "record": "score",
                        "score": value,
                        "people": option.count,
                        "percent": option.percent,
                        "respondents": result.respondents,
                    }
                )
        for text in texts.get(question.pk, []):
            writer.writerow({**about, "record": "text", "text": safe_cell(text)})
    return out.getvalue()


# Figures for the progress reports (reports.snapshot reads them; surveys never imports reports).


def survey_response_count(*, since: datetime, until: datetime, plan: ActionPlan | None = None) -> int:
    """Responses received in [since, until) to surveys of `plan` (or of its commitments, or of no plan), except
    the example surveys of the demo data and what moderators rejected or hid. One query."""
    responses = SurveyResponse.objects.counted().filter(
        created_at__gte=since, created_at__lt=until, survey__is_illustrative=False
    )
    if plan is not None:
        responses = responses.filter(
            Q(survey__plan=plan)
            | Q(survey__commitment__plan=plan)
            | Q(survey__plan__isnull=True, survey__commitment__isnull=True)
        )
    return responses.count()
