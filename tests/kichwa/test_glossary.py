"""The glossary of Kichwa terms: its sourced first terms, the public page and its CSV, the open-data dataset, and
its admin (reviewers and planners judge terms; every member of staff reads them)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from conecta.loading import LoadTally
from kichwa.glossary import glossary_term_save
from kichwa.loaders import TERMS, glossary_load
from kichwa.models import GlossaryTerm, ReviewerProfile, ReviewState
from kichwa.roles import KICHWA_REVIEWER
from opendata.datasets import dataset
from tests.factories import UserFactory

ORGANISATION = "Organización Kichwa de prueba"
PAGE = "/{lang}/kichwa/glosario/"
CSV_URL = "/es/kichwa/glosario.csv"
ADMIN = "/admin/kichwa/glossaryterm/"


@pytest.fixture
def reviewer(db):
    user = UserFactory(username="revisora-kichwa", groups=[KICHWA_REVIEWER])
    ReviewerProfile.objects.create(user=user, organisation=ORGANISATION)
    return user


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def terms(reviewer):
    """Two terms: one approved by the reviewer, one awaiting review."""
    search = GlossaryTerm(spanish="Buscar", kichwa="Maskana", meaning="Buscar en el portal.", source="MediaWiki qug")
    search.state = ReviewState.APPROVED
    glossary_term_save(term=search, by=reviewer)
    error = GlossaryTerm.objects.create(spanish="Error", kichwa="Pantay", source="MediaWiki qug · error")
    return search, error


# The sourced first terms (kichwa.loaders, from load_demo).


def test_the_loader_creates_the_sourced_terms_awaiting_review_once(db):
    tally = LoadTally()
    glossary_load(tally=tally)
    assert GlossaryTerm.objects.count() == len(TERMS) == tally.created["glossary terms"]
    for term in GlossaryTerm.objects.all():
        assert term.state == ReviewState.AWAITING and term.reviewed_by is None
        # Every Kichwa term names the public file it was found in (or the institution's document).
        assert any(name in term.source for name in ("MediaWiki", "Firefox", "Common Voice", "CPCCS")), term.source
    assert GlossaryTerm.objects.get(spanish="Buscar").kichwa == "Maskana"
    # Terms no source gives are left out, not made up.
    assert not GlossaryTerm.objects.filter(spanish__in=["Compromiso", "Informe", "Avance", "Hito"]).exists()

    edited = GlossaryTerm.objects.get(spanish="Buscar")
    edited.kichwa = "Maskay"
    edited.save()
    again = LoadTally()
    glossary_load(tally=again)
    assert again.created["glossary terms"] == 0 and again.skipped["glossary terms"] == len(TERMS)
    assert GlossaryTerm.objects.get(spanish="Buscar").kichwa == "Maskay"


def test_load_demo_loads_the_glossary(db):
    call_command("load_demo", stdout=io.StringIO())
    assert GlossaryTerm.objects.filter(spanish="Idioma", kichwa__startswith="Shimi").exists()


# The public page and its CSV.


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_page_shows_each_term_with_its_source_and_state(terms, citizen, lang):
    page = citizen.get(PAGE.format(lang=lang))

    assert page.status_code == 200
    text = page.text
    assert '<span lang="es">Buscar</span> ↔ <span lang="qu">Maskana</span>' in text
    assert "MediaWiki qug · error" in text
    reviewed_on = timezone.localdate().year
    if lang == "es":
        assert f"Revisado por {ORGANISATION}, " in text and str(reviewed_on) in text
        assert "En espera de revisión" in text
    else:
        assert f"{ORGANISATION} kutin rikurka, " in text
        assert "Kutin rikunata shuyakun" in text
    assert f'href="/{lang}/kichwa/glosario.csv"' in text
    assert f'href="/{lang}/datos/glosario-kichwa/"' in text
    # Who reviewed is said by organisation, never by the person.
    assert "revisora-kichwa" not in text


def test_the_page_reads_one_query_whatever_the_number_of_terms(terms, citizen, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        citizen.get(PAGE.format(lang="es"))
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(spanish=f"término {n}", kichwa=f"shimi {n}", source="x") for n in range(30)
    )
    with django_assert_max_num_queries(len(few)):
        assert "término 29" in citizen.get(PAGE.format(lang="es")).text


def test_an_empty_glossary_says_so(db, citizen):
    assert "Aún no se ha añadido ningún término al glosario." in citizen.get(PAGE.format(lang="es")).text


def test_the_csv_holds_every_term_with_codes_and_no_person(terms, citizen):
    GlossaryTerm.objects.create(spanish="Suma", kichwa="=1+1", source="prueba")
    response = citizen.get(CSV_URL)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="conecta-pastaza-glosario-kichwa.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["termino_es"] for row in rows] == ["Buscar", "Error", "Suma"]
    assert rows[0]["estado"] == "approved" and rows[0]["revisado_por"] == ORGANISATION
    assert rows[0]["revisado_el"] == timezone.localdate().isoformat()
    assert rows[1]["estado"] == "awaiting" and rows[1]["revisado_por"] == "" and rows[1]["revisado_el"] == ""
    assert rows[2]["termino_qu"] == "'=1+1"  # a spreadsheet shows it as text, not a formula
    assert "revisora-kichwa" not in response.content.decode()


def test_the_glossary_is_an_open_data_dataset(terms):
    glossary = dataset("glosario-kichwa")

    assert glossary is not None and glossary.primary_key == ("termino_es",)
    rows = list(glossary.rows())
    assert [row["termino_es"] for row in rows] == ["Buscar", "Error"]
    assert rows[0]["revisado_el"] == timezone.localdate() and isinstance(rows[0]["revisado_el"], date)
    assert rows[1]["revisado_por"] is None and rows[1]["significado_es"] is None
    assert list(rows[0]) == glossary.column_names
    assert glossary.modified() == GlossaryTerm.objects.get(spanish="Error").updated_at


def test_the_dataset_page_lists_the_glossary(terms, citizen):
    page = citizen.get("/es/datos/glosario-kichwa/")
    assert page.status_code == 200 and "Glosario de términos en kichwa" in page.text


# The admin.


def test_a_term_needs_a_source(reviewer_client):
    response = reviewer_client.post(
        f"{ADMIN}add/", {"spanish": "Ayuda", "kichwa": "Yanapa", "meaning": "", "source": "", "state": "awaiting"}
    )
    assert response.status_code == 200 and not GlossaryTerm.objects.exists()
    assert response.context["adminform"].form.errors["source"]


def test_approving_a_term_stamps_the_reviewer_their_organisation_and_the_time(reviewer, reviewer_client):
    reviewer_client.post(
        f"{ADMIN}add/",
        {"spanish": "Ayuda", "kichwa": "Yanapa", "meaning": "", "source": "MediaWiki qug · help", "state": "awaiting"},
    )
    term = GlossaryTerm.objects.get(spanish="Ayuda")
    assert term.reviewed_by is None and term.organisation == ""

    reviewer_client.post(
        f"{ADMIN}{term.pk}/change/",
        {"spanish": "Ayuda", "kichwa": "Yanapa", "meaning": "", "source": "MediaWiki qug · help", "state": "approved"},
    )
    term.refresh_from_db()
    assert term.reviewed_by == reviewer and term.organisation == ORGANISATION and term.reviewed_at is not None

    # Back to awaiting review: no reviewer any more.
    reviewer_client.post(
        f"{ADMIN}{term.pk}/change/",
        {"spanish": "Ayuda", "kichwa": "Yanapay", "meaning": "", "source": "MediaWiki qug · help", "state": "awaiting"},
    )
    term.refresh_from_db()
    assert term.reviewed_by is None and term.organisation == "" and term.reviewed_at is None


def test_the_approve_action_stamps_each_term(terms, reviewer, planner, planner_client):
    _search, error = terms
    response = planner_client.post(ADMIN, {"action": "approve_selected", "_selected_action": [error.pk]}, follow=True)
    assert response.status_code == 200
    error.refresh_from_db()
    assert error.state == ReviewState.APPROVED and error.reviewed_by == planner
    assert error.organisation == "Planificación"


def test_every_member_of_staff_reads_the_glossary_but_only_reviewers_change_it(
    terms, implementer_client, monitor_client, reviewer_client
):
    _search, error = terms
    assert implementer_client.get(ADMIN).status_code == 200
    assert monitor_client.get(f"{ADMIN}{error.pk}/change/").status_code == 200
    assert implementer_client.get(f"{ADMIN}add/").status_code == 403
    implementer_client.post(
        f"{ADMIN}{error.pk}/change/", {"spanish": "Error", "kichwa": "X", "source": "y", "state": "approved"}
    )
    error.refresh_from_db()
    assert error.kichwa == "Pantay" and error.state == ReviewState.AWAITING
    assert reviewer_client.get(f"{ADMIN}add/").status_code == 200
