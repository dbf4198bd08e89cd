"""/<lang>/participa/: the ways to take part, each with its form or a link to it; a cached page with no POST form."""

import pytest

from tests.factories import CommitmentFactory

from .factories import AnsweredSuggestionFactory

pytestmark = pytest.mark.django_db

# Measured: the plan, its published commitments, the count of public answers.
PARTICIPATE_QUERIES = 4


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_it_lists_every_way_to_take_part(citizen, current_plan, commitment, lang, django_assert_max_num_queries):
    CommitmentFactory(code="HIDE0001", plan=current_plan, is_published=False)
    AnsweredSuggestionFactory()

    with django_assert_max_num_queries(PARTICIPATE_QUERIES):
        response = citizen.get(f"/{lang}/participa/")

    text = response.text
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in text
    for url in (
        "participa/sugerencia/",
        "participa/seguimiento/",
        "participa/respuestas/",
        "participa/compromiso/",
        "privacidad/",
    ):
        assert f'"/{lang}/{url}"' in text, url
    assert f'<option value="{commitment.code}"' in text and "HIDE0001" not in text
    assert 'method="post"' not in text and "csrfmiddlewaretoken" not in text
    assert 'aria-current="page">' in text


def test_its_queries_do_not_grow_with_the_plan(citizen, current_plan, django_assert_max_num_queries):
    CommitmentFactory.create_batch(40, plan=current_plan)

    with django_assert_max_num_queries(PARTICIPATE_QUERIES):
        assert citizen.get("/es/participa/").status_code == 200


def test_it_is_cached_like_every_public_page(citizen, current_plan, settings, django_assert_max_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    citizen.get("/es/participa/")

    with django_assert_max_num_queries(0):
        response = citizen.get("/es/participa/")

    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("query", "goes_to"),
    [
        ("?compromiso=TEST0001&accion=comentar", "/es/participa/compromisos/TEST0001/comentar/"),
        ("?compromiso=test0001&accion=evaluar", "/es/participa/compromisos/TEST0001/evaluar/"),
        ("?compromiso=TEST0001&accion=%3Cscript%3E", "/es/participa/compromisos/TEST0001/comentar/"),
        ("?compromiso=HIDE0001&accion=evaluar", "/es/participa/"),
        ("?compromiso=%00", "/es/participa/"),
        ("", "/es/participa/"),
    ],
)
def test_choosing_a_commitment_leads_to_its_form(citizen, commitment, query, goes_to):
    CommitmentFactory(code="HIDE0001", is_published=False)

    response = citizen.get(f"/es/participa/compromiso/{query}")

    assert response.status_code == 302
    assert response["Location"] == goes_to


def test_the_navigation_offers_take_part_on_every_page(citizen, current_plan):
    home = citizen.get("/qu/").text

    assert 'href="/qu/participa/"' in home
