"""The public pages of road works: the list (/vias/) with its filters and totals, one work's page, the file of a
published document, the commitment page's panel, the sitemap section and the files `verify_files` checks."""

from __future__ import annotations

import gzip
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conecta import extensions
from meetings.models import Meeting
from roads.models import DocumentType, Executor, RoadDocument, RoadRequest, WorkKind, WorkStatus
from roads.services import road_progress_refresh
from roads.sitemaps import RoadWorkSitemap
from tests.factories import CantonFactory, pdf_bytes

from .factories import ParishFactory, RoadProgressFactory, RoadRequestFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 30 * 1024  # gzip, the page with its stylesheet
# Whatever the number of works: the list's cantons and parishes, its totals, the count and the rows of the page
# with their cantons.
LIST_QUERIES = 6
# The work with its department, commitment and meeting; its cantons, parishes, progress and documents; the requests
# it answers and those about it; its published recordings (kichwa); on a Kichwa page, the review of its Kichwa texts
# (kichwa.review).
DETAIL_QUERIES = 9


@pytest.fixture
def parish(db):
    return ParishFactory(code="160152", name_es="Tarqui")


def document_for(work, title: str = "Informe de avance", pages: int = 1, **fields) -> RoadDocument:
    """A PDF document of `work` of `pages` pages, saved as any code path would (the model checks the file and takes
    its SHA-256)."""
    fields.setdefault("document_type", DocumentType.PHYSICAL_PROGRESS)
    document = RoadDocument(
        work=work, title_es=title, file=SimpleUploadedFile("Informe de avance.pdf", pdf_bytes(pages)), **fields
    )
    document.save()
    return document


def full_work(code: str, parish, *, progress: int = 2, documents: int = 1, **fields):
    """A published work in `parish` (and its canton) with monthly progress and PDF documents."""
    work = RoadWorkFactory(code=code, **fields)
    work.cantons.add(parish.canton)
    work.parishes.add(parish)
    for month in range(progress):
        RoadProgressFactory(
            work=work,
            observed_on=date(2025, 1 + month % 12, 28) + timedelta(days=366 * (month // 12)),
            physical_pct=min(100, 10 + 3 * month),
            paid_amount=Decimal(1000 * (month + 1)),
        )
    for n in range(documents):
        document_for(work, title=f"Informe {n + 1}")
    road_progress_refresh()
    work.refresh_from_db()
    return work


def works(count: int, parish, *, first: int = 1, **fields) -> list:
    return [full_work(f"VIA-2025-{n:03d}", parish, **fields) for n in range(first, first + count)]


def page_and_stylesheet_gzip(html: bytes) -> int:
    stylesheet = (Path(django_settings.BASE_DIR) / "static" / "css" / "site.css").read_bytes()
    assert b"css/site" in html
    return len(gzip.compress(html, 9)) + len(gzip.compress(stylesheet, 9))


def listed_codes(response) -> list[str]:
    return re.findall(r'<a href="/\w\w/vias/(VIA-[0-9-]+)/"', response.text)


# The list.


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_list_shows_each_published_work_with_its_status_place_progress_and_money(citizen, parish, lang):
    work = full_work("VIA-2025-001", parish, name_es="Asfaltado Puyo – Tarqui", name_qu="Puyo – Tarqui ñan")
    full_work("VIA-2025-002", parish, is_published=False, name_es="Vía secreta")

    response = citizen.get(f"/{lang}/vias/")

    assert response.status_code == 200
    assert listed_codes(response) == ["VIA-2025-001"]
    page = response.text
    assert ("Asfaltado Puyo – Tarqui" if lang == "es" else "Puyo – Tarqui ñan") in page
    assert "Vía secreta" not in page
    assert work.get_status_display() in page  # in words ("En ejecución")
    assert "12,50 km" in page
    assert 'aria-label="13 %' in page and "13 %</span>" in page  # the bar says its number in text too
    assert "USD 2.000,00" in page and "USD 250.000,00" in page
    assert f'href="/{lang}/territorio/"' in page


def test_a_name_missing_in_kichwa_is_shown_in_spanish_marked_as_spanish(citizen, parish):
    full_work("VIA-2025-001", parish, name_es="Lastrado San Jacinto")

    page = citizen.get("/qu/vias/").text

    assert '<span lang="es">Lastrado San Jacinto</span>' in page


def test_the_totals_add_up_the_works_listed_by_status(citizen, parish):
    full_work("VIA-2025-001", parish, length_km=Decimal("10.5"), budget=Decimal("100000"))
    full_work("VIA-2025-002", parish, length_km=Decimal("4"), budget=Decimal("50000"))
    full_work(
        "VIA-2025-003", parish, status=WorkStatus.COMPLETION, actual_start=date(2025, 1, 1),
        actual_end=date(2025, 6, 1), length_km=Decimal("2"), budget=Decimal("25000"),
    )  # fmt: skip

    response = citizen.get("/es/vias/")

    totals = response.context["totals"]
    assert (totals.count, totals.length_km, totals.budget) == (3, Decimal("16.5"), Decimal("175000"))
    assert totals.paid == Decimal(6000)
    assert [(value, count) for value, _label, count in totals.by_status] == [
        ("implementation", 2),
        ("completion", 1),
    ]
    assert "16,5 km" in response.text and "USD 175.000" in response.text
    assert "3 obras viales" in response.text


def test_the_list_says_in_words_that_a_work_is_late(citizen, parish):
    today = timezone.localdate()
    full_work("VIA-2025-001", parish, planned_start=today - timedelta(days=100), planned_end=today - timedelta(days=3))
    full_work(
        "VIA-2025-002", parish, status=WorkStatus.COMPLETION, planned_start=today - timedelta(days=100),
        planned_end=today - timedelta(days=3), actual_start=today - timedelta(days=90),
        actual_end=today - timedelta(days=5),
    )  # fmt: skip

    rows = citizen.get("/es/vias/").text.split('<ol class="rows"')[1].split("</li>")

    assert "Retrasada: 3 días después de su fin planificado" in rows[0]
    assert "Retrasada" not in rows[1]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("estado=completion", ["VIA-2025-002"]),
        ("tipo=paving", ["VIA-2025-003"]),
        ("canton=arajuno", ["VIA-2025-003"]),
        ("parroquia=160152", ["VIA-2025-001", "VIA-2025-002"]),
        ("q=pomona", ["VIA-2025-002"]),  # a community, whatever its capitals
        ("q=via-2025-003", ["VIA-2025-003"]),  # a code
        ("q=Chuyma", ["VIA-2025-001"]),  # the Kichwa name
        ("q=curaray", ["VIA-2025-003"]),  # the description
        ("compromiso=TEST0002", ["VIA-2025-002"]),
        ("compromiso=test0002&estado=implementation", []),
        ("estado=implementation&canton=pastaza", ["VIA-2025-001"]),
    ],
)
def test_the_filters_work_without_javascript(citizen, parish, commitment, other_commitment, query, expected):
    arajuno = ParishFactory(
        code="160251", name_es="Curaray", canton=CantonFactory(code="1602", slug="arajuno", name_es="Arajuno")
    )
    full_work("VIA-2025-001", parish, name_es="Mantenimiento", name_qu="Chuyma ñan", commitment=commitment)
    full_work(
        "VIA-2025-002", parish, status=WorkStatus.COMPLETION, actual_start=date(2025, 1, 1),
        actual_end=date(2025, 6, 1), communities="San Jacinto, Pomona", commitment=other_commitment,
    )  # fmt: skip
    full_work("VIA-2025-003", arajuno, kind=WorkKind.PAVING, description_es="Hacia el río Curaray.")

    response = citizen.get(f"/es/vias/?{query}")

    assert response.status_code == 200
    assert listed_codes(response) == expected


def test_values_the_page_does_not_offer_are_ignored_never_an_error(citizen, parish):
    full_work("VIA-2025-001", parish)

    for query in (
        "estado=borrado", "tipo=%00", "canton=mars", "parroquia=999999", "compromiso=NOEXISTE", "compromiso=%00",
        "q=%00%00", f"q={'a' * 5000}", "page=99", "page=abc", "estado=implementation&estado=x",
    ):  # fmt: skip
        response = citizen.get(f"/es/vias/?{query}")
        assert response.status_code == 200, query
    assert listed_codes(citizen.get("/es/vias/?estado=borrado&canton=mars")) == ["VIA-2025-001"]


def test_the_active_filters_can_be_removed_one_by_one(citizen, parish, commitment):
    full_work("VIA-2025-001", parish, commitment=commitment)

    page = citizen.get("/es/vias/?compromiso=TEST0001&estado=implementation").text

    assert "Compromiso ambiental" in page  # the commitment named by its title
    assert 'href="/es/vias/?estado=implementation"' in page  # without the commitment
    assert 'href="/es/vias/?compromiso=TEST0001"' in page  # without the status
    assert '<input type="hidden" name="compromiso" value="TEST0001">' in page


def test_the_list_pages_25_works_in_code_order(citizen, parish):
    works(30, parish, progress=0, documents=0)

    first = citizen.get("/es/vias/")
    second = citizen.get("/es/vias/?page=2")

    assert listed_codes(first) == [f"VIA-2025-{n:03d}" for n in range(1, 26)]
    assert listed_codes(second) == [f"VIA-2025-{n:03d}" for n in range(26, 31)]
    assert 'href="?page=2"' in first.text


def test_the_list_costs_the_same_few_queries_for_3_or_30_works(citizen, parish, django_assert_max_num_queries):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            for query in ("", "?estado=implementation&canton=pastaza&q=via"):
                assert citizen.get(f"/es/vias/{query}").status_code == 200
        return len(captured)

    works(3, parish)
    few = queries()
    works(27, parish, first=4)
    many = queries()

    assert few == many == 2 * LIST_QUERIES
    with django_assert_max_num_queries(LIST_QUERIES + 1):
        citizen.get("/qu/vias/?compromiso=TEST0001")


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_a_full_page_of_works_stays_within_the_weight_budget(citizen, parish, lang):
    works(25, parish, progress=1, documents=0, name_es="Mantenimiento de la vía Puyo – Tarqui – Veracruz")

    assert page_and_stylesheet_gzip(citizen.get(f"/{lang}/vias/").content) <= PAGE_BUDGET


# One work.


@pytest.fixture
def meeting(db):
    return Meeting.objects.create(
        slug="consulta-previa-sarayaku",
        kind=Meeting.Kind.CITIZEN_ASSEMBLY,
        title_es="Consulta previa en Sarayaku",
        date=date(2025, 2, 10),
        is_published=True,
    )


@pytest.fixture
def work(parish, commitment, meeting):
    return full_work(
        "VIA-2025-001",
        parish,
        name_es="Asfaltado Puyo – Tarqui",
        description_es="Asfaltado de la vía.",
        commitment=commitment,
        communities="San Jacinto, Pomona",
        start_reference="Puyo",
        end_reference="Tarqui",
        executor=Executor.CONTRACTOR,
        contractor_name="Constructora Amazónica S.A.",
        contractor_ruc="1690012345001",
        financing="bde",
        procurement_code="LICO-GADPPZ-2025-001",
        ocds_id="ocds-5wno2w-LICO-GADPPZ-2025-001",
        indigenous_territory=True,
        prior_consultation=True,
        consultation_meeting=meeting,
        geometry_note_es="Línea aproximada entre las comunidades nombradas.",
    )


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_work_page_says_what_where_who_how_much_and_when(citizen, work, lang):
    response = citizen.get(f"/{lang}/vias/VIA-2025-001/")

    assert response.status_code == 200
    page = response.text
    assert "<h1>" in page and "Asfaltado Puyo – Tarqui" in page
    assert f'href="/{lang}/territorio/pastaza/"' in page  # the canton, and the parish's canton, link to its page
    assert "Tarqui" in page and "San Jacinto, Pomona" in page
    assert "Constructora Amazónica S.A." in page and "1690012345001" in page
    assert "USD 250.000,00" in page and "LICO-GADPPZ-2025-001" in page and "ocds-5wno2w-LICO-GADPPZ-2025-001" in page
    assert f'href="/{lang}/compromisos/TEST0001/"' in page
    assert f'href="/{lang}/reuniones/consulta-previa-sarayaku/"' in page
    assert "Línea aproximada entre las comunidades nombradas." in page
    assert '<polyline class="work-line"' in page
    if lang == "es":
        for words in (
            "Banco de Desarrollo del Ecuador",
            "Contratista",
            "1 de marzo de 2025",
            "31 de diciembre de 2025",
        ):
            assert words in page


def test_the_work_page_says_in_words_that_the_work_is_late(citizen, parish):
    today = timezone.localdate()
    full_work("VIA-2025-001", parish, planned_start=today - timedelta(days=60), planned_end=today - timedelta(days=1))

    page = citizen.get("/es/vias/VIA-2025-001/").text

    assert "Retrasada: su fin planificado pasó hace 1 día y no está terminada." in page


def test_a_work_that_is_not_late_says_nothing_of_it(citizen, parish):
    today = timezone.localdate()
    full_work("VIA-2025-001", parish, planned_start=today, planned_end=today + timedelta(days=30))

    assert "Retrasada" not in citizen.get("/es/vias/VIA-2025-001/").text


def test_an_example_work_says_it_is_example_data(citizen, parish):
    full_work("VIA-2025-001", parish, is_example=True)

    page = citizen.get("/es/vias/VIA-2025-001/").text

    assert 'class="example-note"' in page and "Datos de ejemplo" in page
    assert "datos de ejemplo" in citizen.get("/es/vias/").text


def test_the_progress_history_is_a_table_beside_a_step_chart(citizen, work):
    progress = work.progress.order_by("observed_on")[0]
    progress.note_es = "Limpieza de cunetas."
    progress.save()

    page = citizen.get("/es/vias/VIA-2025-001/").text

    history = page.split('id="progress"')[1].split("</section>")[0]
    assert '<svg class="spark work-spark"' in history
    assert 'aria-label="Del 10 % el 28 de enero de 2025 al 13 % el 28 de febrero de 2025"' in history
    assert history.index("28 de enero de 2025") < history.index("28 de febrero de 2025")
    assert "USD 1.000,00" in history and "Limpieza de cunetas." in history


def test_unpublished_progress_and_documents_are_never_shown(citizen, work):
    RoadProgressFactory(work=work, observed_on=date(2025, 5, 30), physical_pct=90, is_published=False)
    withdrawn = document_for(work, title="Contrato retirado", pages=2, is_published=False)
    road_progress_refresh()

    page = citizen.get("/es/vias/VIA-2025-001/").text

    assert "90 %" not in page and "30 de mayo de 2025" not in page
    assert "Contrato retirado" not in page and withdrawn.sha256 not in page


def test_documents_are_listed_with_their_type_date_size_and_sha256(citizen, work):
    document = work.documents.get()
    link = document_for(work, title="Proceso en el SERCOP", document_type=DocumentType.CONTRACT)
    RoadDocument.objects.filter(pk=link.pk).update(file="", url="https://www.compraspublicas.gob.ec/proceso/1")

    page = citizen.get("/es/vias/VIA-2025-001/").text

    assert f'<a href="{document.get_file_url()}">Informe 1</a>' in page
    assert "Informe de avance físico" in page
    assert document.sha256 in page and "(PDF, " in page
    assert '<a href="https://www.compraspublicas.gob.ec/proceso/1">Proceso en el SERCOP</a>' in page


def test_only_public_requests_are_listed_with_their_code_problem_parish_and_status(citizen, work, parish):
    answered = RoadRequestFactory(parish=parish, answered_by_work=work, status=RoadRequest.Status.SCHEDULED)
    about = RoadRequestFactory(parish=parish, work=work, kind=RoadRequest.Kind.LANDSLIDE)
    pending = RoadRequestFactory(parish=parish, answered_by_work=work, moderation="pending")

    page = citizen.get("/es/vias/VIA-2025-001/").text

    assert f'<a href="/es/vias/solicitudes/{answered.tracking_code}/">' in page
    assert "Programado" in page and "Bache" in page
    assert about.tracking_code in page and "Derrumbe" in page
    assert pending.tracking_code not in page


def test_the_open_data_section_links_the_works_open_formats(citizen, work):
    page = citizen.get("/es/vias/VIA-2025-001/").text

    assert 'href="/vias/oc4ids/VIA-2025-001.json"' in page
    assert 'href="/vias/obras.csv"' in page and 'href="/vias/avances.csv"' in page


@pytest.mark.parametrize(
    "address",
    ["/es/vias/VIA-2025-009/", "/es/vias/via-2025-001/", "/qu/vias/VIA%00/", f"/es/vias/{'A' * 40}/"],
)
def test_an_unknown_work_is_a_404(citizen, work, address):
    assert citizen.get(address).status_code == 404


def test_an_unpublished_work_is_a_404_in_both_languages(citizen, work):
    work.is_published = False
    work.save()

    for lang in ("es", "qu"):
        assert citizen.get(f"/{lang}/vias/VIA-2025-001/").status_code == 404


def test_an_unpublished_meeting_or_commitment_is_not_linked(citizen, work, meeting, commitment):
    Meeting.objects.filter(pk=meeting.pk).update(is_published=False)
    type(commitment).objects.filter(pk=commitment.pk).update(is_published=False)

    page = citizen.get("/es/vias/VIA-2025-001/").text

    assert "consulta-previa-sarayaku" not in page and "/compromisos/TEST0001/" not in page


def test_the_work_page_costs_the_same_few_queries_for_3_or_30_of_everything(
    citizen, parish, commitment, meeting, django_assert_max_num_queries
):
    few = full_work(
        "VIA-2025-001", parish, progress=3, documents=3, commitment=commitment, consultation_meeting=meeting
    )
    many = full_work(
        "VIA-2025-002", parish, progress=30, documents=30, commitment=commitment, consultation_meeting=meeting
    )
    for work, count in ((few, 3), (many, 30)):
        for _n in range(count):
            RoadRequestFactory(parish=parish, answered_by_work=work)
            RoadRequestFactory(parish=parish, work=work)

    for code in ("VIA-2025-001", "VIA-2025-002"):
        for lang in ("es", "qu"):
            with django_assert_max_num_queries(DETAIL_QUERIES + 2):  # + the two counts past 20 requests
                assert citizen.get(f"/{lang}/vias/{code}/").status_code == 200
    with django_assert_max_num_queries(DETAIL_QUERIES - 1):  # no review of the Kichwa on a Spanish page
        citizen.get("/es/vias/VIA-2025-001/")


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_a_busy_work_page_stays_within_the_weight_budget(citizen, parish, lang):
    work = full_work("VIA-2025-001", parish, progress=30, documents=15)
    work.geometry = [[-78.0 + i * 0.001, -1.49 - (i % 7) * 0.0005] for i in range(2000)]
    work.save()
    for _n in range(20):
        RoadRequestFactory(parish=parish, answered_by_work=work)

    assert page_and_stylesheet_gzip(citizen.get(f"/{lang}/vias/VIA-2025-001/").content) <= PAGE_BUDGET


def test_a_work_without_geometry_says_it_is_not_drawn_yet(citizen, parish):
    full_work("VIA-2025-001", parish, geometry=[])

    page = citizen.get("/es/vias/VIA-2025-001/").text

    assert "work-line" not in page and "todavía no se ha dibujado" in page


# The file of a document.


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_published_document_is_served_with_the_safe_headers_in_one_query(
    citizen, work, django_assert_max_num_queries
):
    document = work.documents.get()
    url = document.get_file_url()
    assert f"/{document.sha256[:16]}/" in url

    with django_assert_max_num_queries(1):
        response = citizen.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="informe-de-avance.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    for part in ("default-src 'none'", "sandbox", "frame-ancestors 'none'"):
        assert part in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "public, max-age=86400, immutable"
    assert response["ETag"] == f'"{document.sha256}"'
    assert body(response) == pdf_bytes(1)
    assert citizen.get(url, headers={"If-None-Match": f'"{document.sha256}"'}).status_code == 304


@pytest.mark.parametrize("withdrawn", ["document", "work"])
def test_a_document_file_is_a_404_once_it_or_its_work_is_not_published(citizen, work, withdrawn):
    document = work.documents.get()
    url = document.get_file_url()
    assert citizen.get(url).status_code == 200

    record = {"document": document, "work": work}[withdrawn]
    type(record).objects.filter(pk=record.pk).update(is_published=False)

    assert citizen.get(url).status_code == 404


def test_guessed_document_addresses_are_404s_never_errors(citizen, work):
    url = work.documents.get().get_file_url()
    prefix, pk, digest, name = url.rsplit("/", 3)

    for guess in (
        f"{prefix}/{pk}/{'0' * 16}/{name}",
        f"{prefix}/{pk}/{digest.upper()}/{name}",
        f"{prefix}/{pk}/{digest[:8]}/{name}",
        f"{prefix}/{pk}/{digest}/otro.pdf",
        f"{prefix}/{int(pk) + 1}/{digest}/{name}",
        f"{prefix}/{'9' * 30}/{digest}/{name}",
    ):
        assert citizen.get(guess).status_code == 404, guess


# What roads adds to the floors below.


def test_the_commitment_page_lists_its_road_works_and_links_to_them(citizen, commitment, other_commitment, parish):
    full_work("VIA-2025-001", parish, commitment=commitment, name_es="Asfaltado Puyo – Tarqui")
    full_work("VIA-2025-002", parish, commitment=commitment, is_published=False, name_es="Vía secreta")
    full_work("VIA-2025-003", parish, commitment=other_commitment, name_es="Otra vía")

    for lang in ("es", "qu"):
        page = citizen.get(f"/{lang}/compromisos/TEST0001/").text
        panel = page.split('id="roadworks-h"')[1].split("</section>")[0]
        assert f'href="/{lang}/vias/VIA-2025-001/"' in panel and "13 %" in panel
        assert "Vía secreta" not in panel and "Otra vía" not in panel
        assert f'href="/{lang}/vias/?compromiso=TEST0001"' in panel


def test_a_commitment_without_road_works_has_no_road_panel(citizen, commitment):
    assert 'id="roadworks-h"' not in citizen.get("/es/compromisos/TEST0001/").text


def test_the_panel_shows_ten_works_and_says_how_many_there_are(citizen, commitment, parish):
    works(12, parish, progress=0, documents=0, commitment=commitment)

    panel = citizen.get("/es/compromisos/TEST0001/").text.split('id="roadworks-h"')[1].split("</section>")[0]

    assert panel.count("/es/vias/VIA-2025-") == 10
    assert "Ver las 12 obras viales de este compromiso" in panel


def test_verify_files_checks_the_published_documents_only(work):
    published = work.documents.get()
    hidden = document_for(work, title="Borrador", pages=2, is_published=False)

    names = {item.name: item for item in extensions.published_files()}

    assert published.file.name in names and hidden.file.name not in names
    assert names[published.file.name].sha256 == published.sha256
    assert names[published.file.name].size == published.size


def test_the_sitemap_lists_published_works_in_both_languages(work, parish):
    full_work("VIA-2025-002", parish, is_published=False)

    sitemap = RoadWorkSitemap()

    assert [w.code for w in sitemap.items()] == ["VIA-2025-001"]
    locations = {
        url["location"] for url in sitemap.get_urls(site=SimpleNamespace(domain="pastaza.example"), protocol="https")
    }
    assert locations == {f"https://pastaza.example/{lang}/vias/VIA-2025-001/" for lang in ("es", "qu")}
