"""The public page of an institution: who it is, what it leads and supports in the current plan (published
commitments only), and a government's departments."""

import pytest
from django.utils import translation
from django.utils.html import escape

from commitments.loaders import synthetic_prefix
from commitments.selectors import INSTITUTION_LIST_LIMIT
from tests.factories import CommitmentFactory, InstitutionFactory, MilestoneFactory
from tests.replay import synthetic_plan

pytestmark = pytest.mark.django_db

# Measured: the institution (with the government it belongs to); the current plan; what it leads and what it
# supports, each with progress; their counts only when there are more than the page lists; its departments.
INSTITUTION_QUERIES = 7


@pytest.fixture
def current(settings, plan):
    settings.CONECTA_PLAN_SLUG = plan.slug
    return plan


def codes(rows) -> list[str]:
    return [c.code for c in rows]


def test_it_shows_who_the_institution_is(citizen, current, gad):
    gad.website = "https://pastaza.gob.ec"
    gad.save()

    response = citizen.get("/es/instituciones/gadppz/")

    assert response.status_code == 200
    html = response.text
    assert "<h1>Gobierno Provincial de Pastaza" in html
    assert "(GADPPz)" in html
    assert str(gad.get_kind_display()) in html
    assert 'href="https://pastaza.gob.ec"' in html


def test_a_department_shows_what_it_leads_and_the_government_it_belongs_to(
    citizen, current, commitment, other_commitment
):
    MilestoneFactory(commitment=commitment, progress=40)

    response = citizen.get("/es/instituciones/direccion-ambiente/")

    assert codes(response.context["led"]) == ["TEST0001"]
    assert response.context["led"][0].progress == 40
    assert "40 %" in response.text
    assert '<a href="/es/instituciones/gadppz/">Gobierno Provincial de Pastaza</a>' in response.text
    assert response.context["departments"] == []


def test_a_government_shows_what_it_leads_as_lead_institution_and_its_departments(
    citizen, current, commitment, other_commitment
):
    response = citizen.get("/es/instituciones/gadppz/")

    assert codes(response.context["led"]) == ["TEST0001", "TEST0002"]
    assert response.context["led_count"] == 2
    html = response.text
    assert '<a href="/es/instituciones/direccion-ambiente/">Dirección de Gestión Ambiental</a>' in html
    assert '<a href="/es/instituciones/direccion-obras/">Dirección de Obras Públicas</a>' in html


def test_it_shows_what_it_supports(citizen, current, commitment, other_commitment):
    wwf = InstitutionFactory(slug="wwf", name_es="WWF Ecuador", kind="international")
    other_commitment.supporting_institutions.add(wwf)

    response = citizen.get("/es/instituciones/wwf/")

    assert codes(response.context["led"]) == []
    assert codes(response.context["supported"]) == ["TEST0002"]
    assert 'href="/es/compromisos/TEST0002/"' in response.text


def test_it_never_shows_unpublished_commitments_or_another_plans(citizen, current, gad, department):
    wwf = InstitutionFactory(slug="wwf", name_es="WWF Ecuador")
    draft = CommitmentFactory(
        code="TEST0009",
        plan=current,
        lead_institution=gad,
        lead_department=department,
        title_es="Borrador secreto",
        is_published=False,
    )
    draft.supporting_institutions.add(wwf)
    elsewhere = CommitmentFactory(
        code="TEST0008", lead_institution=gad, lead_department=department, title_es="De otro plan"
    )
    elsewhere.supporting_institutions.add(wwf)

    for slug in ("gadppz", "direccion-ambiente", "wwf"):
        response = citizen.get(f"/es/instituciones/{slug}/")
        assert response.context["led"] == [] and response.context["supported"] == []
        assert "Borrador secreto" not in response.text and "De otro plan" not in response.text
        with translation.override("es"):
            empty = translation.gettext("It does not lead or support any published commitment of the current plan.")
        assert escape(empty) in response.text


def test_beyond_the_limit_it_links_to_the_list_filtered_by_the_institution(citizen, current, gad, department):
    for n in range(1, INSTITUTION_LIST_LIMIT + 3):
        CommitmentFactory(code=f"TEST{n:04d}", plan=current, lead_institution=gad, lead_department=department)

    response = citizen.get("/es/instituciones/direccion-ambiente/")

    assert len(response.context["led"]) == INSTITUTION_LIST_LIMIT
    assert response.context["led_count"] == INSTITUTION_LIST_LIMIT + 2
    assert 'href="/es/compromisos/?institucion=direccion-ambiente"' in response.text
    listed = citizen.get("/es/compromisos/?institucion=direccion-ambiente")
    assert listed.context["page"].paginator.count == INSTITUTION_LIST_LIMIT + 2


@pytest.mark.parametrize("lang", ["es", "qu"])
@pytest.mark.parametrize("slug", ["nadie", "x" * 300, "gadppz-"])
def test_an_unknown_institution_is_not_found_in_the_current_language(citizen, current, gad, lang, slug):
    response = citizen.get(f"/{lang}/instituciones/{slug}/")

    assert response.status_code == 404
    assert f'<html lang="{lang}"' in response.text
    with translation.override(lang):
        assert f"<h1>{translation.gettext('Page not found')}</h1>" in response.text


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_page_speaks_its_language(citizen, real_plan, lang):
    response = citizen.get(f"/{lang}/instituciones/direccion-obras-publicas/")

    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    assert codes(response.context["led"]) == ["ECPTZ0003"]
    assert "<script" not in response.text


@pytest.mark.parametrize("slug", ["gadp-pastaza", "direccion-ambiente", "wwf"])
def test_the_institution_page_costs_the_same_few_queries_for_the_real_plan(
    citizen, real_plan, slug, django_assert_max_num_queries
):
    for lang in ("es", "qu"):
        with django_assert_max_num_queries(INSTITUTION_QUERIES):
            assert citizen.get(f"/{lang}/instituciones/{slug}/").status_code == 200


def test_the_institution_page_costs_the_same_few_queries_for_300_commitments(
    citizen, settings, django_assert_max_num_queries
):
    synthetic_plan(commitments=300)
    settings.CONECTA_PLAN_SLUG = "sintetico-300"

    for slug in ("gadp-pastaza", "direccion-ambiente", "wwf"):
        with django_assert_max_num_queries(INSTITUTION_QUERIES):
            response = citizen.get(f"/es/instituciones/{slug}/")
        assert response.status_code == 200
    response = citizen.get("/es/instituciones/gadp-pastaza/")
    assert response.context["led_count"] == 300
    assert codes(response.context["led"])[0] == f"{synthetic_prefix(300)}0001"
    assert len(response.context["led"]) == INSTITUTION_LIST_LIMIT
