"""A report's PDF is a tagged PDF (PDF/UA-1) a screen reader can follow: a structure tree in reading order, the
document's language and the Spanish stand-ins of a Kichwa report said to be Spanish, headings in order, table
headers with their scope, a text alternative for every chart, and its title shown by viewers. Above
REPORTS_PDF_SINGLE_MAX commitments the report is joined from parts and is not tagged (the accessibility
statement says so)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation
from django.utils.html import escape
from pypdf import PdfReader

from reports import services
from reports.models import Report
from tests.conecta.tagged_pdf import read

pytestmark = pytest.mark.django_db


def tagged(report: Report, language: str):
    return read(Path(report.files.get(language=language).file.path))


def lose_pdfs(report: Report) -> None:
    for row in report.files.all():
        Path(row.file.path).unlink()


@pytest.mark.parametrize("language", ["es", "qu"])
def test_the_report_pdf_is_tagged_in_its_language_with_its_title(published, language):
    pdf = tagged(published, language)

    assert pdf.catalog == {"marked": True, "lang": language, "display_doc_title": True, "struct_tree": True}
    assert pdf.xmp["pdfua_part"] == "1"  # PDF/UA-1 says so in its XMP metadata
    with translation.override(language):
        title = f"{published.title} · v1"
    assert pdf.info["/Title"] == pdf.xmp["title"] == title
    if pdf.pdfinfo:
        assert pdf.pdfinfo["Tagged"] == "yes"
    assert pdf.tree.children[0].role == "Document"


@pytest.mark.parametrize("language", ["es", "qu"])
def test_the_structure_tree_holds_the_whole_report_in_reading_order(published, language):
    tree = tagged(published, language).tree

    text = tree.text
    positions = [text.index(row["code"]) for row in published.snapshot["commitments"]]
    assert positions == sorted(positions)
    for row in published.snapshot["commitments"]:
        assert row["title"][language] in text
        for milestone in row["milestones"]:
            assert milestone["title"][language] in text
    summary = {"es": "Resumen del tercer trimestre.", "qu": "Kimsaniki killakunapak willay."}[language]
    assert text.index(summary) < positions[0]


@pytest.mark.parametrize("language", ["es", "qu"])
def test_its_headings_go_down_one_level_at_a_time(published, language):
    headings = tagged(published, language).tree.headings()

    levels = [level for level, _ in headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(after <= before + 1 for before, after in zip(levels, levels[1:], strict=False))
    texts = dict.fromkeys(text for _, text in headings)
    with translation.override(language):
        for section in ("Summary", "Citizen participation", "Commitments"):
            assert translation.gettext(section) in texts
    for row in published.snapshot["commitments"]:
        assert (3, f"{row['code']} {row['title'][language]}") in headings


@pytest.mark.parametrize("language", ["es", "qu"])
def test_every_chart_and_progress_bar_has_a_text_alternative(published, language):
    figures = tagged(published, language).tree.all("Figure")

    assert figures and all(figure.alt for figure in figures)
    alts = [figure.alt for figure in figures]
    with translation.override(language):
        axis = translation.gettext("Average progress by thematic axis")
        assert any(alt.startswith(f"{axis}: ") for alt in alts)
        for row in published.snapshot["commitments"]:
            done = translation.gettext("%(value)s %% complete") % {"value": row["progress"]}
            assert done in alts


def test_spanish_stand_ins_in_a_kichwa_report_are_tagged_spanish(published):
    tree = tagged(published, "qu").tree

    spanish = [element.text for element in tree.walk() if element.lang == "es"]
    assert any("Inicio de obras" in text for text in spanish)  # an update with no Kichwa title
    assert any("Arrancaron las obras." in text for text in spanish)  # and no Kichwa text
    for kichwa in ("Allpamamata kamana rurana", "Ñankunata allichina rurana", "Ayllu llaktakunawan tantanakuy"):
        assert kichwa in tree.text
        assert not any(kichwa in text for text in spanish)


def test_a_spanish_report_says_no_other_language(published):
    tree = tagged(published, "es").tree

    assert {element.lang for element in tree.walk()} <= {None, "es"}


@pytest.mark.parametrize("language", ["es", "qu"])
def test_table_headers_say_whether_they_head_a_row_or_a_column(published, language):
    tree = tagged(published, language).tree

    headers = tree.all("TH")
    assert headers and tree.all("TD")
    assert {header.scope for header in headers} == {"Column", "Row"}
    with translation.override(language):
        milestone = translation.gettext("Milestone")
    assert any(header.text == milestone and header.scope == "Column" for header in headers)


def test_what_runs_on_every_page_is_printed_but_not_read(draft, settings):
    """The page numbers, the running title and the DRAFT mark are on each page, outside the structure tree."""
    Report.objects.filter(pk=draft.pk).update(render_state=Report.RenderState.QUEUED)
    assert services.report_render(report_id=draft.pk) == "ready"
    path = Path(draft.files.get(language="es").file.path)
    tree = read(path).tree
    reader = PdfReader(path)

    with translation.override("es"):
        word = translation.gettext("DRAFT")
        for number, page in enumerate(reader.pages, start=1):
            footer = translation.gettext("Page %(page)s of %(pages)s") % {"page": number, "pages": len(reader.pages)}
            assert footer in page.extract_text()
            assert footer not in tree.text
    # The word is read once, where the cover says the report is not published; the mark on each page is not.
    assert [element.text for element in tree.walk() if not element.children and element.text == word] == [word]


def test_above_the_bound_a_report_is_joined_from_parts_untagged_but_titled(published, settings, rerender):
    settings.REPORTS_PDF_SINGLE_MAX = 1  # the fixture's plan has two commitments
    lose_pdfs(published)
    assert rerender(published)

    pdf = tagged(published, "qu")

    assert pdf.tree is None and not pdf.catalog["marked"]
    assert pdf.catalog["lang"] == "qu" and pdf.catalog["display_doc_title"]
    assert pdf.info["/Title"].endswith("· v1")


STATEMENT_TAGGED = (
    "Reports, printable summaries and bulletins are tagged PDFs (PDF/UA-1): a screen reader follows them in reading "
    "order and knows their language, headings, table headers and title; Spanish passages in a Kichwa PDF are marked "
    "as Spanish, and every chart has a text alternative."
)
STATEMENT_CHECKED = (
    "The PDFs' structure is checked by automated tests (with pikepdf) for each kind of PDF in both languages: that "
    "it is tagged, its language and that of its Spanish passages, the order of its headings, its table headers, a "
    "text alternative for every image and chart, and its title. They have not yet been checked with a full PDF/UA "
    "validator (veraPDF) nor with screen readers."
)
STATEMENT_LIMIT = (
    "A report of more than %(count)s commitments is put together from parts, to keep the memory it needs bounded, "
    "and its PDF is not tagged (it keeps its title and language); its data are published as JSON and CSV beside it. "
    "Real plans have far fewer commitments."
)


@pytest.mark.parametrize("language", ["es", "qu"])
def test_the_accessibility_statement_says_what_was_checked_and_which_reports_are_not_tagged(
    citizen, settings, language
):
    settings.REPORTS_PDF_SINGLE_MAX = 80

    response = citizen.get(f"/{language}/accesibilidad/")

    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    with translation.override(language):
        said = [
            translation.gettext(STATEMENT_TAGGED),
            translation.gettext(STATEMENT_CHECKED),
            translation.gettext(STATEMENT_LIMIT) % {"count": 80},
        ]
    for sentence in said:
        assert escape(sentence) in text
