"""The one-page summaries of a commitment and of a road work (conecta.printable) are tagged PDFs (PDF/UA-1): their
language, title, headings, table headers, the QR code's text alternative, and in Kichwa the Spanish stand-ins said
to be Spanish."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from roads.services import road_progress_refresh
from tests.conecta.tagged_pdf import read
from tests.factories import MilestoneFactory
from tests.roads.factories import ParishFactory, RoadProgressFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(commitment):
    """TEST0001 (no Kichwa title) with a milestone in both languages and one only in Spanish."""
    MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico publicado", title_qu="Rikuy willachishka")
    MilestoneFactory(commitment=commitment, order=2, title_es="Viveros comunitarios instalados", progress=30)
    return commitment


@pytest.fixture
def work(db):
    parish = ParishFactory(code="160152", name_es="Tarqui")
    work = RoadWorkFactory(
        code="VIA-2025-007",
        name_es="Asfaltado de la vía Puyo – Tarqui",
        communities="San Pablo, Chuyayaku",
        planned_start=date(2025, 3, 1),
        planned_end=date(2025, 12, 31),
    )
    work.cantons.add(parish.canton)
    work.parishes.add(parish)
    RoadProgressFactory(work=work, observed_on=date(2025, 6, 30), physical_pct=40, paid_amount=Decimal("90000"))
    road_progress_refresh()
    return work


def summary(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    return read(response.content)


def assert_tagged(pdf, *, language: str, title: str, qr: str) -> None:
    assert pdf.catalog == {"marked": True, "lang": language, "display_doc_title": True, "struct_tree": True}
    assert pdf.xmp["pdfua_part"] == "1"
    assert pdf.info["/Title"] == pdf.xmp["title"] == title
    if pdf.pdfinfo:
        assert pdf.pdfinfo["Tagged"] == "yes"
    levels = [level for level, _ in pdf.tree.headings()]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(after <= before + 1 for before, after in zip(levels, levels[1:], strict=False))
    with translation.override(language):
        assert [figure.alt for figure in pdf.tree.all("Figure")] == [translation.gettext(qr)]
    assert all(header.scope for header in pdf.tree.all("TH"))


@pytest.mark.parametrize("language", ["es", "qu"])
def test_a_commitments_summary_is_tagged(citizen, followed, language):
    pdf = summary(citizen, f"/{language}/compromisos/TEST0001/resumen.pdf")

    assert_tagged(
        pdf, language=language, title="TEST0001 · Compromiso ambiental", qr="QR code of this commitment's page"
    )
    headings = pdf.tree.headings()
    assert headings[0] == (1, "Compromiso ambiental" + (" (kastilla shimipi)" if language == "qu" else ""))
    with translation.override(language):
        for section in ("Progress", "Milestones", "Take part"):
            assert (2, translation.gettext(section)) in headings
    assert {header.scope for header in pdf.tree.all("TH")} == {"Column"}


def test_in_kichwa_a_commitments_spanish_stand_ins_are_tagged_spanish(citizen, followed):
    tree = summary(citizen, "/qu/compromisos/TEST0001/resumen.pdf").tree

    spanish = [element.text for element in tree.walk() if element.lang == "es"]
    assert "Compromiso ambiental" in spanish
    assert "Viveros comunitarios instalados" in spanish
    assert "Rikuy willachishka" in tree.text
    assert not any("Rikuy willachishka" in text for text in spanish)


def test_in_spanish_a_commitments_summary_says_no_other_language(citizen, followed):
    tree = summary(citizen, "/es/compromisos/TEST0001/resumen.pdf").tree

    assert {element.lang for element in tree.walk()} <= {None, "es"}


@pytest.mark.parametrize("language", ["es", "qu"])
def test_a_road_works_summary_is_tagged(citizen, work, language):
    pdf = summary(citizen, f"/{language}/vias/VIA-2025-007/resumen.pdf")

    assert_tagged(
        pdf,
        language=language,
        title="VIA-2025-007 · Asfaltado de la vía Puyo – Tarqui",
        qr="QR code of this road work's page",
    )
    with translation.override(language):
        assert (2, translation.gettext("Physical progress")) in pdf.tree.headings()
    assert {header.scope for header in pdf.tree.all("TH")} == {"Row"}
    spanish = [element.text for element in pdf.tree.walk() if element.lang == "es"]
    if language == "qu":
        assert "Asfaltado de la vía Puyo – Tarqui" in spanish
        assert "San Pablo, Chuyayaku" in spanish  # written only in Spanish
    else:
        assert not spanish
