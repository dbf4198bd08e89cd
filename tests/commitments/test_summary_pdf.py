"""The one-page printable summary of a commitment (/<lang>/compromisos/<code>/resumen.pdf): one A4 page whatever
the commitment holds, its title, progress, milestones (overdue said in words) and address in the text, in Spanish
and Kichwa, only for a published commitment, cached until it changes."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from commitments import selectors, summary_pdf
from commitments.models import Indicator, IndicatorValue, IrmLevel
from conecta.printable import STATIC_DIR
from tests.factories import CommitmentFactory, MilestoneFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

# A4 in PDF points (210 × 297 mm).
A4 = (595.28, 841.89)
# The published commitment's last change (1), then, not cached: the commitment with its progress, OGP values,
# supporters, cantons, milestones with their evidence and dated progress, updates with their evidence (9), and
# its indicators with their values (2), however many there are.
QUERIES = 1 + 9 + 2


def pdf_text(content: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it, its lines joined by single spaces."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def unbroken(text: str) -> str:
    """The text without its spaces: a long address is broken across lines at its slashes."""
    return "".join(text.split())


def pages(content: bytes) -> list:
    return PdfReader(io.BytesIO(content)).pages


def add_indicator(commitment, order: int, *, name: str = "Plantas producidas al año", value: str | None = "1200"):
    indicator = Indicator.objects.create(
        commitment=commitment,
        order=order,
        name_es=name,
        unit_es="plantas",
        baseline_value=Decimal("0"),
        baseline_on=date(2025, 1, 1),
        target_value=Decimal("5000"),
        target_on=date(2027, 1, 31),
        is_published=True,
    )
    if value is not None:
        IndicatorValue.objects.create(
            indicator=indicator, observed_on=date(2025, 6, 30), value=Decimal(value), is_published=True
        )
    return indicator


@pytest.fixture
def followed(commitment):
    """TEST0001 with a milestone done, one overdue, one to come, an update and a measured indicator."""
    today = timezone.localdate()
    MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico publicado", progress=100)
    MilestoneFactory(
        commitment=commitment,
        order=2,
        title_es="Viveros comunitarios instalados",
        progress=30,
        starts_on=today - timedelta(days=200),
        due_on=today - timedelta(days=12),
    )
    MilestoneFactory(
        commitment=commitment,
        order=3,
        title_es="Reforestación de riberas",
        progress=0,
        starts_on=today,
        due_on=today + timedelta(days=90),
    )
    ProgressUpdateFactory(
        commitment=commitment,
        occurred_on=date(2025, 7, 1),
        title_es="Primer vivero en Canelos",
        text_es="La comunidad de Canelos instaló el primer vivero con 1.200 plantas nativas.",
    )
    add_indicator(commitment, 1)
    return commitment


def test_it_prints_one_a4_page_with_the_title_the_progress_and_the_address(citizen, followed, settings):
    settings.SITE_URL = "https://conecta.pastaza.gob.ec"

    response = citizen.get("/es/compromisos/TEST0001/resumen.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="TEST0001-resumen-es.pdf"'
    assert response.content.startswith(b"%PDF-")
    (page,) = pages(response.content)
    assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4
    text = pdf_text(response.content)
    assert "Compromiso ambiental" in text
    assert "TEST0001" in text
    assert "43 %" in text  # (100 + 30 + 0) / 3, as the commitment's page says
    assert "https://conecta.pastaza.gob.ec/es/compromisos/TEST0001/" in unbroken(text)
    assert "12 días de retraso" in text  # overdue, in words
    assert "Viveros comunitarios instalados" in text
    assert "Primer vivero en Canelos" in text
    assert "1.200 plantas" in text
    assert f"Situación al {timezone.localdate().day}" in text


def test_the_progress_bar_prints_in_black_and_white_with_its_figure(followed):
    commitment = selectors.commitment_public_detail(code="TEST0001")

    html = summary_pdf.summary_html(commitment, fit=summary_pdf.STEPS[0], today=timezone.localdate())

    assert re.search(r'<div class="fill" style="width: 43%">', html)
    assert '<p class="pct">43 %</p>' in html
    css = (STATIC_DIR / "css" / "summary-pdf.css").read_text()
    assert "repeating-linear-gradient(135deg, #000" in css  # hatched, not a colour


def test_the_qr_code_holds_the_pages_absolute_address(followed, settings):
    settings.SITE_URL = "https://conecta.pastaza.gob.ec/"
    commitment = selectors.commitment_public_detail(code="TEST0001")

    html = summary_pdf.summary_html(commitment, fit=summary_pdf.STEPS[0], today=timezone.localdate())

    import segno

    expected = segno.make("https://conecta.pastaza.gob.ec/es/compromisos/TEST0001/", error="m")
    assert expected.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True).split("<path")[1] in html
    assert '<p class="address">https://conecta.pastaza.gob.ec/es/compromisos/TEST0001/</p>' in html


@pytest.mark.parametrize("language", ["es", "qu"])
def test_a_long_title_and_many_milestones_still_fit_on_one_page(citizen, plan, language, settings):
    settings.CONTACT_PHONE = "+593 3 288 5000"
    settings.CONTACT_WHATSAPP = "099 123 4567"
    settings.CONTACT_OFFICE_ADDRESS = "Calle 27 de Febrero y Sucre, Puyo, edificio del Gobierno Provincial"
    settings.CONTACT_OFFICE_HOURS = "De lunes a viernes, de 08:00 a 17:00"
    settings.CONTACT_EMAIL = "participacion@pastaza.gob.ec"
    words = "Programa integral para mejorar la situación ambiental de las comunidades de la provincia".split()
    title = " ".join(words * 5)[:300]
    commitment = CommitmentFactory(code="TEST0042", plan=plan, title_es=title)
    today = timezone.localdate()
    for order in range(1, 31):
        MilestoneFactory(
            commitment=commitment,
            order=order,
            title_es=f"Hito {order}: " + " ".join(words * 4)[:280],
            starts_on=today - timedelta(days=400),
            due_on=today - timedelta(days=order),
        )
    ProgressUpdateFactory(commitment=commitment, title_es=" ".join(words * 4)[:300], text_es=" ".join(words * 40))
    for order in range(1, 6):
        add_indicator(commitment, order, name=" ".join(words * 4)[:300])

    response = citizen.get(f"/{language}/compromisos/TEST0042/resumen.pdf")

    assert response.status_code == 200
    assert len(pages(response.content)) == 1
    text = pdf_text(response.content)
    assert f"/{language}/compromisos/TEST0042/" in unbroken(text)
    assert "+593 3 288 5000" in text
    with translation.override(language):
        said = translation.gettext("IRM level")
        more = translation.ngettext(
            "And %(counter)s more milestone: see them all at the address below.",
            "And %(counter)s more milestones: see them all at the address below.",
            2,
        )
    assert said in text
    counted = re.search(r"(\d+)" + re.escape(more.split("%(counter)s")[1]), text)
    assert counted and 22 <= int(counted.group(1)) <= 28  # 30 milestones, 2 to 8 of them listed


def test_it_speaks_kichwa_and_marks_the_spanish_stand_ins(citizen, followed):
    response = citizen.get("/qu/compromisos/TEST0001/resumen.pdf")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="TEST0001-resumen-qu.pdf"'
    assert len(pages(response.content)) == 1
    text = pdf_text(response.content)
    with translation.override("qu"):
        for msgid in ("Milestones", "Progress", "Take part"):
            assert translation.gettext(msgid) in text
        assert translation.gettext("Milestones") != "Milestones"
        html = summary_pdf.summary_html(
            selectors.commitment_public_detail(code="TEST0001"), fit=summary_pdf.STEPS[0], today=timezone.localdate()
        )
    assert '<html lang="qu">' in html
    assert '<span lang="es">Compromiso ambiental</span>' in html  # no Kichwa title: the Spanish one, marked
    assert "/qu/compromisos/TEST0001/" in unbroken(text)


@pytest.mark.parametrize("language", ["es", "qu"])
def test_an_unpublished_or_unknown_commitment_has_no_summary(citizen, plan, language):
    CommitmentFactory(code="TEST0009", plan=plan, title_es="Borrador secreto", is_published=False)

    for code in ("TEST0009", "NOPE0001", "X" * 500, "TEST%00"):
        response = citizen.get(f"/{language}/compromisos/{code}/resumen.pdf")
        assert response.status_code == 404
        assert b"Borrador secreto" not in response.content


def test_unpublished_milestones_and_updates_are_never_printed(citizen, commitment):
    MilestoneFactory(commitment=commitment, order=1, title_es="Hito visible")
    MilestoneFactory(commitment=commitment, order=2, title_es="Hito en borrador", is_published=False)
    ProgressUpdateFactory(commitment=commitment, title_es="Avance en borrador", is_published=False)

    text = pdf_text(citizen.get("/es/compromisos/TEST0001/resumen.pdf").content)

    assert "Hito visible" in text
    assert "Hito en borrador" not in text
    assert "Avance en borrador" not in text


def test_its_queries_do_not_grow_with_the_milestones(citizen, followed, django_assert_num_queries):
    for order in range(4, 20):
        MilestoneFactory(commitment=followed, order=order)
    add_indicator(followed, 2)

    with django_assert_num_queries(QUERIES):
        assert citizen.get("/es/compromisos/TEST0001/resumen.pdf").status_code == 200


def test_it_is_cached_until_the_commitment_changes(citizen, followed, settings, django_assert_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    first = citizen.get("/es/compromisos/TEST0001/resumen.pdf")

    with mock.patch.object(summary_pdf, "one_page_pdf") as render, django_assert_num_queries(1):
        again = citizen.get("/es/compromisos/TEST0001/resumen.pdf")
    assert again.content == first.content
    render.assert_not_called()
    assert citizen.get("/qu/compromisos/TEST0001/resumen.pdf").content != first.content  # one per language

    # A milestone's change leaves the commitment's row alone: its own last change is in the key.
    milestone = followed.milestones.get(order=3)
    milestone.title_es = "Reforestación de las riberas del Pastaza"
    milestone.save()
    assert "Reforestación de las riberas del Pastaza" in pdf_text(
        citizen.get("/es/compromisos/TEST0001/resumen.pdf").content
    )

    followed.title_es = "Programa ambiental de Pastaza"
    followed.save()
    changed = citizen.get("/es/compromisos/TEST0001/resumen.pdf")
    assert "Programa ambiental de Pastaza" in pdf_text(changed.content)


def test_the_list_keeps_the_overdue_and_the_coming_milestones_first():
    today = date(2026, 1, 15)

    def milestone(order, level, due):
        m = MilestoneFactory.build(order=order, level=level, due_on=due, progress=100 if level == "complete" else 0)
        m.overdue = level != IrmLevel.COMPLETE and due < today
        return m

    done = [milestone(n, IrmLevel.COMPLETE, date(2025, n, 1)) for n in range(1, 6)]
    late = milestone(6, IrmLevel.NOT_STARTED, date(2025, 12, 1))
    coming = [milestone(n, IrmLevel.NOT_STARTED, date(2026, n - 5, 1)) for n in range(7, 10)]

    shown = summary_pdf.milestones_shown([*done, late, *coming], 4)

    assert [m.order for m in shown] == [6, 7, 8, 9]  # in their order, the overdue one and the next ones


def test_the_commitment_page_links_to_its_summary(citizen, followed):
    response = citizen.get("/qu/compromisos/TEST0001/")

    assert 'href="/qu/compromisos/TEST0001/resumen.pdf"' in response.text
