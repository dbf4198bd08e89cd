"""A spreadsheet import is measured before it is parsed: what the file would unpack to, its rows and its columns.
A zip bomb under the 5 MB upload limit is refused with a message naming the bound, and nothing parses it."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from tests.factories import MilestoneFactory

from .admin_helpers import MILESTONE_COLUMNS, html, import_preview, spanish, spreadsheet, state
from .spreadsheet_files import xlsx_with_sheet, zip_bomb

pytestmark = pytest.mark.django_db

UNPACKS_TOO_FAR = (
    "The file would unpack to %(size)s MB, more than the %(limit)s MB allowed. Remove what it does not need "
    "(images, other sheets, formatting) or split it into smaller files."
)
TOO_MANY_ROWS = "The file has more than %(limit)s rows of data. Split it into files of at most %(limit)s rows."
TOO_MANY_COLUMNS = "A row of the file has more than %(limit)s columns. Remove the columns the import does not use."


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb(unpacked_mb=300, size_mb=4.0)


@pytest.fixture(autouse=True)
def milestone(commitment):
    return MilestoneFactory(commitment=commitment, order=1)


def rows(count: int, code: str = "TEST0001") -> list[dict]:
    return [
        {"id": "", "compromiso": code, "orden": 10 + n, "peso": 1, "titulo_es": f"Hito {n}", "inicio": "2025-03-01",
         "vencimiento": "2025-06-30", "nivel_irm": "not_started", "avance": 0, "publicado": "no",
         "datos_de_ejemplo": "no"}
        for n in range(count)
    ]


def unpacked_mb(content: bytes) -> float:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return round(sum(member.file_size for member in archive.infolist()) / 2**20, 1)


def assert_refused(response, message: str) -> None:
    assert response.status_code == 200
    assert message in response.context["form"].errors["import_file"]
    assert html(message) in response.text
    assert response.context.get("result") is None
    assert response.context.get("confirm_form") is None


def test_a_4_mb_zip_bomb_is_refused_with_the_bound_before_anything_parses_it(
    planner_client, bomb, settings, tmp_path
):
    settings.IMPORT_TMP_DIR = tmp_path / "import-tmp"  # this test's own: other tests leave previews behind
    assert 3.5 * 2**20 < len(bomb) < settings.IMPORT_MAX_BYTES
    before = state()

    response = import_preview(planner_client, "milestone", bomb, "hitos.xlsx", "xlsx")

    assert unpacked_mb(bomb) > 300
    assert_refused(response, spanish(UNPACKS_TOO_FAR, size=unpacked_mb(bomb), limit=25.0))
    assert state() == before
    assert not settings.IMPORT_TMP_DIR.exists() or list(settings.IMPORT_TMP_DIR.iterdir()) == []


def test_the_xlsx_format_refuses_the_bomb_on_any_import_path(bomb):
    """The admin's confirm step, a script or a command read the file through the same format."""
    from conecta.spreadsheet import XLSX

    with pytest.raises(ValidationError) as refused:
        XLSX().create_dataset(bomb)

    assert refused.value.code == "too_large_unpacked"


def test_the_unpacked_bound_follows_the_setting(planner_client, settings):
    content = spreadsheet(rows(400), "xlsx")
    settings.IMPORT_MAX_UNPACKED_BYTES = 2**20 // 10

    response = import_preview(planner_client, "milestone", content, "hitos.xlsx", "xlsx")

    assert_refused(response, spanish(UNPACKS_TOO_FAR, size=unpacked_mb(content), limit=0.1))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_one_row_more_than_the_bound_is_refused(planner_client, settings, fmt):
    settings.IMPORT_MAX_ROWS = 3
    before = state()

    response = import_preview(planner_client, "milestone", spreadsheet(rows(4), fmt), f"hitos.{fmt}", fmt)

    assert_refused(response, spanish(TOO_MANY_ROWS, limit=3))
    assert state() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_as_many_rows_as_the_bound_are_imported(planner_client, settings, fmt):
    settings.IMPORT_MAX_ROWS = 3

    response = import_preview(planner_client, "milestone", spreadsheet(rows(3), fmt), f"hitos.{fmt}", fmt)

    assert response.context["confirm_form"] is not None
    assert len(response.context["result"].valid_rows()) == 3


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_row_wider_than_the_bound_is_refused(planner_client, settings, fmt):
    settings.IMPORT_MAX_COLUMNS = len(MILESTONE_COLUMNS)
    columns = [*MILESTONE_COLUMNS, "notas"]

    response = import_preview(planner_client, "milestone", spreadsheet(rows(1), fmt, columns), f"hitos.{fmt}", fmt)

    assert_refused(response, spanish(TOO_MANY_COLUMNS, limit=len(MILESTONE_COLUMNS)))


def test_a_cell_far_to_the_right_counts_as_that_many_columns(planner_client, settings):
    """One cell at column XFD makes openpyxl build rows of 16,384 cells: refused by its reference alone."""
    sheet = '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="XFD1"><v>1</v></c></row>'

    response = import_preview(planner_client, "milestone", xlsx_with_sheet(sheet), "hitos.xlsx", "xlsx")

    assert_refused(response, spanish(TOO_MANY_COLUMNS, limit=settings.IMPORT_MAX_COLUMNS))


def test_a_row_far_below_counts_as_that_many_rows(planner_client, settings):
    """Missing rows are still read, as empty rows (a row numbered 1,048,576 makes a million): refused by the last
    row's number, however few rows the sheet writes."""
    settings.IMPORT_MAX_ROWS = 100
    sheet = '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row><row r="200"><c r="A200"><v>1</v></c></row>'


    response = import_preview(planner_client, "milestone", xlsx_with_sheet(sheet), "hitos.xlsx", "xlsx")

    assert_refused(response, spanish(TOO_MANY_ROWS, limit=100))


def test_a_sheet_declaring_a_document_type_is_refused_as_damaged(planner_client):
    """No part of a spreadsheet declares entities; one that does may be an XML bomb (billion laughs)."""
    from .spreadsheet_files import SHEET_NS, SHEET_PART, _replace_part, _workbook

    def write(stream):
        stream.write(
            b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            + f'<worksheet xmlns="{SHEET_NS}"><sheetData><row><c t="inlineStr"><is><t>&b;</t></is></c></row>'.encode()
            + b"</sheetData></worksheet>"
        )

    content = _replace_part(_workbook(), SHEET_PART, write)

    response = import_preview(planner_client, "milestone", content, "hitos.xlsx", "xlsx")

    assert_refused(response, spanish("The file is damaged or is not what its name says."))
