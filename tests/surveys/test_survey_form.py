"""/<lang>/participa/encuestas/<slug>/: a survey's page in each of its states, and its form: answers stored once
(token, cookie, rate limit), every answer checked against the question's own options, hostile input refused or
stored clean."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from feedback.models import Moderation
from surveys.models import Answer, Choice, Question, Survey, SurveyResponse
from tests.participation import HOSTILE, SCRIPT, hidden_values, send

from .factories import ChoiceFactory, QuestionFactory, SurveyFactory, survey_with_questions

pytestmark = pytest.mark.django_db

URL = "/{lang}/participa/encuestas/{slug}/"


@pytest.fixture
def survey():
    return survey_with_questions(slug="como-informarse")


def url(survey, lang: str = "es") -> str:
    return URL.format(lang=lang, slug=survey.slug)


def options(survey, number: int) -> list[str]:
    return [
        str(pk)
        for pk in Choice.objects.filter(question__survey=survey, question__order=number).values_list("pk", flat=True)
    ]


def option(survey, number: int, nth: int = 0) -> str:
    return str(Choice.objects.filter(question__survey=survey, question__order=number).order_by("order")[nth].pk)


# The page in each state.


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_an_open_survey_shows_each_question_as_a_fieldset(citizen, survey, lang, django_assert_max_num_queries):
    # The survey, its questions, their options.
    with django_assert_max_num_queries(3):
        response = citizen.get(url(survey, lang))

    text = response.text
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in text
    assert text.count("<fieldset") == 4 and text.count("<legend") == 4
    assert text.count('type="checkbox" name="q1"') == 3
    assert text.count('type="radio" name="q2"') == 3
    assert text.count('type="radio" name="q3"') == 5
    assert '<textarea name="q4"' in text and 'maxlength="2000"' in text
    assert 'aria-labelledby="id_q4_legend"' in text and 'id="id_q4_legend"' in text
    assert 'class="required"' in text  # question 1 is required: said in words, not only by colour
    assert 'name="csrfmiddlewaretoken"' in text and 'name="token"' in text and 'name="hp_check"' in text
    assert "no-cache" in response["Cache-Control"]
    assert (survey.title_qu if lang == "qu" else survey.title_es) in text


def test_a_draft_is_not_found_by_citizens(citizen, survey):
    survey.is_published = False
    survey.save()

    for address in ("", "gracias/", "resultados/", "resultados/pregunta-4/"):
        assert citizen.get(url(survey) + address).status_code == 404, address
    assert citizen.get(f"/es/participa/encuestas/{survey.slug}/resultados.csv").status_code == 404
    assert citizen.get("/es/participa/encuestas/no-existe/").status_code == 404


@pytest.mark.parametrize("who", ["planner_client", "monitor_client"])
def test_staff_preview_a_draft_with_a_disabled_form_that_stores_nothing(request, survey, who):
    client = request.getfixturevalue(who)
    survey.is_published = False
    survey.save()

    page = client.get(url(survey))
    post = client.post(url(survey), {"q1": options(survey, 1), "token": "t" * 32})

    assert page.status_code == 200 and page.context["preview"]
    assert 'class="preview-note"' in page.text
    assert '<fieldset class="survey-preview" disabled>' in page.text
    assert 'method="post"' not in page.text and 'type="submit"' not in page.text
    assert post.status_code == 409
    assert SurveyResponse.objects.count() == 0


def test_an_implementer_does_not_see_a_draft(implementer_client, survey):
    survey.is_published = False
    survey.save()

    assert implementer_client.get(url(survey)).status_code == 404


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_before_opening_it_says_when_it_opens(citizen, survey, lang):
    survey.opens_at = timezone.now() + timedelta(days=3)
    survey.save()

    response = citizen.get(url(survey, lang))

    assert response.status_code == 200
    assert response.context["state"] == "upcoming"
    assert 'name="q1"' not in response.text
    assert 'class="notice"' in response.text


def test_a_post_before_opening_stores_nothing(survey):
    survey.opens_at = timezone.now() + timedelta(days=3)
    survey.save()

    response = Client().post(url(survey), {"q1": options(survey, 1), "token": "t" * 32})

    assert response.status_code == 409
    assert SurveyResponse.objects.count() == 0


def test_once_closed_it_leads_to_its_results(citizen, survey):
    survey.opens_at, survey.closes_at = timezone.now() - timedelta(days=9), timezone.now() - timedelta(days=1)
    survey.save()

    for response in (citizen.get(url(survey, "qu")), Client().post(url(survey, "qu"), {"q1": options(survey, 1)})):
        assert response.status_code == 302
        assert response["Location"] == f"/qu/participa/encuestas/{survey.slug}/resultados/"
    assert SurveyResponse.objects.count() == 0


def test_a_survey_about_a_commitment_links_back_to_it(citizen, commitment):
    survey = SurveyFactory(commitment=commitment)

    assert f'href="/es/compromisos/{commitment.code}/"' in citizen.get(url(survey)).text


def test_an_illustrative_survey_says_it_is_example_data(citizen):
    survey = SurveyFactory(is_illustrative=True)

    assert 'class="example-note"' in citizen.get(url(survey)).text
    assert 'class="example-note"' not in citizen.get(url(SurveyFactory())).text


# Answering.


def test_valid_answers_store_one_response_with_its_answer_rows(csrf_client, survey):
    chosen = options(survey, 1)[:2]

    response = send(
        csrf_client,
        url(survey),
        {"q1": chosen, "q2": option(survey, 2, 1), "q3": "4", "q4": "  Más radio, por favor.\r\n¡Gracias! "},
    )

    stored = SurveyResponse.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/es/participa/encuestas/{survey.slug}/gracias/"
    assert sorted(str(a.choice_id) for a in Answer.objects.filter(question__order=1)) == sorted(chosen)
    assert str(Answer.objects.get(question__order=2).choice_id) == option(survey, 2, 1)
    assert Answer.objects.get(question__order=3).scale == 4
    assert Answer.objects.get(question__order=4).text == "Más radio, por favor.\n¡Gracias!"
    assert Answer.objects.count() == 5
    assert (stored.survey, stored.language, stored.moderation) == (survey, "es", Moderation.PENDING)
    assert stored.ip_hash and stored.submission_token


def test_a_response_without_free_text_has_nothing_to_moderate(csrf_client, survey):
    send(csrf_client, url(survey, "qu"), {"q1": options(survey, 1)[:1]})

    stored = SurveyResponse.objects.get()
    assert (stored.moderation, stored.language) == (Moderation.APPROVED, "qu")
    assert stored.moderated_at is not None
    assert Answer.objects.count() == 1  # the questions left empty store nothing


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_thanks_page_says_when_results_are_published(csrf_client, survey, lang):
    thanks = csrf_client.get(send(csrf_client, url(survey, lang), {"q1": options(survey, 1)})["Location"])

    assert thanks.status_code == 200
    assert f'href="/{lang}/participa/encuestas/{survey.slug}/resultados/"' in thanks.text
    assert timezone.localtime(survey.closes_at).strftime("%Y") in thanks.text


def test_a_missing_required_answer_stores_nothing_and_says_where(csrf_client, survey):
    response = send(csrf_client, url(survey), {"q2": option(survey, 2), "q4": "Hola"})

    assert response.status_code == 200
    assert 'class="error-summary"' in response.text
    assert 'href="#id_q1_0"' in response.text  # the summary goes to the question's first option
    assert 'id="id_q1_error"' in response.text  # and the error sits next to the question
    assert 'aria-describedby="id_q1_error"' in response.text
    assert SurveyResponse.objects.count() == 0
    # What was answered is kept in the form shown again.
    assert "Hola</textarea>" in response.text


def test_a_required_text_question_needs_words_not_only_spaces(csrf_client):
    question = QuestionFactory(kind=Question.Kind.TEXT, required=True, order=1)

    response = send(csrf_client, url(question.survey), {"q1": "   \x00 "})

    assert response.status_code == 200
    assert 'href="#id_q1"' in response.text
    assert SurveyResponse.objects.count() == 0


@pytest.mark.parametrize(
    "forged",
    [
        pytest.param(lambda s, o: {"q2": option(s, 1)}, id="option-of-another-question"),
        pytest.param(lambda s, o: {"q1": [option(s, 2)]}, id="multiple-with-option-of-another-question"),
        pytest.param(lambda s, o: {"q2": option(o, 2)}, id="option-of-another-survey"),
        pytest.param(lambda s, o: {"q2": "999999"}, id="made-up-option-id"),
        pytest.param(lambda s, o: {"q2": "abc"}, id="not-a-number"),
        pytest.param(lambda s, o: {"q2": SCRIPT}, id="script-as-option"),
        pytest.param(lambda s, o: {"q1": ["1' OR '1'='1"]}, id="sql-as-option"),
        pytest.param(lambda s, o: {"q1": [option(s, 1), "999999"]}, id="one-good-one-made-up"),
        pytest.param(lambda s, o: {"q3": "0"}, id="scale-0"),
        pytest.param(lambda s, o: {"q3": "6"}, id="scale-6"),
        pytest.param(lambda s, o: {"q3": "-1"}, id="scale-negative"),
        pytest.param(lambda s, o: {"q3": "3.5"}, id="scale-decimal"),
        pytest.param(lambda s, o: {"q3": "tres"}, id="scale-word"),
        pytest.param(lambda s, o: {"q3": "9" * 400}, id="scale-huge"),
        pytest.param(lambda s, o: {"q3": ["2", "9"]}, id="scale-list"),
        pytest.param(lambda s, o: {"q4": "x" * 2001}, id="text-too-long"),
    ],
)
def test_forged_answers_are_refused_without_a_500(csrf_client, survey, forged):
    data = {"q1": options(survey, 1)[:1], **forged(survey, survey_with_questions())}

    response = send(csrf_client, url(survey), data)

    assert response.status_code == 200
    assert 'class="error-summary"' in response.text
    assert b"<script" not in response.content.lower()
    assert SurveyResponse.objects.count() == 0


def test_several_values_for_a_single_choice_keep_one_of_its_options(csrf_client, survey):
    response = send(csrf_client, url(survey), {"q1": options(survey, 1), "q2": options(survey, 2)})

    assert response.status_code == 302
    assert Answer.objects.filter(question__order=2).count() == 1


def test_a_post_without_csrf_token_is_refused(csrf_client, survey):
    assert csrf_client.post(url(survey), {"q1": options(survey, 1)}).status_code == 403
    assert SurveyResponse.objects.count() == 0


# Once per person, as far as an anonymous site can tell.


def test_a_browser_answers_a_survey_once(csrf_client, survey):
    send(csrf_client, url(survey), {"q1": options(survey, 1)})

    again = csrf_client.get(url(survey, "qu"))
    same_browser = Client()
    same_browser.cookies = csrf_client.cookies
    repost = same_browser.post(url(survey), {"q1": options(survey, 1), "token": "y" * 32})

    assert again.status_code == 200
    assert again.context["answered_on"] == timezone.localdate()
    assert 'name="q1"' not in again.text
    assert repost.status_code == 409
    assert SurveyResponse.objects.count() == 1
    other = survey_with_questions()
    assert send(csrf_client, url(other), {"q1": options(other, 1)}).status_code == 302


def test_the_cookie_is_signed_so_it_cannot_be_forged(survey):
    client = Client()
    client.cookies[f"conecta_survey_{survey.pk}"] = "2026-01-01"

    assert "answered_on" not in client.get(url(survey)).context


def test_the_cookie_is_kept_until_the_survey_closes(csrf_client, survey):
    response = send(csrf_client, url(survey), {"q1": options(survey, 1)})

    cookie = response.cookies[f"conecta_survey_{survey.pk}"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert 30 * 24 * 3600 - 60 < int(cookie["max-age"]) <= 32 * 24 * 3600
    assert Client().get(url(survey)).context["form"] is not None


def test_a_replayed_form_token_stores_nothing_more_and_still_remembers_the_answer(csrf_client, survey):
    data = {**hidden_values(csrf_client.get(url(survey)).text), "q1": options(survey, 1)}

    responses = [Client().post(url(survey), data) for _ in range(3)]

    assert {r.status_code for r in responses} == {302}
    assert len({r["Location"] for r in responses}) == 1
    assert all(f"conecta_survey_{survey.pk}" in r.cookies for r in responses)
    assert SurveyResponse.objects.count() == 1
    assert Answer.objects.count() == 3


def test_a_script_dropping_cookies_meets_the_rate_limit(survey, settings):
    settings.PARTICIPATION_RATE_LIMITS = {**settings.PARTICIPATION_RATE_LIMITS, "survey": (3, 15)}

    statuses = [send(Client(), url(survey), {"q1": options(survey, 1)}).status_code for _ in range(4)]

    assert statuses == [302, 302, 302, 429]
    assert SurveyResponse.objects.count() == 3


# Hostile input in the free text.


@pytest.mark.parametrize(("text", "extra", "stored"), HOSTILE)
def test_hostile_text_is_stored_clean_or_refused(csrf_client, survey, text, extra, stored):
    if stored is None and text.strip("\x00\x01\x02") == "":
        stored = ""  # the free-text question is optional: only control characters is no answer at all

    response = send(csrf_client, url(survey), {"q1": options(survey, 1)[:1], "q4": text, **extra})

    assert response.status_code in (200, 302)
    assert b"<script" not in response.content.lower()
    if stored is None:
        assert SurveyResponse.objects.count() == 0
    else:
        assert response.status_code == 302
        assert SurveyResponse.objects.count() == 1
        assert list(Answer.objects.exclude(text="").values_list("text", flat=True)) == ([stored] if stored else [])


def test_hostile_options_never_reach_the_page_unescaped(csrf_client):
    question = QuestionFactory(text_es=SCRIPT, help_text_es=SCRIPT, kind=Question.Kind.SINGLE, order=1)
    ChoiceFactory(question=question, text_es=SCRIPT)
    ChoiceFactory(question=question, text_es='"><img src=x onerror=alert(1)>')

    page = csrf_client.get(url(question.survey))

    assert page.status_code == 200
    assert b"<script" not in page.content.lower() and "<img src=x" not in page.text


def test_a_survey_closing_while_someone_answers_stores_nothing_and_leads_to_its_results(csrf_client, survey):
    page = csrf_client.get(url(survey))
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - timedelta(seconds=1))

    response = csrf_client.post(url(survey), {**hidden_values(page.text), "q1": options(survey, 1)})

    assert response.status_code == 302
    assert response["Location"] == f"/es/participa/encuestas/{survey.slug}/resultados/"
    assert SurveyResponse.objects.count() == 0


def test_a_survey_closing_during_the_send_itself_stores_nothing(csrf_client, survey, monkeypatch):
    from surveys import views as survey_views
    from surveys.services import SurveyNotOpen

    def closed_meanwhile(**kwargs):
        raise SurveyNotOpen(survey.slug)

    monkeypatch.setattr(survey_views, "survey_response_submit", closed_meanwhile)

    response = send(csrf_client, url(survey), {"q1": options(survey, 1)})

    assert response.status_code == 302 and response["Location"] == url(survey)
    assert SurveyResponse.objects.count() == 0
