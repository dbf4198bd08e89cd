"""The public page of one commitment: its published milestones and updates, and nothing unpublished."""

import pytest

from commitments.loaders import synthetic_prefix
from commitments.models import Evidence
from tests.factories import CommitmentFactory, MilestoneFactory, ProgressUpdateFactory
from tests.replay import synthetic_plan

pytestmark = pytest.mark.django_db

# Measured: the commitment with its progress; its OGP values, supporters, cantons; milestones, their evidence and
# their dated progress (observations); updates and their evidence. It does not grow with the plan, the milestones,
# their history or the evidence.
# 9 for the commitment, 5 for the participation panel (comments, evaluation counts, evaluation comments, the
# agreements of published meetings about it, and the open surveys about it). 2 for its published indicators and
# their published values (with the monitor's verdicts), whatever their number. 1 for its published road works
# (roads.panels). 2 for the published recordings of the commitment and of its updates (kichwa, one per list). 1 on a
# Kichwa page for the review of its Kichwa texts (kichwa.review: "Kichwa reviewed by...").
DETAIL_QUERIES = 9 + 5 + 2 + 1 + 2 + 1


def test_it_shows_the_published_milestones_and_updates(citizen, commitment):
    done = MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico publicado", progress=100)
    ProgressUpdateFactory(commitment=commitment, milestone=done, title_es="Diagnóstico concluido")

    response = citizen.get("/es/compromisos/TEST0001/")

    assert response.status_code == 200
    assert response.context["commitment"] == commitment
    assert "Diagnóstico publicado" in response.text
    assert "Diagnóstico concluido" in response.text


def test_it_never_shows_unpublished_milestones_or_updates(citizen, commitment):
    MilestoneFactory(commitment=commitment, order=1, title_es="Hito visible")
    hidden = MilestoneFactory(commitment=commitment, order=2, title_es="Hito en borrador", is_published=False)
    ProgressUpdateFactory(commitment=commitment, title_es="Avance en borrador", is_published=False)
    ProgressUpdateFactory(commitment=commitment, milestone=hidden, title_es="Avance sobre un hito oculto")

    response = citizen.get("/es/compromisos/TEST0001/")

    assert [m.title_es for m in response.context["milestones"]] == ["Hito visible"]
    assert response.context["updates"] == []
    for text in ("Hito en borrador", "Avance en borrador", "Avance sobre un hito oculto"):
        assert text not in response.text


def test_it_never_shows_unpublished_evidence(citizen, commitment):
    milestone = MilestoneFactory(commitment=commitment)
    Evidence.objects.create(milestone=milestone, title_es="Acta pública", url="https://pastaza.gob.ec/acta.pdf")
    Evidence.objects.create(
        milestone=milestone, title_es="Borrador interno", url="https://pastaza.gob.ec/b.pdf", is_published=False
    )

    response = citizen.get("/es/compromisos/TEST0001/")

    assert "Acta pública" in response.text
    assert "Borrador interno" not in response.text


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_an_unpublished_commitment_is_not_found(citizen, plan, lang):
    CommitmentFactory(code="TEST0009", plan=plan, title_es="Borrador secreto", is_published=False)

    response = citizen.get(f"/{lang}/compromisos/TEST0009/")

    assert response.status_code == 404
    assert "Borrador secreto" not in response.text


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_an_unknown_code_gets_the_not_found_page_in_the_current_language(citizen, commitment, lang):
    from django.utils import translation

    response = citizen.get(f"/{lang}/compromisos/NOPE0001/")

    assert response.status_code == 404
    assert f'<html lang="{lang}"' in response.text
    with translation.override(lang):
        heading = translation.gettext("Page not found")
    assert f"<h1>{heading}</h1>" in response.text
    assert f'href="/{lang}/"' in response.text


def test_the_kichwa_and_spanish_not_found_pages_differ(citizen, db):
    spanish = citizen.get("/es/compromisos/NOPE0001/").text
    kichwa = citizen.get("/qu/compromisos/NOPE0001/").text

    assert spanish != kichwa


def test_a_lower_case_code_finds_the_commitment(citizen, commitment):
    assert citizen.get("/es/compromisos/test0001/").status_code == 200


def test_a_very_long_code_is_simply_not_found(citizen, commitment):
    assert citizen.get("/es/compromisos/" + "X" * 5000 + "/").status_code == 404


@pytest.mark.parametrize("code", ["TEST0001%00", "TEST%2A", "TEST0001%20", "%C3%91AN0001"])
def test_a_code_that_cannot_be_one_is_not_found_without_asking_the_database(
    citizen, commitment, code, django_assert_max_num_queries
):
    with django_assert_max_num_queries(0):
        response = citizen.get(f"/es/compromisos/{code}/")

    assert response.status_code == 404


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_detail_page_costs_the_same_few_queries_for_the_real_plan(
    citizen, real_plan, lang, django_assert_max_num_queries
):
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = citizen.get(f"/{lang}/compromisos/ECPTZ0003/")

    assert len(response.context["milestones"]) == 4


def test_the_detail_page_costs_the_same_few_queries_for_300_commitments(
    citizen, settings, django_assert_max_num_queries
):
    synthetic_plan(commitments=300)
    settings.CONECTA_PLAN_SLUG = "sintetico-300"
    code = f"{synthetic_prefix(300)}0150"

    for lang in ("es", "qu"):
        with django_assert_max_num_queries(DETAIL_QUERIES):
            response = citizen.get(f"/{lang}/compromisos/{code}/")

        assert response.status_code == 200
        assert len(response.context["milestones"]) >= 4
        assert 'id="budget-t"' in response.text


def test_evidence_does_not_add_queries(citizen, commitment, django_assert_max_num_queries):
    for order in range(1, 6):
        milestone = MilestoneFactory(commitment=commitment, order=order)
        update = ProgressUpdateFactory(commitment=commitment, milestone=milestone)
        for n in range(3):
            Evidence.objects.create(milestone=milestone, title_es=f"Acta {order}.{n}", url="https://pastaza.gob.ec/a")
            Evidence.objects.create(update=update, title_es=f"Foto {order}.{n}", url="https://pastaza.gob.ec/f")

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = citizen.get("/es/compromisos/TEST0001/")

    assert "Acta 5.2" in response.text


def test_a_known_budget_is_shown_as_a_chart_with_its_table(citizen, commitment):
    commitment.budget_planned = 120000
    commitment.budget_executed = 30000
    commitment.save()

    response = citizen.get("/es/compromisos/TEST0001/")

    assert [value for _label, value in response.context["budget_rows"]] == [120000, 30000]
    assert 'id="budget-t"' in response.text
    assert 'width="25.0%"' in response.text
    assert "25 %" in response.text


def test_an_unknown_budget_draws_no_chart(citizen, commitment):
    response = citizen.get("/es/compromisos/TEST0001/")

    assert response.context["budget_rows"] == []
    assert 'id="budget-t"' not in response.text


def test_institutions_and_cantons_link_to_their_pages_and_values_are_listed(citizen, commitment):
    from tests.factories import CantonFactory, InstitutionFactory, OgpValueFactory

    commitment.supporting_institutions.add(InstitutionFactory(slug="wwf", name_es="WWF Ecuador"))
    commitment.cantons.add(CantonFactory(code="1602", slug="mera", name_es="Mera"))
    commitment.ogp_values.add(OgpValueFactory(code="civic-participation", name_es="Participación cívica"))

    html = citizen.get("/es/compromisos/TEST0001/").text

    assert '<a href="/es/instituciones/gadppz/">Gobierno Provincial de Pastaza</a>' in html
    assert '<a href="/es/instituciones/direccion-ambiente/">Dirección de Gestión Ambiental</a>' in html
    assert '<a href="/es/instituciones/wwf/">WWF Ecuador</a>' in html
    assert '<a href="/es/territorio/mera/">Mera</a>' in html
    assert "Participación cívica" in html


def test_it_links_to_its_atom_feed_in_the_page_and_in_the_head(citizen, commitment):
    html = citizen.get("/es/compromisos/TEST0001/").text

    head = html.split("</head>")[0]
    assert '<link rel="alternate" type="application/atom+xml" href="/es/compromisos/TEST0001/feed/"' in head
    assert '<a href="/es/compromisos/TEST0001/feed/">' in html.split("</head>")[1]


def test_each_update_has_an_anchor_the_feeds_and_home_link_to(citizen, commitment):
    update = ProgressUpdateFactory(commitment=commitment)

    html = citizen.get("/es/compromisos/TEST0001/").text

    assert f'id="update-{update.pk}"' in html


def test_the_detail_page_has_no_script(citizen, real_plan):
    assert "<script" not in citizen.get("/es/compromisos/ECPTZ0001/").text
