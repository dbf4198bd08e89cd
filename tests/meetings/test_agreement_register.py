"""The agreements register (/reuniones/acuerdos/) and its CSV: agreements of published meetings only, filtered by
status (or overdue) and commitment, overdue ones said in words, a fixed number of queries, open data without
personal data."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.selectors import CSV_COLUMNS
from tests.factories import CommitmentFactory

from .factories import AgreementFactory, MeetingFactory

pytestmark = pytest.mark.django_db

# Measured: the commitments offered by the filter; the count; the page of agreements with their meeting,
# institution and commitment.
REGISTER_QUERIES = 3
# The CSV: the commitments (to check the filter) and all the agreements, no count.
CSV_QUERIES = 2


def texts(response) -> list[str]:
    return [a.text_es for a in response.context["agreements"]]


@pytest.fixture
def cast(commitment, other_commitment):
    today = timezone.localdate()
    old = MeetingFactory(slug="comite-viejo", date=today - timedelta(days=200))
    new = MeetingFactory(slug="comite-nuevo", date=today - timedelta(days=10))
    return {
        "late": AgreementFactory(
            meeting=old, order=1, text_es="ATRASADO", due_date=today - timedelta(days=1), commitment=commitment
        ),
        "late_in_progress": AgreementFactory(
            meeting=old, order=2, text_es="EN-CURSO-ATRASADO", due_date=today - timedelta(days=30), status="in_progress"
        ),
        "due_today": AgreementFactory(meeting=old, order=3, text_es="VENCE-HOY", due_date=today),
        "done_late": AgreementFactory(
            meeting=new, order=1, text_es="CUMPLIDO", due_date=today - timedelta(days=5), status="done"
        ),
        "cancelled": AgreementFactory(
            meeting=new, order=2, text_es="CANCELADO", due_date=today - timedelta(days=5), status="cancelled"
        ),
        "no_date": AgreementFactory(meeting=new, order=3, text_es="SIN-FECHA", commitment=other_commitment),
    }


def test_overdue_means_still_pending_or_in_progress_after_the_due_date(citizen, cast):
    response = citizen.get("/es/reuniones/acuerdos/")

    overdue = {a.text_es: a.is_overdue for a in response.context["agreements"]}
    assert overdue == {
        "ATRASADO": True,
        "EN-CURSO-ATRASADO": True,
        "VENCE-HOY": False,
        "CUMPLIDO": False,
        "CANCELADO": False,
        "SIN-FECHA": False,
    }
    assert response.text.count('class="late"') == 2  # in words, not only in colour
    assert sorted(texts(citizen.get("/es/reuniones/acuerdos/?estado=vencido"))) == ["ATRASADO", "EN-CURSO-ATRASADO"]


def test_the_latest_meetings_agreements_come_first_in_their_order(citizen, cast):
    assert texts(citizen.get("/qu/reuniones/acuerdos/")) == [
        "CUMPLIDO",
        "CANCELADO",
        "SIN-FECHA",
        "ATRASADO",
        "EN-CURSO-ATRASADO",
        "VENCE-HOY",
    ]


def test_it_filters_by_status_and_commitment(citizen, cast, commitment, other_commitment):
    assert texts(citizen.get("/es/reuniones/acuerdos/?estado=cumplido")) == ["CUMPLIDO"]
    assert sorted(texts(citizen.get("/es/reuniones/acuerdos/?estado=pendiente"))) == [
        "ATRASADO",
        "SIN-FECHA",
        "VENCE-HOY",
    ]
    assert texts(citizen.get(f"/es/reuniones/acuerdos/?compromiso={commitment.code.lower()}")) == ["ATRASADO"]
    assert texts(citizen.get(f"/es/reuniones/acuerdos/?compromiso={other_commitment.code}&estado=vencido")) == []
    page = citizen.get(f"/es/reuniones/acuerdos/?compromiso={commitment.code}").text
    assert f'<option value="{commitment.code}" selected>' in page
    assert f'href="/es/reuniones/acuerdos.csv?compromiso={commitment.code}"' in page


def test_each_agreement_links_to_its_meeting_and_commitment(citizen, cast, commitment):
    text = citizen.get("/es/reuniones/acuerdos/").text

    assert 'href="/es/reuniones/comite-viejo/#acuerdo-' in text
    assert f'href="/es/compromisos/{commitment.code}/"' in text


def test_unpublished_meetings_and_unpublished_commitments_stay_out(citizen, cast):
    hidden = MeetingFactory(slug="borrador", is_published=False)
    AgreementFactory(meeting=hidden, text_es="SECRETO-ACUERDO")
    draft = CommitmentFactory(code="BORR0001", is_published=False, title_es="SECRETO-COMPROMISO")
    AgreementFactory(text_es="SOBRE-UN-BORRADOR", commitment=draft)

    for url in ("/es/reuniones/acuerdos/", "/es/reuniones/acuerdos.csv", "/es/reuniones/acuerdos/?compromiso=BORR0001"):
        body = citizen.get(url).content.decode()
        assert "SECRETO" not in body, url
        main = body.split('<main id="main"')[-1]  # (the page's own address, in its <head>, repeats the query)
        assert "BORR0001" not in main, url
    assert "SOBRE-UN-BORRADOR" in citizen.get("/es/reuniones/acuerdos/").text  # shown, without its draft commitment


def test_the_csv_is_open_data_with_both_languages_and_no_personal_data(citizen, cast, commitment, gad, settings):
    settings.SITE_URL = "https://conecta.example/"  # the CSV's addresses are the site's, not the request's
    cast["late"].owner_institution = gad
    cast["late"].text_qu = "Kichwa shimipi"
    cast["late"].save()

    response = citizen.get("/qu/reuniones/acuerdos.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="conecta-pastaza-acuerdos.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0].keys()) == CSV_COLUMNS
    assert len(rows) == 6
    late = next(r for r in rows if r["agreement_es"] == "ATRASADO")
    assert late["agreement_qu"] == "Kichwa shimipi"
    assert late["overdue"] == "yes" and late["status"] == "pending"
    assert late["commitment_code"] == commitment.code
    assert late["commitment_url"] == f"https://conecta.example/es/compromisos/{commitment.code}/"
    assert late["meeting_url"] == "https://conecta.example/es/reuniones/comite-viejo/"
    assert late["responsible_institution"] == gad.name_es
    assert {
        r["overdue"] for r in rows if r["agreement_es"] != "ATRASADO" and r["agreement_es"] != "EN-CURSO-ATRASADO"
    } == {"no"}
    body = response.content.decode()
    assert "@" not in body  # no e-mail of anyone


def test_the_csv_keeps_a_formula_as_text(citizen):
    AgreementFactory(text_es='=HYPERLINK("http://x")')

    rows = list(csv.DictReader(io.StringIO(citizen.get("/es/reuniones/acuerdos.csv").content.decode())))

    assert rows[0]["agreement_es"].startswith("'=")


def test_page_numbers_are_clamped(citizen, cast):
    for value in ("99999", "-3", "abc"):
        response = citizen.get(f"/es/reuniones/acuerdos/?page={value}")
        assert response.status_code == 200
        assert response.context["page"].number == 1


@pytest.mark.parametrize("count", [1, 40])
def test_the_register_costs_the_same_few_queries_for_few_and_many_agreements(
    citizen, commitment, gad, count, django_assert_num_queries
):
    for n in range(count):
        AgreementFactory(commitment=commitment, owner_institution=gad, meeting=MeetingFactory(slug=f"m-{n}"))

    with django_assert_num_queries(REGISTER_QUERIES):
        response = citizen.get("/es/reuniones/acuerdos/?page=2" if count > 30 else "/es/reuniones/acuerdos/")
    assert response.status_code == 200
    with django_assert_num_queries(CSV_QUERIES):
        assert citizen.get("/es/reuniones/acuerdos.csv").status_code == 200
