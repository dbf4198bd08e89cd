"""The one-page printable summary of a road work (/<lang>/vias/<code>/resumen.pdf): one A4 page whatever the work
holds, its name, status, progress, money, dates, latest note, how to report a road problem and its address, in
Spanish and Kichwa, only for a published work, cached until it changes."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from roads import selectors, summary_pdf
from roads.models import Executor, WorkStatus
from roads.services import road_progress_refresh

from .factories import ParishFactory, RoadProgressFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)
# The published work's last change (1), then, not cached: the work with its department, commitment and meeting;
# its cantons, parishes, progress and documents (5).
QUERIES = 1 + 5


def pdf_text(content: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it, its lines joined by single spaces."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def unbroken(text: str) -> str:
    """The text without its spaces: a long address is broken across lines at its slashes."""
    return "".join(text.split())


def pages(content: bytes) -> list:
    return PdfReader(io.BytesIO(content)).pages


@pytest.fixture
def work(db):
    """A paving work in Tarqui under way and late, 40 % built, with a note on its latest progress."""
    parish = ParishFactory(code="160152", name_es="Tarqui")
    work = RoadWorkFactory(
        code="VIA-2025-007",
        name_es="Asfaltado de la vía Puyo – Tarqui",
        kind="paving",
        executor=Executor.CONTRACTOR,
        contractor_name="Constructora Amazónica S.A.",
        communities="San Pablo, Chuyayaku",
        start_reference="Puente del río Puyo",
        end_reference="Centro de Tarqui",
        planned_start=date(2025, 3, 1),
        planned_end=date(2025, 12, 31),
        actual_start=date(2025, 3, 10),
    )
    work.cantons.add(parish.canton)
    work.parishes.add(parish)
    RoadProgressFactory(work=work, observed_on=date(2025, 5, 31), physical_pct=25, paid_amount=Decimal("50000"))
    RoadProgressFactory(
        work=work,
        observed_on=date(2025, 6, 30),
        physical_pct=40,
        paid_amount=Decimal("90000"),
        note_es="Se colocó la carpeta asfáltica en los primeros cinco kilómetros.",
    )
    road_progress_refresh()
    work.refresh_from_db()
    return work


def test_it_prints_one_a4_page_with_the_name_the_progress_and_the_addresses(citizen, work, settings):
    settings.SITE_URL = "https://conecta.pastaza.gob.ec"

    response = citizen.get("/es/vias/VIA-2025-007/resumen.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="VIA-2025-007-resumen-es.pdf"'
    (page,) = pages(response.content)
    assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4
    text = pdf_text(response.content)
    assert "Asfaltado de la vía Puyo – Tarqui" in text
    assert "40 %" in text
    assert "En ejecución" in text  # its status
    assert "12,5" in text  # km
    assert "Tarqui" in text and "San Pablo, Chuyayaku" in text
    assert "Constructora Amazónica S.A." in text
    assert "USD 90.000,00" in text and "USD 250.000,00" in text
    assert "01/03/2025" in text and "31/12/2025" in text
    assert "Se colocó la carpeta asfáltica" in text
    assert "https://conecta.pastaza.gob.ec/es/vias/VIA-2025-007/" in unbroken(text)
    assert "https://conecta.pastaza.gob.ec/es/vias/reportar/" in unbroken(text)


@pytest.mark.parametrize(
    "language, actual",
    [("es", "Real: 10/03/2025 – sin fecha de fin"), ("qu", "10/03/2025 – tukurina puncha illan")],
)
def test_a_missing_end_date_is_said_in_words(citizen, work, language, actual):
    """The work under way has no actual end yet: never "10/03/2025 – —"."""
    text = pdf_text(citizen.get(f"/{language}/vias/VIA-2025-007/resumen.pdf").content)

    assert actual in text
    assert "– —" not in text


def test_a_late_work_says_so_in_words(citizen, work):
    days = (timezone.localdate() - date(2025, 12, 31)).days
    assert days > 0  # the fixture's planned end has passed

    text = pdf_text(citizen.get("/es/vias/VIA-2025-007/resumen.pdf").content)

    assert f"Retrasada: {days} días después de su fin planificado" in text


def test_the_qr_code_holds_the_pages_absolute_address(work, settings):
    import segno

    settings.SITE_URL = "https://conecta.pastaza.gob.ec"
    found = selectors.work_public_detail(code="VIA-2025-007")
    selectors.schedule_mark([found], today=timezone.localdate())

    html = summary_pdf.summary_html(found, fit=summary_pdf.STEPS[0], today=timezone.localdate())

    expected = segno.make("https://conecta.pastaza.gob.ec/es/vias/VIA-2025-007/", error="m")
    assert expected.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True).split("<path")[1] in html


@pytest.mark.parametrize("language", ["es", "qu"])
def test_a_long_name_and_many_places_still_fit_on_one_page(citizen, language, settings):
    settings.CONTACT_PHONE = "+593 3 288 5000"
    settings.CONTACT_WHATSAPP = "099 123 4567"
    settings.CONTACT_OFFICE_ADDRESS = "Calle 27 de Febrero y Sucre, Puyo, edificio del Gobierno Provincial"
    settings.CONTACT_OFFICE_HOURS = "De lunes a viernes, de 08:00 a 17:00"
    settings.CONTACT_EMAIL = "participacion@pastaza.gob.ec"
    words = "Rehabilitación y lastrado de la vía que une las comunidades ribereñas del río Bobonaza".split()
    work = RoadWorkFactory(
        code="VIA-2025-099",
        name_es=" ".join(words * 4)[:250],
        executor=Executor.AGREEMENT,
        partner=" ".join(words * 3)[:250],
        communities=", ".join(f"Comunidad {n}" for n in range(30))[:500],  # the field's length (PostgreSQL checks it)
        start_reference=" ".join(words * 2)[:150],
        end_reference=" ".join(words * 2)[:150],
        status=WorkStatus.IMPLEMENTATION,
    )
    for n in range(12):
        parish = ParishFactory(name_es=f"Parroquia rural número {n}")
        work.cantons.add(parish.canton)
        work.parishes.add(parish)
    RoadProgressFactory(work=work, physical_pct=55, note_es=" ".join(words * 12)[:2000])
    road_progress_refresh()

    response = citizen.get(f"/{language}/vias/VIA-2025-099/resumen.pdf")

    assert response.status_code == 200
    assert len(pages(response.content)) == 1
    text = pdf_text(response.content)
    assert f"/{language}/vias/VIA-2025-099/" in unbroken(text)
    assert "55 %" in text
    assert "+593 3 288 5000" in text


def test_it_speaks_kichwa_and_marks_the_spanish_stand_ins(citizen, work):
    response = citizen.get("/qu/vias/VIA-2025-007/resumen.pdf")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="VIA-2025-007-resumen-qu.pdf"'
    assert len(pages(response.content)) == 1
    text = pdf_text(response.content)
    with translation.override("qu"):
        for msgid in ("Physical progress", "Report a road problem", "Take part"):
            assert translation.gettext(msgid) in text
        assert translation.gettext("Physical progress") != "Physical progress"
        found = selectors.work_public_detail(code="VIA-2025-007")
        html = summary_pdf.summary_html(found, fit=summary_pdf.STEPS[0], today=timezone.localdate())
    assert '<html lang="qu">' in html
    assert '<span lang="es">Asfaltado de la vía Puyo – Tarqui</span>' in html
    assert "/qu/vias/VIA-2025-007/" in unbroken(text) and "/qu/vias/reportar/" in unbroken(text)


@pytest.mark.parametrize("language", ["es", "qu"])
def test_an_unpublished_or_unknown_work_has_no_summary(citizen, language):
    RoadWorkFactory(code="VIA-2025-666", name_es="Obra en borrador", is_published=False)

    for code in ("VIA-2025-666", "VIA-2025-404", "via-2025-666", "V" * 40):
        response = citizen.get(f"/{language}/vias/{code}/resumen.pdf")
        assert response.status_code == 404
        assert b"Obra en borrador" not in response.content


def test_unpublished_progress_is_never_printed(citizen, work):
    RoadProgressFactory(
        work=work, observed_on=date(2025, 7, 31), physical_pct=70, note_es="Nota en borrador", is_published=False
    )
    road_progress_refresh()

    text = pdf_text(citizen.get("/es/vias/VIA-2025-007/resumen.pdf").content)

    assert "40 %" in text
    assert "70 %" not in text
    assert "Nota en borrador" not in text


def test_its_queries_do_not_grow_with_the_places_or_the_progress(citizen, work, django_assert_num_queries):
    for n in range(6):
        parish = ParishFactory(name_es=f"Parroquia {n}")
        work.parishes.add(parish)
        RoadProgressFactory(work=work, observed_on=date(2025, 1 + n, 1), physical_pct=1 + n)
    road_progress_refresh()

    with django_assert_num_queries(QUERIES):
        assert citizen.get("/es/vias/VIA-2025-007/resumen.pdf").status_code == 200


def test_it_is_cached_until_the_work_or_its_progress_changes(citizen, work, settings, django_assert_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    first = citizen.get("/es/vias/VIA-2025-007/resumen.pdf")

    with mock.patch.object(summary_pdf, "one_page_pdf") as render, django_assert_num_queries(1):
        again = citizen.get("/es/vias/VIA-2025-007/resumen.pdf")
    assert again.content == first.content
    render.assert_not_called()

    # A new month's progress refreshes the work with a queryset update (no post_save, no updated_at).
    RoadProgressFactory(work=work, observed_on=date(2025, 7, 31), physical_pct=63)
    road_progress_refresh()
    assert "63 %" in pdf_text(citizen.get("/es/vias/VIA-2025-007/resumen.pdf").content)


def test_the_work_page_links_to_its_summary(citizen, work):
    response = citizen.get("/es/vias/VIA-2025-007/")

    assert 'href="/es/vias/VIA-2025-007/resumen.pdf"' in response.text
