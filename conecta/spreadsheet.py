"""Spreadsheets the portal writes and reads: CSV and XLSX cells are never run as formulas, and an uploaded file is
measured before it is parsed.

- `safe_cell` quotes a formula-like CSV cell (CSV injection); `plain_cell` takes the quote off again, so that an
  export read back by an import changes nothing.
- `XLSX` and `CSV` are the formats of every admin that imports or exports (django-import-export): their exports
  write formula-like text as text (an XLSX text cell, a quoted CSV cell) and drop the control characters an XLSX
  file cannot hold; their imports refuse, with a message naming the bound, a file that would unpack to more than
  IMPORT_MAX_UNPACKED_BYTES or hold more than IMPORT_MAX_ROWS rows or IMPORT_MAX_COLUMNS columns, before anything
  parses it (`check_upload`, which the import form calls too).
- `ImportTempStorage` keeps an upload between an import's preview and its confirmation under IMPORT_TMP_DIR, where
  `import_tmp_sweep` removes what nobody confirmed.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import time
import zipfile
import zlib
from pathlib import Path
from xml.parsers import expat

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats
from import_export.tmp_storages import TempFolderStorage

from .files import zip_directory
from .text import strip_control_characters

# A cell starting like a formula is opened by spreadsheets as one; a leading apostrophe keeps it text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _formula_like(text: str) -> bool:
    """Whether the text, past any leading apostrophes, starts like a formula."""
    return text.lstrip("'").startswith(FORMULA_START)


def safe_cell(value) -> str:
    """The value as CSV text a spreadsheet shows as it is: None is empty, a formula-like start is quoted.

    A text that already starts with apostrophes before a formula-like start gets one more, so that `plain_cell`
    can give back exactly what was written."""
    text = "" if value is None else str(value)
    return f"'{text}" if _formula_like(text) else text


def plain_cell(value):
    """The cell `safe_cell` wrote, as it was before: a quote before a formula-like start is taken off."""
    if isinstance(value, str) and value.startswith("'") and _formula_like(value[1:]):
        return value[1:]
    return value


# Bounds of an import.


def import_bounds() -> tuple[int, int, int]:
    """(unpacked bytes, data rows, columns) an uploaded spreadsheet may hold (settings IMPORT_MAX_*)."""
    return settings.IMPORT_MAX_UNPACKED_BYTES, settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS


def too_many_rows(limit: int) -> ValidationError:
    return ValidationError(
        _("The file has more than %(limit)s rows of data. Split it into files of at most %(limit)s rows."),
        code="too_many_rows",
        params={"limit": limit},
    )


def too_many_columns(limit: int) -> ValidationError:
    return ValidationError(
        _("A row of the file has more than %(limit)s columns. Remove the columns the import does not use."),
        code="too_many_columns",
        params={"limit": limit},
    )


def damaged_file() -> ValidationError:
    return ValidationError(_("The file is damaged or is not what its name says."), code="bad_file")


_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _CELL = f"{_SHEET_NS} row", f"{_SHEET_NS} c"
# XML elements a part may hold per cell the bounds allow (a cell and its value, an inline or shared string, a
# little rich text), plus what styles, relations and properties need in any real workbook.
_ELEMENTS_PER_CELL = 4
_ELEMENTS_SLACK = 20_000


def _column_number(reference: str) -> int:
    """The column of a cell reference such as "XFD12" (16384); 0 when it has no letters."""
    number = 0
    for ch in reference:
        if not ch.isalpha():
            break
        number = number * 26 + (ord(ch.upper()) - 64)
    return number


def _row_number(text: str | None) -> int:
    try:
        return int(text) if text else 0
    except ValueError:
        return 0


class _PartScan:
    """Counts, while expat streams one XML part of an XLSX file, its rows, the cells of each row and its elements,
    and stops the moment one passes its bound. Nothing is kept: memory stays flat whatever the part holds."""

    def __init__(self, *, max_rows: int, max_columns: int):
        self.max_rows, self.max_columns = max_rows, max_columns
        self.max_elements = _ELEMENTS_PER_CELL * (max_rows + 1) * (max_columns + 1) + _ELEMENTS_SLACK
        self.rows = self.cells = self.elements = 0

    def start(self, name, attrs):
        self.elements += 1
        if name == _ROW:
            self.rows += 1
            self.cells = 0
            if max(self.rows, _row_number(attrs.get("r"))) > self.max_rows + 1:  # the header row is not data
                raise too_many_rows(self.max_rows)
        elif name == _CELL:
            self.cells += 1
            if max(self.cells, _column_number(attrs.get("r", ""))) > self.max_columns:
                raise too_many_columns(self.max_columns)
        if self.elements > self.max_elements:
            raise ValidationError(
                _(
                    "The file holds far more than a sheet of %(rows)s rows and %(columns)s columns needs (formatting, "
                    "drawings, other sheets). Copy only the data into a new file and try again."
                ),
                code="too_complex",
                params={"rows": self.max_rows, "columns": self.max_columns},
            )

    @staticmethod
    def refuse_declarations(*args):
        # No part of a spreadsheet declares a document type or entities; one that does is an XML bomb.
        raise damaged_file()

    def feed(self, stream) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self.start
        parser.StartDoctypeDeclHandler = self.refuse_declarations
        parser.EntityDeclHandler = self.refuse_declarations
        while chunk := stream.read(64 * 1024):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def check_xlsx(file) -> None:
    """Refuse (ValidationError naming the bound) an XLSX file that would unpack past IMPORT_MAX_UNPACKED_BYTES, or
    any of whose sheets has more rows or columns than the bounds allow, without parsing it into memory:

    1. the ZIP's central directory gives each part's unpacked size (`conecta.files.zip_directory`): a zip bomb
       is refused here, in milliseconds, with nothing decompressed;
    2. each XML part is then streamed through expat, which counts rows, cells per row and elements and stops at
       the first one too many (openpyxl itself keeps a whole row, and every element it does not know, in memory).
    """
    max_bytes, max_rows, max_columns = import_bounds()
    members = zip_directory(file, max_unpacked_bytes=max_bytes)
    try:
        with zipfile.ZipFile(file) as archive:
            for member in members:
                if member.is_dir() or not member.filename.endswith((".xml", ".rels")):
                    continue
                with archive.open(member) as stream:
                    _PartScan(max_rows=max_rows, max_columns=max_columns).feed(stream)
    except ValidationError:
        raise
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError,
            OSError, ValueError) as exc:
        raise damaged_file() from exc
    finally:
        file.seek(0)


def _csv_text(data) -> str:
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                _("The file is not in UTF-8 encoding. Save it as “CSV UTF-8” and try again."), code="not_utf8"
            ) from exc
    return data


def read_csv_rows(text: str) -> list[list[str]]:
    """The records of a CSV text, stopping at the first that passes IMPORT_MAX_ROWS or IMPORT_MAX_COLUMNS."""
    _bytes, max_rows, max_columns = import_bounds()
    rows = []
    try:
        for record in csv.reader(io.StringIO(text)):
            if len(record) > max_columns:
                raise too_many_columns(max_columns)
            rows.append(record)
            if len(rows) > max_rows + 1:
                raise too_many_rows(max_rows)
    except csv.Error as exc:
        raise damaged_file() from exc
    return rows


# The formats of the admin's imports and exports.


def export_cell(value):
    """A value as an export writes it: text without the control characters a spreadsheet cannot hold (the line
    break and the tab stay)."""
    return strip_control_characters(value) if isinstance(value, str) else value


class CSV(base_formats.CSV):
    """CSV whose formula-like cells are quoted on export and unquoted on import; bounded imports."""

    def check_upload(self, file) -> None:
        file.seek(0)
        data = file.read()
        file.seek(0)
        read_csv_rows(_csv_text(data))

    def create_dataset(self, in_stream, **kwargs):
        rows = read_csv_rows(_csv_text(in_stream))
        dataset = tablib.Dataset()
        if not rows:
            return dataset
        dataset.headers = rows[0]
        for record in rows[1:]:
            if not record:  # as tablib reads a CSV: blank lines are not rows
                continue
            record = [plain_cell(cell) for cell in record]
            record += [""] * (dataset.width - len(record))
            dataset.append(record)
        return dataset

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            safe.append([safe_cell(export_cell(cell)) if isinstance(cell, str) else cell for cell in row])
        return safe.export("csv", **kwargs)


class XLSX(base_formats.XLSX):
    """XLSX whose text cells stay text (never a formula) on export; bounded imports, read as a stream."""

    def check_upload(self, file) -> None:
        check_xlsx(file)

    def create_dataset(self, in_stream):
        """The first sheet's rows, after `check_xlsx`; openpyxl streams the sheet (read-only mode) and the reading
        stops at the row bound whatever the file's own dimensions say."""
        import openpyxl

        stream = io.BytesIO(in_stream)
        check_xlsx(stream)
        _bytes, max_rows, max_columns = import_bounds()
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        try:
            sheet = workbook.active
            # Declared dimensions can lie (A1:XFD1048576 pads every row to 16,384 cells): read the cells present.
            sheet.reset_dimensions()
            rows = []
            for row in sheet.iter_rows(values_only=True):
                if len(row) > max_columns:
                    raise too_many_columns(max_columns)
                rows.append(row)
                if len(rows) > max_rows + 1:
                    raise too_many_rows(max_rows)
        finally:
            workbook.close()
        dataset = tablib.Dataset()
        if not rows:
            return dataset
        width = max(len(row) for row in rows)
        dataset.headers = list(rows[0]) + [None] * (width - len(rows[0]))
        ignore_blanks = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
        for row in rows[1:]:
            values = list(row) + [None] * (width - len(row))
            if ignore_blanks and all(value is None for value in values):
                continue
            dataset.append(values)
        return dataset

    def export_data(self, dataset, **kwargs):
        """The dataset as one sheet: a bold, frozen header row, columns as wide as their content, and every text
        as a text cell (a value starting with "=" is not a formula; Excel keeps it text when edited too)."""
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        workbook = Workbook(write_only=True)
        # The resource names the sheet after its data ("Hitos"); in Spanish, as the columns are, when it does not.
        sheet = workbook.create_sheet(title=re.sub(r"[\\*?:/\[\]]", "-", dataset.title or "Datos")[:31])
        sheet.freeze_panes = "A2"
        headers = [export_cell(header) for header in (dataset.headers or [])]
        rows = [[export_cell(value) for value in row] for row in dataset]
        widths: dict[int, int] = {}
        for row in [headers, *rows]:
            for index, value in enumerate(row, 1):
                widths[index] = max(widths.get(index, 0), len(str(value)) if value is not None else 0)
        for index, width in widths.items():
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8), 80)

        def cell(value, *, bold=False):
            if isinstance(value, str):
                written = WriteOnlyCell(sheet, value=value)
                written.data_type = "s"  # openpyxl makes "=..." a formula
                if _formula_like(value):
                    written.quotePrefix = True
            else:
                try:
                    written = WriteOnlyCell(sheet, value=value)
                except (ValueError, TypeError):
                    written = WriteOnlyCell(sheet, value=str(value))
            if bold:
                written.font = Font(bold=True)
            return written

        if headers:
            sheet.append([cell(header, bold=True) for header in headers])
        for row in rows:
            sheet.append([cell(value) for value in row])
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()


# Uploads between an import's preview and its confirmation.


def import_tmp_dir() -> Path:
    return Path(settings.IMPORT_TMP_DIR)


class ImportTempStorage(TempFolderStorage):
    """django-import-export's temp folder storage, kept in a folder of ours (IMPORT_TMP_DIR) rather than the
    system's temp folder, so that a sweep can find and remove the uploads nobody confirmed."""

    def get_full_path(self):
        return str(import_tmp_dir() / os.path.basename(self.name))

    def _open(self, mode="r"):
        if self.name:
            return open(self.get_full_path(), mode, encoding=self.encoding)
        folder = import_tmp_dir()
        folder.mkdir(parents=True, exist_ok=True)
        tmp_file = tempfile.NamedTemporaryFile(dir=folder, prefix="import-", delete=False)  # noqa: SIM115
        self.name = os.path.basename(tmp_file.name)
        return tmp_file

    def exists(self) -> bool:
        return bool(self.name) and os.path.isfile(self.get_full_path())

    def remove(self):
        try:
            os.remove(self.get_full_path())
        except FileNotFoundError:
            pass


def import_tmp_sweep(*, max_age_seconds: float) -> int:
    """Remove the uploads in IMPORT_TMP_DIR older than `max_age_seconds` (previews nobody confirmed); returns how
    many. Safe to run twice or while an import runs: a file is only ever removed whole."""
    folder = import_tmp_dir()
    if not folder.is_dir():
        return 0
    cutoff = time.time() - max_age_seconds
    removed = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
