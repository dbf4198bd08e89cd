"""The staff admin of surveys: planners build them (questions on the survey's page, options on each question's
page) with clear refusals; nothing that would corrupt results can be removed once people answered; moderators
work the responses' queue; the monitor reads; implementers do not see surveys."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.html import escape

from feedback.models import Moderation
from surveys.models import Choice, Question, Survey, SurveyResponse
from surveys.selectors import survey_results
from tests.commitments.admin_helpers import spanish
from tests.participation import SCRIPT

from .factories import ChoiceFactory, QuestionFactory, SurveyFactory, respond, survey_with_questions

pytestmark = pytest.mark.django_db

SURVEYS = "/admin/surveys/survey/"
QUESTIONS = "/admin/surveys/question/"
RESPONSES = "/admin/surveys/surveyresponse/"


def survey_data(*questions: dict, **changes) -> dict:
    """What the survey's admin page posts: the survey, and its questions inline (each a dict of its fields)."""
    data = {
        "title_es": "¿Cómo quiere informarse del plan?",
        "title_qu": "¿Imashina willachishka kanata munanki?",
        "slug": "como-informarse",
        "description_es": "Dos minutos.",
        "description_qu": "",
        "opens_at_0": "2026-01-01",
        "opens_at_1": "00:00:00",
        "closes_at_0": "2027-02-28",
        "closes_at_1": "23:59:00",
        "plan": "",
        "commitment": "",
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(sum(1 for q in questions if q.get("id"))),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for index, question in enumerate(questions):
        row = {"text_qu": "", "help_text_es": "", "help_text_qu": "", **question}
        for name, value in row.items():
            if value is True:
                value = "on"
            if value is not False and value is not None:
                data[f"questions-{index}-{name}"] = str(value)
    for name, value in changes.items():
        if value is True:
            data[name] = "on"
        elif value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def existing(question: Question, **changes) -> dict:
    return {
        "id": question.pk,
        "survey": question.survey_id,
        "order": question.order,
        "kind": question.kind,
        "text_es": question.text_es,
        "text_qu": question.text_qu or "",
        "required": question.required,
        **changes,
    }


def question_data(question: Question | None, options: list[dict], **fields) -> dict:
    """What a question's admin page posts: the question and its options inline."""
    data = {
        "order": question.order if question else 1,
        "kind": question.kind if question else Question.Kind.SINGLE,
        "text_es": question.text_es if question else "¿Qué medio prefiere?",
        "text_qu": "",
        "help_text_es": "",
        "help_text_qu": "",
        "choices-TOTAL_FORMS": str(len(options)),
        "choices-INITIAL_FORMS": str(sum(1 for o in options if o.get("id"))),
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, option in enumerate(options):
        for name, value in {"text_qu": "", **option}.items():
            data[f"choices-{index}-{name}"] = str(value)
    return data


def errors_of(response) -> str:
    return response.content.decode()


# Building.


def test_a_planner_builds_a_survey_with_its_questions_in_both_languages(planner_client):
    response = planner_client.post(
        SURVEYS + "add/",
        survey_data(
            {"order": 1, "kind": "multiple", "text_es": "¿Por qué medios?", "text_qu": "¿Ima ñankunawan?"},
            {"order": 2, "kind": "text", "text_es": "¿Algo más?", "help_text_es": "Sin datos personales."},
        ),
    )

    survey = Survey.objects.get()
    assert response.status_code == 302
    assert (survey.title_qu, survey.is_published) == ("¿Imashina willachishka kanata munanki?", False)
    assert list(survey.questions.values_list("order", "kind", "text_qu")) == [
        (1, "multiple", "¿Ima ñankunawan?"),
        (2, "text", None),
    ]


def test_the_survey_page_links_each_question_to_its_options_and_the_preview(planner_client):
    survey = survey_with_questions(is_published=False)

    page = planner_client.get(f"{SURVEYS}{survey.pk}/change/")

    assert page.status_code == 200
    for question in survey.questions.filter(kind__in=Question.CHOICE_KINDS):
        assert f'href="{QUESTIONS}{question.pk}/change/"' in page.text
    assert f'href="/es/participa/encuestas/{survey.slug}/"' in page.text
    assert 'name="title_qu"' in page.text and 'name="questions-0-text_qu"' in page.text
    assert "/participa/encuestas/…/" in page.text  # the address's help text
    assert f'href="{QUESTIONS}add/?survey={survey.pk}"' in page.text
    add = planner_client.get(f"{QUESTIONS}add/?survey={survey.pk}")
    assert add.status_code == 200 and add.context["adminform"].form["survey"].value() == str(survey.pk)


def test_a_published_survey_needs_a_question(planner_client):
    response = planner_client.post(SURVEYS + "add/", survey_data(is_published=True))

    assert response.status_code == 200
    assert escape(spanish("A published survey needs at least one question.")) in errors_of(response)
    assert not Survey.objects.exists()


def test_publishing_needs_two_options_for_each_choice_question(planner_client):
    survey = SurveyFactory(slug="como-informarse", is_published=False)
    question = QuestionFactory(survey=survey, order=1, kind=Question.Kind.SINGLE)
    ChoiceFactory(question=question)

    refused = planner_client.post(f"{SURVEYS}{survey.pk}/change/", survey_data(existing(question), is_published=True))
    ChoiceFactory(question=question)
    accepted = planner_client.post(f"{SURVEYS}{survey.pk}/change/", survey_data(existing(question), is_published=True))

    assert refused.status_code == 200
    assert escape(
        spanish(
            "Question %(number)s needs at least two options before the survey is published: add them with “edit "
            "options” while the survey is a draft, or add the question with “Add a question with its options”.",
            number=1,
        )
    ) in errors_of(refused)
    assert accepted.status_code == 302
    survey.refresh_from_db()
    assert survey.is_published


def test_a_survey_must_close_after_it_opens(planner_client):
    response = planner_client.post(SURVEYS + "add/", survey_data(closes_at_0="2025-12-31"))

    assert response.status_code == 200
    assert escape(spanish("A survey must close after it opens.")) in errors_of(response)
    assert not Survey.objects.exists()


def test_a_question_that_no_longer_takes_options_must_lose_them_first(planner_client):
    survey = survey_with_questions(slug="como-informarse", is_published=False)
    question = survey.questions.get(order=2)

    response = planner_client.post(
        f"{SURVEYS}{survey.pk}/change/",
        survey_data(*[existing(q) for q in survey.questions.exclude(pk=question.pk)], existing(question, kind="text")),
    )

    assert response.status_code == 200
    assert escape(
        spanish("A scale or free-text question takes no options: remove them, or change the kind of question.")
    ) in errors_of(response)
    question.refresh_from_db()
    assert question.kind == Question.Kind.SINGLE


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        ("single", ["Radio"], "A single or multiple choice question needs at least two options."),
        ("multiple", [], "A single or multiple choice question needs at least two options."),
        (
            "text",
            ["Radio"],
            "A scale or free-text question takes no options: remove them, or change the kind of question.",
        ),
        (
            "scale",
            ["1", "2"],
            "A scale or free-text question takes no options: remove them, or change the kind of question.",
        ),
    ],
)
def test_the_question_page_checks_its_options(planner_client, kind, options, message):
    survey = SurveyFactory(is_published=False)

    response = planner_client.post(
        QUESTIONS + "add/",
        question_data(
            None,
            [{"order": n + 1, "text_es": text} for n, text in enumerate(options)],
            survey=survey.pk,
            kind=kind,
        ),
    )

    assert response.status_code == 200
    assert escape(spanish(message)) in errors_of(response)
    assert not Question.objects.exists()


def test_options_are_added_on_the_question_page_then_back_to_the_survey(planner_client):
    survey = SurveyFactory(is_published=False)
    question = QuestionFactory(survey=survey, order=1, kind=Question.Kind.SINGLE)

    page = planner_client.get(f"{QUESTIONS}{question.pk}/change/")
    response = planner_client.post(
        f"{QUESTIONS}{question.pk}/change/",
        question_data(
            question, [{"order": 1, "text_es": "Radio", "text_qu": "Radio"}, {"order": 2, "text_es": "Asamblea"}]
        ),
    )

    assert page.status_code == 200 and 'name="choices-1-order" value="2"' in page.text  # numbered for you
    assert response.status_code == 302
    assert response["Location"] == f"{SURVEYS}{survey.pk}/change/"
    assert list(question.choices.values_list("order", "text_es")) == [(1, "Radio"), (2, "Asamblea")]


def test_removing_a_question_of_a_draft_removes_its_options(planner_client):
    survey = survey_with_questions(slug="como-informarse", is_published=False)
    gone = survey.questions.get(order=2)

    response = planner_client.post(
        f"{SURVEYS}{survey.pk}/change/",
        survey_data(*[existing(q) for q in survey.questions.exclude(pk=gone.pk)], existing(gone, DELETE="on")),
    )

    assert response.status_code == 302
    assert not Question.objects.filter(pk=gone.pk).exists()
    assert not Choice.objects.filter(question_id=gone.pk).exists()
    assert survey.questions.count() == 3


# Once people answered.


@pytest.fixture
def answered():
    survey = survey_with_questions(slug="como-informarse")
    respond(survey, q1=[1], q2=2, q3=4, q4="Hola")
    return survey


def test_once_answered_a_question_keeps_its_kind(planner_client, answered):
    scale = answered.questions.get(order=3)

    response = planner_client.post(
        f"{SURVEYS}{answered.pk}/change/",
        survey_data(
            *[existing(q) for q in answered.questions.exclude(pk=scale.pk)],
            existing(scale, kind="text"),
            is_published=True,
        ),
    )

    assert response.status_code == 200
    assert escape(
        spanish(
            "People have already answered this survey: the kind of a question cannot change any more (its results "
            "would no longer add up). Add a new question instead."
        )
    ) in errors_of(response)
    scale.refresh_from_db()
    assert scale.kind == Question.Kind.SCALE


def test_once_answered_no_question_or_option_can_be_removed(planner_client, answered):
    questions = list(answered.questions.all())
    single = answered.questions.get(order=2)

    survey_page = planner_client.get(f"{SURVEYS}{answered.pk}/change/")
    question_page = planner_client.get(f"{QUESTIONS}{single.pk}/change/")
    planner_client.post(
        f"{SURVEYS}{answered.pk}/change/",
        survey_data(*[existing(q, DELETE="on") for q in questions], is_published=True),
    )
    planner_client.post(
        f"{QUESTIONS}{single.pk}/change/",
        question_data(
            single,
            [
                {"id": c.pk, "question": single.pk, "order": c.order, "text_es": c.text_es, "DELETE": "on"}
                for c in single.choices.all()
            ],
        ),
    )

    assert survey_page.status_code == 200 and "questions-0-DELETE" not in survey_page.text
    assert question_page.status_code == 200 and "choices-0-DELETE" not in question_page.text
    assert answered.questions.count() == 4 and single.choices.count() == 3
    assert planner_client.get(f"{QUESTIONS}{single.pk}/delete/").status_code == 403
    assert planner_client.post(
        QUESTIONS, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [single.pk], "post": "yes"}
    ).status_code in (200, 302)
    assert Question.objects.filter(pk=single.pk).exists()


def test_a_published_or_answered_survey_cannot_be_deleted(planner_client, answered):
    published = SurveyFactory()
    draft_answered = answered
    Survey.objects.filter(pk=draft_answered.pk).update(is_published=False)

    for survey in (published, draft_answered):
        assert planner_client.get(f"{SURVEYS}{survey.pk}/delete/").status_code == 403
        assert planner_client.post(f"{SURVEYS}{survey.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = planner_client.post(
        SURVEYS, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [published.pk, draft_answered.pk], "post": "yes"}
    )

    assert bulk.status_code == 200  # the page that lists why they cannot go
    assert Survey.objects.count() == 2
    with pytest.raises(ProtectedError), transaction.atomic():
        published.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Survey.objects.filter(pk=draft_answered.pk).delete()


def test_a_draft_nobody_answered_is_deleted_with_its_questions_and_options(planner_client):
    one, two = survey_with_questions(is_published=False), survey_with_questions(is_published=False)
    first_question = str(one.questions.first())

    confirm = planner_client.get(f"{SURVEYS}{one.pk}/delete/")
    deleted = planner_client.post(f"{SURVEYS}{one.pk}/delete/", {"post": "yes"})
    bulk = planner_client.post(SURVEYS, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [two.pk], "post": "yes"})

    assert confirm.status_code == 200 and escape(first_question) in confirm.text
    assert deleted.status_code == 302 and bulk.status_code == 302
    assert not Survey.objects.exists() and not Question.objects.exists() and not Choice.objects.exists()


# Roles.


def test_implementers_do_not_see_surveys(implementer_client):
    survey = survey_with_questions()

    for address in (SURVEYS, f"{SURVEYS}{survey.pk}/change/", RESPONSES, QUESTIONS):
        assert implementer_client.get(address).status_code == 403, address


def test_the_monitor_reads_surveys_and_responses_and_changes_nothing(monitor_client, answered):
    page = monitor_client.get(f"{SURVEYS}{answered.pk}/change/")
    post = monitor_client.post(f"{SURVEYS}{answered.pk}/change/", survey_data(title_es="Otro", is_published=True))

    assert page.status_code == 200
    assert monitor_client.get(RESPONSES).status_code == 200
    assert monitor_client.get(SURVEYS + "add/").status_code == 403
    assert post.status_code == 403
    assert Survey.objects.get().title_es != "Otro"
    assert "approve_selected" not in monitor_client.get(RESPONSES).text


# The responses' moderation queue.


def test_the_queue_opens_on_responses_with_words_to_moderate(planner_client, answered):
    silent = respond(answered, q1=[2])
    words = SurveyResponse.objects.exclude(pk=silent.pk).get()
    SurveyResponse.objects.filter(pk=words.pk).update(moderation=Moderation.PENDING)

    queue = planner_client.get(RESPONSES)
    everything = planner_client.get(f"{RESPONSES}?moderation=all&survey__id__exact={answered.pk}")

    assert list(queue.context["cl"].queryset) == [words]
    assert set(everything.context["cl"].queryset) == {words, silent}


def test_a_response_shows_its_answers_escaped_and_read_only(planner_client):
    survey = survey_with_questions()
    response = respond(survey, moderation=Moderation.PENDING, q1=[1, 3], q3=2, q4=SCRIPT)

    page = planner_client.get(f"{RESPONSES}{response.pk}/change/")

    assert page.status_code == 200
    assert SCRIPT not in page.text and escape(SCRIPT) in page.text
    assert "Radio" in page.text and "WhatsApp" in page.text and "2 / 5" in page.text
    assert 'name="moderation"' not in page.text


def test_rejecting_a_response_takes_it_out_of_the_figures(planner_client, planner, answered):
    response = SurveyResponse.objects.get()

    step = planner_client.post(
        RESPONSES + "?moderation=all", {"action": "reject_selected", ACTION_CHECKBOX_NAME: [response.pk]}
    )
    done = planner_client.post(
        RESPONSES + "?moderation=all",
        {"action": "reject_selected", ACTION_CHECKBOX_NAME: [response.pk], "apply": "1", "reason": "Spam"},
    )

    response.refresh_from_db()
    assert step.status_code == 200 and done.status_code == 302
    assert (response.moderation, response.moderated_by, response.moderation_reason) == (
        Moderation.REJECTED,
        planner,
        "Spam",
    )
    assert survey_results(survey=answered).total == 0


def test_approving_in_bulk_and_removing_the_network_hash(planner_client):
    survey = survey_with_questions()
    responses = [respond(survey, moderation=Moderation.PENDING, q1=[1], q4=f"Texto {n}") for n in range(3)]
    pks = [r.pk for r in responses]

    planner_client.post(RESPONSES + "?moderation=all", {"action": "approve_selected", ACTION_CHECKBOX_NAME: pks})
    planner_client.post(RESPONSES + "?moderation=all", {"action": "anonymise_selected", ACTION_CHECKBOX_NAME: pks})

    for response in SurveyResponse.objects.all():
        assert response.moderation == Moderation.APPROVED
        assert response.ip_hash == "" and response.anonymised_at is not None
    assert planner_client.get(RESPONSES + "add/").status_code == 403
    assert planner_client.get(f"{RESPONSES}{pks[0]}/delete/").status_code == 403
