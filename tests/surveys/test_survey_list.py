"""/<lang>/participa/encuestas/ and the surveys on /<lang>/participa/: open surveys with their closing date,
upcoming ones with their opening date, closed ones with a link to their results; drafts never."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from .factories import SurveyFactory, respond, survey_with_questions

pytestmark = pytest.mark.django_db

LIST = "/{lang}/participa/encuestas/"
# One query: every published survey with its count of responses.
LIST_QUERIES = 1


@pytest.fixture
def surveys():
    now = timezone.now()
    return {
        "open": SurveyFactory(slug="abierta", is_illustrative=True),
        "upcoming": SurveyFactory(slug="proxima", opens_at=now + timedelta(days=5), closes_at=now + timedelta(days=9)),
        "closed": survey_with_questions(
            slug="cerrada", opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=2)
        ),
        "draft": SurveyFactory(slug="borrador", is_published=False),
    }


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_it_lists_open_upcoming_and_closed_surveys_but_never_drafts(citizen, surveys, lang, django_assert_num_queries):
    respond(surveys["closed"], q1=[1])

    with django_assert_num_queries(LIST_QUERIES):
        response = citizen.get(LIST.format(lang=lang))

    text = response.text
    lists = response.context["lists"]
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in text
    assert (lists.open, lists.upcoming, lists.closed) == ([surveys["open"]], [surveys["upcoming"]], [surveys["closed"]])
    assert f'href="/{lang}/participa/encuestas/abierta/"' in text
    assert f'href="/{lang}/participa/encuestas/proxima/"' in text
    assert f'href="/{lang}/participa/encuestas/cerrada/resultados/"' in text
    assert "borrador" not in text
    assert 'class="tag"' in text  # the illustrative one says it is example data
    assert lists.closed[0].responses_count == 1
    assert 'method="post"' not in text


def test_its_queries_do_not_grow_with_the_surveys(citizen, django_assert_num_queries):
    for _ in range(15):
        respond(survey_with_questions(), q1=[1])

    with django_assert_num_queries(LIST_QUERIES):
        assert citizen.get(LIST.format(lang="es")).status_code == 200


def test_with_no_survey_it_says_so(citizen):
    response = citizen.get(LIST.format(lang="qu"))

    assert response.status_code == 200
    assert response.text.count('class="empty"') == 2


def test_the_participation_page_shows_the_open_surveys(citizen, surveys, current_plan):
    text = citizen.get("/qu/participa/").text

    assert 'href="/qu/participa/encuestas/abierta/"' in text
    assert 'href="/qu/participa/encuestas/"' in text
    for hidden in ("proxima", "cerrada", "borrador"):
        assert f"/encuestas/{hidden}/" not in text
