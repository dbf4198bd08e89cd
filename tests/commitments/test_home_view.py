"""The public home page: the current plan's published commitments with derived progress, in each language."""

import io

import pytest
from django.core.management import call_command

from commitments.loaders import synthetic_prefix
from tests.factories import CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

# Measured: the plan, its commitments with their progress, and whether it holds example data. It does not grow
# with the number of commitments (3 real ones or 300 synthetic ones).
HOME_QUERIES = 3


def test_it_lists_the_published_commitments_of_the_plan_with_their_progress(citizen, commitment, other_commitment):
    MilestoneFactory(commitment=commitment, weight=1, progress=100)
    MilestoneFactory(commitment=commitment, weight=1, progress=20)

    response = citizen.get("/es/")

    assert response.status_code == 200
    listed = {c.code: c for c in response.context["commitments"]}
    assert list(listed) == ["TEST0001", "TEST0002"]
    assert listed["TEST0001"].progress == 60
    assert listed["TEST0002"].progress is None
    assert response.context["overall_progress"] == 60
    assert 'href="/es/compromisos/TEST0001/"' in response.text


def test_it_never_shows_an_unpublished_commitment(citizen, commitment, plan):
    CommitmentFactory(code="TEST0009", plan=plan, title_es="Borrador secreto", is_published=False)

    response = citizen.get("/es/")

    assert [c.code for c in response.context["commitments"]] == ["TEST0001"]
    assert "Borrador secreto" not in response.text
    assert "TEST0009" not in response.text


def test_unpublished_milestones_do_not_move_the_progress_shown(citizen, commitment):
    MilestoneFactory(commitment=commitment, progress=20)
    MilestoneFactory(commitment=commitment, progress=100, weight=10, is_published=False)

    response = citizen.get("/es/")

    assert response.context["commitments"][0].progress == 20


def test_it_says_so_when_no_plan_is_loaded(citizen):
    response = citizen.get("/es/")

    assert response.status_code == 200
    assert response.context["plan"] is None


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_real_plan_page_speaks_its_language(citizen, real_plan, lang):
    response = citizen.get(f"/{lang}/")

    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    assert response["Content-Language"] == lang
    title = real_plan.title_qu if lang == "qu" else real_plan.title_es
    assert f"<h1>{title}</h1>" in response.text


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_home_page_costs_the_same_few_queries_for_the_real_plan(
    citizen, real_plan, lang, django_assert_max_num_queries
):
    with django_assert_max_num_queries(HOME_QUERIES):
        response = citizen.get(f"/{lang}/")

    assert len(response.context["commitments"]) == 3


def test_the_home_page_costs_the_same_few_queries_for_300_commitments(
    citizen, settings, django_assert_max_num_queries
):
    call_command("seed_scale", "--commitments", "300", stdout=io.StringIO())
    settings.CONECTA_PLAN_SLUG = "sintetico-300"

    for lang in ("es", "qu"):
        with django_assert_max_num_queries(HOME_QUERIES):
            response = citizen.get(f"/{lang}/")

        assert len(response.context["commitments"]) == 300
        assert f"{synthetic_prefix(300)}0300" in response.text
