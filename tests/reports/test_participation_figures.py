"""Citizen participation in the progress reports: counted for the report's period (days in Pastaza) when the
snapshot is taken, labelled in Spanish and Kichwa, shown on the page, in the PDF and in the CSV/JSON twins; reports
frozen before the figures existed still render and say they were not recorded."""

from __future__ import annotations

import csv
import io
import json
import zoneinfo
from datetime import date, datetime, timedelta

import pytest
from django.utils import translation
from django.utils.translation import gettext

from feedback.models import Comment, Evaluation, Moderation, PreviousAnswer, Suggestion
from feedback.selectors import day_bounds, participation_figures
from meetings.models import Meeting, MeetingAttendance
from meetings.selectors import meeting_figures
from reports import services
from reports.models import Report
from reports.pdf import report_html
from surveys.models import Survey, SurveyResponse
from surveys.selectors import survey_response_count
from tests.feedback.factories import AnsweredSuggestionFactory, CommentFactory, EvaluationFactory, SuggestionFactory

from .conftest import Q3, pdf_text

pytestmark = pytest.mark.django_db

PASTAZA = zoneinfo.ZoneInfo("America/Guayaquil")


def at(*args) -> datetime:
    """A moment on Pastaza's clock."""
    return datetime(*args, tzinfo=PASTAZA)


def dated(row, moment: datetime):
    type(row).objects.filter(pk=row.pk).update(created_at=moment)
    return row


_tokens = iter(range(10_000))


def token() -> str:
    return f"participation-token-{next(_tokens):08d}-xx"


def meeting(kind, day, *, plan=None, published=True, women=0, men=0, sector=None):
    m = Meeting.objects.create(
        slug=f"m-{kind}-{day:%Y%m%d}-{published}",
        kind=kind,
        title="Reunión",
        date=day,
        plan=plan,
        is_published=published,
    )
    for category, count in (("women", women), ("men", men)):
        if count:
            MeetingAttendance.objects.create(meeting=m, dimension="gender", category=category, count=count)
    if sector:
        MeetingAttendance.objects.create(meeting=m, dimension="sector", category="community", count=sector)
    return m


def survey_response(survey, moment, **extra):
    return dated(SurveyResponse.objects.create(survey=survey, submission_token=token(), **extra), moment)


@pytest.fixture
def participation(plan_with_progress, commitment, other_commitment):
    """What citizens did in and around 2025-Q3 (1 July - 30 September, Pastaza time)."""
    # Evaluations: the first and the last minutes of the quarter count; the minute before and after do not.
    dated(EvaluationFactory(commitment=commitment, score=5), at(2025, 7, 1, 0, 5))
    dated(EvaluationFactory(commitment=commitment, score=2), at(2025, 9, 30, 23, 55))  # 1 October in UTC
    dated(EvaluationFactory(commitment=other_commitment, score=4), at(2025, 8, 10, 12))
    dated(EvaluationFactory(commitment=commitment, score=1), at(2025, 6, 30, 23, 55))
    dated(EvaluationFactory(commitment=commitment, score=1), at(2025, 10, 1, 0, 5))
    dated(EvaluationFactory(commitment=commitment, score=1, moderation=Moderation.REJECTED), at(2025, 8, 1, 9))
    # Suggestions by the day received: the web, an assembly, a paper box, WhatsApp; one rejected as spam.
    SuggestionFactory(received_on=date(2025, 7, 3), kind="complaint", language="qu")
    SuggestionFactory(received_on=date(2025, 8, 20), channel="assembly", language="qu", kind="suggestion")
    SuggestionFactory(received_on=date(2025, 8, 21), channel="box", kind="question")
    SuggestionFactory(received_on=date(2025, 9, 30), channel="whatsapp", kind="question", language="other")
    SuggestionFactory(received_on=date(2025, 10, 1), channel="phone")
    SuggestionFactory(received_on=date(2025, 8, 1), moderation=Moderation.REJECTED)
    # Answers given in the quarter: a first answer, and an earlier answer replaced later.
    AnsweredSuggestionFactory(received_on=date(2025, 6, 1), answered_at=at(2025, 9, 1, 10))
    later = AnsweredSuggestionFactory(received_on=date(2025, 6, 2), answered_at=at(2025, 11, 5, 10))
    PreviousAnswer.objects.create(
        suggestion=later, answer_es="Antes", answered_at=at(2025, 7, 15, 9), replaced_at=at(2025, 11, 5, 10)
    )
    AnsweredSuggestionFactory(received_on=date(2025, 6, 3), answered_at=at(2025, 6, 30, 20))
    # Comments on the plan's commitments: two received (one approved), one rejected, one out of the quarter.
    dated(CommentFactory(commitment=commitment, moderation=Moderation.APPROVED), at(2025, 7, 20, 8))
    dated(CommentFactory(commitment=other_commitment), at(2025, 9, 2, 8))
    dated(CommentFactory(commitment=commitment, moderation=Moderation.REJECTED), at(2025, 9, 3, 8))
    dated(CommentFactory(commitment=commitment, moderation=Moderation.APPROVED), at(2025, 10, 2, 8))
    # Meetings: published ones of the plan (or of none) held in the quarter, with their people.
    meeting("steering_committee", date(2025, 7, 10), plan=plan_with_progress, women=6, men=5)
    meeting("citizen_assembly", date(2025, 9, 12), women=20, men=14, sector=34)
    meeting("technical_working_group", date(2025, 8, 5), plan=plan_with_progress, sector=9)
    meeting("steering_committee", date(2025, 8, 6), plan=plan_with_progress, published=False, women=3)
    meeting("steering_committee", date(2025, 10, 6), plan=plan_with_progress, women=3)
    # Survey responses: of a real survey in the quarter; an example survey's do not count.
    real = Survey.objects.create(
        slug="consulta", plan=plan_with_progress, title="Consulta", opens_at=at(2025, 7, 1), closes_at=at(2025, 12, 1)
    )
    example = Survey.objects.create(
        slug="ejemplo", title="Ejemplo", opens_at=at(2025, 7, 1), closes_at=at(2025, 12, 1), is_illustrative=True
    )
    survey_response(real, at(2025, 7, 2, 10))
    survey_response(real, at(2025, 9, 30, 22))
    survey_response(real, at(2025, 8, 2, 10), moderation=Moderation.HIDDEN)
    survey_response(real, at(2025, 10, 1, 1))
    survey_response(example, at(2025, 8, 2, 10))
    return plan_with_progress


def figures_of(report) -> dict:
    return {f["key"]: f["value"] for f in report.snapshot["feedback"]["figures"]}


def test_the_snapshot_counts_the_participation_of_the_period_in_pastaza_time(participation, commitment):
    report = services.report_draft_for_period(plan=participation, period=Q3)

    figures = figures_of(report)
    assert (figures["evaluations.count"], figures["evaluations.average"]) == (3, 3.7)
    assert [figures[f"evaluations.score_{n}"] for n in (5, 4, 3, 2, 1)] == [1, 1, 0, 1, 0]
    assert figures["suggestions.received"] == 4  # the rejected one and October's do not count
    assert (figures["suggestions.kind.suggestion"], figures["suggestions.kind.complaint"]) == (1, 1)
    assert figures["suggestions.kind.question"] == 2
    assert figures["suggestions.answered"] == 2
    assert [figures[f"channels.{c}"] for c in ("web", "assembly", "box", "whatsapp", "phone", "office")] == [
        1,
        1,
        1,
        1,
        0,
        0,
    ]
    assert [figures[f"languages.{code}"] for code in ("es", "qu", "other")] == [1, 2, 1]
    assert (figures["comments.received"], figures["comments.approved"]) == (2, 1)
    assert figures["meetings.held"] == 3
    assert figures["meetings.kind.steering_committee"] == figures["meetings.kind.citizen_assembly"] == 1
    assert figures["meetings.kind.technical_working_group"] == 1
    assert figures["meetings.kind.cocreation_workshop"] == 0
    assert figures["meetings.attendance"] == 11 + 34 + 9
    assert figures["surveys.responses"] == 2
    by_commitment = report.snapshot["feedback"]["evaluations_by_commitment"]
    assert by_commitment[commitment.code] == {"count": 2, "average": 3.5}


def test_the_labels_are_frozen_in_both_languages(participation):
    report = services.report_draft_for_period(plan=participation, period=Q3)
    feedback = report.snapshot["feedback"]

    for language in ("es", "qu"):
        with translation.override(language):
            expected = {
                "channels.assembly": gettext("Community assembly"),
                "evaluations.score_5": gettext("5 · Very good"),
                "meetings.kind.citizen_assembly": gettext("Citizen assembly"),
            }
            group = gettext("Suggestions, complaints and questions by channel")
        labels = {f["key"]: f["label"][language] for f in feedback["figures"]}
        assert {key: labels[key] for key in expected} == expected
        assert {g["key"]: g["title"][language] for g in feedback["groups"]}["channels"] == group
    assert json.loads(json.dumps(feedback)) == feedback  # JSON-native


def all_figures(codes, plan):
    """What the report's snapshot reads of each participation app: feedback, meetings and surveys."""
    since, until = day_bounds(Q3.starts_on, Q3.ends_on)
    figures = participation_figures(start=Q3.starts_on, end=Q3.ends_on, codes=codes)
    meeting_figures(start=Q3.starts_on, end=Q3.ends_on, plan=plan)
    survey_response_count(since=since, until=until, plan=plan)
    return figures


def test_the_figures_cost_the_same_queries_whatever_the_data(participation, commitment, django_assert_num_queries):
    codes = [commitment.code, "NONE0001"]
    with django_assert_num_queries(6):
        few = all_figures(codes, participation)
    for _ in range(20):
        dated(EvaluationFactory(commitment=commitment, score=3), at(2025, 8, 1, 10))
        SuggestionFactory(received_on=date(2025, 8, 1), channel="office")
    with django_assert_num_queries(6):
        many = all_figures(codes, participation)

    assert many.evaluations[""].count == few.evaluations[""].count + 20
    assert many.evaluations["NONE0001"].count == 0
    assert many.suggestions["channel"]["office"] == 20


def test_the_page_pdf_and_twins_show_the_participation(participation, commitment, planner, second_planner, citizen):
    report = services.report_draft_for_period(plan=participation, period=Q3)
    report.summary_es = "Resumen."
    report.save()
    services.report_submit(report=report, by=planner)
    services.report_approve(report=report, by=second_planner)
    services.report_publish(report=report, by=planner)

    page = citizen.get("/qu/informes/2025-t3/")
    assert page.status_code == 200
    with translation.override("qu"):
        heading, assembly = gettext("Citizen participation"), gettext("Community assembly")
    assert heading in page.text and assembly in page.text
    assert 'id="chart-channels-t"' in page.text and 'class="data participation"' in page.text
    assert page.context["commitments"][0]["evaluation"] == {"count": 2, "average": 3.5}
    html = report_html(report, "es")
    assert "3,5" in html and 'class="data participation"' in html

    rows = list(csv.DictReader(io.StringIO(citizen.get(f"{report.get_absolute_url()}{report.data_name('csv')}").text)))
    participation_rows = {r["figure"]: r for r in rows if r["record"] == "participation" and not r["commitment_code"]}
    assert participation_rows["channels.assembly"]["value"] == "1"
    with translation.override("es"):
        assert participation_rows["channels.assembly"]["title_es"].endswith(gettext("Community assembly"))
    evaluated = [r for r in rows if r["record"] == "participation" and r["commitment_code"] == commitment.code]
    assert {r["figure"]: r["value"] for r in evaluated} == {"evaluations.count": "2", "evaluations.average": "3.5"}
    data = json.loads(citizen.get(f"{report.get_absolute_url()}{report.data_name('json')}").content)
    assert data["snapshot"]["feedback"] == report.snapshot["feedback"]


def test_a_published_report_keeps_its_figures_when_more_participation_comes_later(
    participation, planner, second_planner, citizen, commitment, rerender
):
    report = services.report_draft_for_period(plan=participation, period=Q3)
    report.summary_es = "Resumen."
    report.save()
    services.report_submit(report=report, by=planner)
    services.report_approve(report=report, by=second_planner)
    services.report_publish(report=report, by=planner)
    report.refresh_from_db()
    before = report.snapshot["feedback"]

    dated(EvaluationFactory(commitment=commitment, score=5), at(2025, 8, 1, 10))
    SuggestionFactory(received_on=date(2025, 8, 1), channel="office")
    rerender(report)

    report.refresh_from_db()
    assert report.snapshot["feedback"] == before
    assert citizen.get(report.get_absolute_url()).context["participation"]["groups"]


def test_a_report_frozen_before_the_figures_existed_still_renders(
    approved, planner, citizen, django_capture_on_commit_callbacks
):
    """Reports published before participation was counted hold `"feedback": null` (schema 1)."""
    Report.objects.filter(pk=approved.pk).update(snapshot={**approved.snapshot, "schema": 1, "feedback": None})
    approved.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=approved, by=planner)
    published = Report.objects.get(pk=approved.pk)

    page = citizen.get(published.get_absolute_url())
    csv_twin = citizen.get(f"{published.get_absolute_url()}{published.data_name('csv')}")
    json_twin = citizen.get(f"{published.get_absolute_url()}{published.data_name('json')}")

    assert page.status_code == csv_twin.status_code == json_twin.status_code == 200
    assert 'class="not-recorded"' in page.text and 'class="data participation"' not in page.text
    assert page.context["commitments"][0]["evaluation"] is None
    assert "participation" not in csv_twin.text.split("\n", 1)[1]
    assert json.loads(json_twin.content)["snapshot"]["feedback"] is None
    assert 'class="not-recorded"' in report_html(published, "qu")
    assert published.files.count() == 2
    with translation.override("es"):
        assert gettext("Citizen participation") in pdf_text(published.files.get(language="es").file.path)


def test_an_empty_period_has_every_row_at_zero(plan_with_progress):
    report = services.report_draft_for_period(plan=plan_with_progress, period=Q3)

    figures = figures_of(report)
    assert figures["evaluations.average"] is None
    assert figures["channels.box"] == figures["meetings.held"] == figures["surveys.responses"] == 0
    assert all(value in (0, None) for value in figures.values())
    assert Evaluation.objects.count() == Suggestion.objects.count() == Comment.objects.count() == 0


def test_the_days_of_the_period_are_pastazas(plan_with_progress, commitment):
    """23:30 on 30 September in Puyo is already 1 October in UTC: it belongs to the third quarter."""
    dated(EvaluationFactory(commitment=commitment, score=4), at(2025, 9, 30, 23, 30))
    dated(EvaluationFactory(commitment=commitment, score=4), at(2025, 9, 30, 23, 30) + timedelta(hours=1))

    figures = participation_figures(start=Q3.starts_on, end=Q3.ends_on, codes=[commitment.code])

    assert figures.evaluations[commitment.code].count == 1
