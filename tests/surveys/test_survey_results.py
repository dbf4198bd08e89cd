"""/<lang>/participa/encuestas/<slug>/resultados/: the results once the survey closes (charts with their data,
free texts of approved responses only, escaped, paginated), the same as CSV, and a constant number of queries."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import Moderation
from surveys.models import Question, Survey
from surveys.selectors import survey_results
from tests.participation import SCRIPT

from .factories import ChoiceFactory, QuestionFactory, respond, survey_with_questions

pytestmark = pytest.mark.django_db

# The survey; its questions; their options; the answers counted per option and score; the people per question;
# the first approved texts per question; the total of responses.
RESULTS_QUERIES = 7


def closed(survey: Survey) -> Survey:
    Survey.objects.filter(pk=survey.pk).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=1)
    )
    survey.refresh_from_db()
    return survey


def results_url(survey, lang: str = "es") -> str:
    return f"/{lang}/participa/encuestas/{survey.slug}/resultados/"


@pytest.fixture
def answered():
    """Five responses that count (one pending, with text), one rejected and one hidden, then closed."""
    survey = survey_with_questions(slug="cerrada")
    respond(survey, q1=[1, 2], q2=1, q3=5, q4="Por radio, en Kichwa 🙂")
    respond(survey, q1=[1], q2=1, q3=4)
    respond(survey, q1=[2, 3], q2=2, q3=4, q4="Más asambleas")
    respond(survey, q1=[1], q3=1)
    respond(survey, moderation=Moderation.PENDING, q1=[3], q2=3, q4="Todavía sin moderar")
    respond(survey, moderation=Moderation.REJECTED, q1=[1, 2, 3], q2=3, q3=1, q4="Texto rechazado")
    respond(survey, moderation=Moderation.HIDDEN, q1=[3], q2=3, q3=1, q4="Texto oculto")
    return closed(survey)


def by_label(result) -> dict[str, tuple[int, float | None]]:
    return {option.label: (option.count, option.percent) for option in result.options}


def test_results_count_what_counts_and_leave_out_rejected_and_hidden_responses(answered):
    results = survey_results(survey=answered)

    multiple, single, scale, text = results.questions
    assert results.total == 5
    assert multiple.respondents == 5
    # Percentages of the people who answered: for multiple choice they add up to more than 100.
    assert by_label(multiple) == {"Radio": (3, 60.0), "Asamblea": (2, 40.0), "WhatsApp": (2, 40.0)}
    assert single.respondents == 4
    assert by_label(single) == {"Radio": (2, 50.0), "Asamblea": (1, 25.0), "WhatsApp": (1, 25.0)}
    assert scale.respondents == 4
    assert [option.count for option in scale.options] == [1, 0, 0, 2, 1]
    assert scale.average == 3.5
    assert text.respondents == 3  # the pending one counts as answered; its words wait for moderation
    assert text.approved_texts == 2
    assert text.texts == ["Por radio, en Kichwa 🙂", "Más asambleas"]


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_results_page_shows_charts_and_their_data(citizen, answered, lang):
    response = citizen.get(results_url(answered, lang))

    text = response.text
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in text
    assert text.count('class="bars"') == 3  # two choice questions and the scale
    assert text.count('class="data survey-table"') == 3
    assert "60 %" in text and "3,5" in text
    assert "Por radio, en Kichwa 🙂" in text and "Más asambleas" in text
    for unpublished in ("Todavía sin moderar", "Texto rechazado", "Texto oculto"):
        assert unpublished not in text
    assert f'href="/{lang}/participa/encuestas/cerrada/resultados.csv"' in text
    assert "public" in response["Cache-Control"]


def test_before_closing_the_results_page_says_when_they_will_be_published(citizen):
    survey = survey_with_questions()
    respond(survey, q1=[1], q4="Hola")

    page = citizen.get(results_url(survey, "qu"))

    assert page.status_code == 200
    assert "results" not in page.context
    assert 'class="bars"' not in page.text and "Hola" not in page.text
    assert f'href="/qu/participa/encuestas/{survey.slug}/"' in page.text  # it is open: answer it
    assert citizen.get(f"/es/participa/encuestas/{survey.slug}/resultados.csv").status_code == 404
    assert citizen.get(f"/es/participa/encuestas/{survey.slug}/resultados/pregunta-4/").status_code == 404


def test_free_texts_are_escaped_and_their_links_not_clickable(citizen):
    survey = survey_with_questions()
    link = "http://example.com/spam"
    respond(survey, q1=[1], q4=f"{SCRIPT} {link}")
    respond(survey, q1=[1], q4='"><img src=x onerror=alert(1)>')
    closed(survey)

    for address in (results_url(survey), results_url(survey) + "pregunta-4/"):
        page = citizen.get(address)
        assert page.status_code == 200
        assert b"<script" not in page.content.lower() and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert f'href="{link}"' not in page.text


def test_every_approved_text_is_on_the_question_page_thirty_at_a_time(citizen):
    survey = survey_with_questions()
    for n in range(35):
        respond(survey, q1=[1], q4=f"Respuesta número {n:02d}")
    respond(survey, moderation=Moderation.PENDING, q1=[1], q4="Pendiente")
    closed(survey)

    results = citizen.get(results_url(survey)).text
    first = citizen.get(results_url(survey) + "pregunta-4/")
    second = citizen.get(results_url(survey) + "pregunta-4/?page=2")

    assert results.count("Respuesta número") == 5
    assert f'href="/es/participa/encuestas/{survey.slug}/resultados/pregunta-4/"' in results
    assert first.text.count("Respuesta número") == 30 and second.text.count("Respuesta número") == 5
    assert "Respuesta número 34" in second.text and 'start="31"' in second.text
    assert "Pendiente" not in first.text + second.text
    assert citizen.get(results_url(survey) + "pregunta-1/").status_code == 404  # not a free-text question
    assert citizen.get(results_url(survey) + "pregunta-9/").status_code == 404


def test_the_csv_has_the_figures_and_approved_texts_and_nothing_about_who_answered(citizen, answered):
    respond(answered, q1=[1], q4='=HYPERLINK("http://evil.example")')
    closed(answered)

    response = citizen.get(f"/es/participa/encuestas/{answered.slug}/resultados.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="encuesta-cerrada.csv"' == response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["survey"] for row in rows} == {"cerrada"}
    assert [row["people"] for row in rows if row["record"] == "total"] == ["6"]
    options = {
        (row["question"], row["option_es"]): (row["people"], row["percent"])
        for row in rows
        if row["record"] == "option"
    }
    assert options[("1", "Radio")] == ("4", "66.7")
    assert options[("2", "Asamblea")] == ("1", "25.0")
    scores = [row["people"] for row in rows if row["record"] == "score"]
    assert scores == ["1", "0", "0", "2", "1"]
    question_rows = {row["question"]: row for row in rows if row["record"] == "question"}
    assert question_rows["3"]["average"] == "3.5" and question_rows["1"]["respondents"] == "6"
    texts = [row["text"] for row in rows if row["record"] == "text"]
    assert texts == ["Por radio, en Kichwa 🙂", "Más asambleas", '\'=HYPERLINK("http://evil.example")']
    body = response.content.decode()
    for private in ("ip-hash", "survey-token", "Todavía sin moderar", "Texto rechazado", "Texto oculto"):
        assert private not in body


def test_the_results_page_reads_a_constant_number_of_queries(citizen, django_assert_num_queries):
    small = survey_with_questions(slug="pequena")
    respond(small, q1=[1], q3=2, q4="Una")
    closed(small)
    big = survey_with_questions(slug="grande")
    for order in range(5, 17):
        question = QuestionFactory(survey=big, order=order, kind=[*Question.Kind.values][order % 4])
        if question.kind in Question.CHOICE_KINDS:
            ChoiceFactory.create_batch(4, question=question)
    for n in range(40):
        respond(big, q1=[1, 2, 3][: n % 3 + 1], q2=n % 3 + 1, q3=n % 5 + 1, q4=f"Texto {n}")
    closed(big)

    for survey in (small, big):
        with django_assert_num_queries(RESULTS_QUERIES):
            assert citizen.get(results_url(survey)).status_code == 200


def test_a_survey_without_free_text_questions_needs_one_query_less(citizen, django_assert_max_num_queries):
    question = QuestionFactory(kind=Question.Kind.SINGLE, order=1)
    ChoiceFactory.create_batch(2, question=question)
    closed(question.survey)

    with django_assert_max_num_queries(RESULTS_QUERIES):
        assert citizen.get(results_url(question.survey)).status_code == 200


def test_the_results_page_is_cached_like_every_public_page(citizen, answered, settings, django_assert_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    citizen.get(results_url(answered))

    with django_assert_num_queries(0):
        assert citizen.get(results_url(answered)).status_code == 200


def test_approving_a_response_shows_its_words_on_the_cached_results(
    citizen, answered, settings, django_capture_on_commit_callbacks
):
    from feedback.services import contributions_moderate
    from surveys.models import SurveyResponse

    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    assert "Todavía sin moderar" not in citizen.get(results_url(answered)).text

    with django_capture_on_commit_callbacks(execute=True):
        contributions_moderate(
            queryset=SurveyResponse.objects.filter(moderation=Moderation.PENDING),
            decision=Moderation.APPROVED,
            by=None,
        )

    assert "Todavía sin moderar" in citizen.get(results_url(answered)).text
