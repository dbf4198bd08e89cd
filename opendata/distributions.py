"""A dataset's downloads ("distributions", as DCAT says): the same rows as CSV, as CSV for Excel in Spanish, as JSON
and as XLSX, each with its media type, file name, size and SHA-256.

The formats:
- `csv`: UTF-8 without a byte order mark, comma-separated, a header row of column names, quoted as RFC 4180 says
  (CRLF line ends, the dialect a Frictionless reader assumes); true/false, numbers with a decimal point, ISO 8601
  dates;
- `es.csv`: the same for Excel set to Spanish, which reads a CSV by the computer's regional settings: a byte order
  mark (without it Excel reads UTF-8 as Windows-1252), semicolons, a decimal comma, "sí"/"no", ISO dates (Excel
  recognises them whatever the region), date-times as "YYYY-MM-DD HH:MM:SS";
- `json`: one object with the dataset's key, its title in both languages, the licence and `rows`, a list of objects
  (Decimal as a string, so that no digit is lost; ISO dates), keys sorted and no optional whitespace;
- `xlsx`: one sheet named after the dataset, a bold frozen header row, real number, date and yes/no cells.

In both CSVs and the XLSX a text that starts like a formula stays text (conecta.spreadsheet: a quote in CSV, a
text cell in XLSX), and characters a spreadsheet cannot hold are dropped. Date-times are written in the portal's
time zone (America/Guayaquil; XLSX has no time zones, so there they are that local time).

Every format is deterministic: the same rows give the same bytes, and so the same SHA-256, in any build (the XLSX's
dates and its ZIP entries' times are fixed, not the clock's). The SHA-256 is the download's ETag and what the
dataset's page shows beside each file.

A dataset is built whole in memory (its rows read once, the four files made from them): the portal's datasets are
thousands of rows at most, a few megabytes. Builds are cached while the public pages are (conecta.cache): under the
same generation number, which every published change moves on, and today's date, for the same time
(PUBLIC_PAGE_CACHE_SECONDS; nothing is cached when that is 0). So a dataset is read from the database once per
change, however many people open the catalogue's pages (which show every file's size and SHA-256) or download.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from conecta.cache import current_generation
from conecta.spreadsheet import FORMULA_START, export_cell, safe_cell
from roads.oc4ids import LICENSE

from .datasets import Dataset

LICENSE_URL = LICENSE  # CC BY 4.0, the licence of all the portal's open data
# The column that flags example data (opendata.datasets' rules).
EXAMPLE_COLUMN = "datos_de_ejemplo"
# Moved on whenever what a build writes changes, so that a shared cache (Redis) that outlives a deploy does not
# serve files in the old layout.
BUILD_VERSION = 1
# The time written into an XLSX (its properties and ZIP entries): fixed, so that a build does not depend on when
# it ran. 1980-01-01 is the earliest time a ZIP entry can hold.
FIXED_TIME = dt.datetime(1980, 1, 1)


@dataclass(frozen=True)
class Format:
    """One download format: its address's extension, its media type, and how the pages name it."""

    ext: str
    media_type: str
    label: str | Promise
    help: str | Promise

    @property
    def mime(self) -> str:
        """The media type without parameters (for a link's `type`)."""
        return self.media_type.split(";")[0]


FORMATS = {
    "csv": Format("csv", "text/csv; charset=utf-8", "CSV", _("UTF-8, comma-separated, for any program")),
    "es.csv": Format(
        "es.csv",
        "text/csv; charset=utf-8",
        _("CSV for Excel in Spanish"),
        _("semicolons and a decimal comma: opens as it is in Excel set to Spanish"),
    ),
    "json": Format("json", "application/json", "JSON", _("for programs and web pages")),
    "xlsx": Format(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "XLSX",
        _("an Excel or LibreOffice workbook"),
    ),
}


@dataclass(frozen=True)
class Distribution:
    """One file of a dataset, as the pages and headers describe it (its bytes travel apart)."""

    dataset: str
    format: str
    filename: str
    media_type: str
    size: int
    sha256: str

    @property
    def url(self) -> str:
        return reverse("opendata_files:download", kwargs={"key": self.dataset, "ext": self.format})

    @property
    def etag(self) -> str:
        return f'"{self.sha256}"'

    @property
    def kind(self) -> Format:
        return FORMATS[self.format]


@dataclass(frozen=True)
class Summary:
    """What the pages show of one build of a dataset: its files, how many rows it has, whether any is example
    data, and when its data last changed (`Dataset.modified`, read in the same build)."""

    dataset: str
    distributions: tuple[Distribution, ...]
    row_count: int
    has_example_data: bool
    modified: Any

    def distribution(self, fmt: str) -> Distribution:
        return next(d for d in self.distributions if d.format == fmt)


@dataclass(frozen=True)
class Build:
    summary: Summary
    files: dict[str, bytes]


# Values, as each format writes them.


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _decimal_text(value: Decimal) -> str:
    # Never "1E+3": positional notation, as every reader expects.
    return format(value, "f")


def _plain_text(value) -> str:
    """A value as the comma-separated CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, dt.datetime):
        return _local(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_cell(export_cell(value))
    return str(value)


def _spanish_excel_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, (Decimal, float)):
        return (_decimal_text(value) if isinstance(value, Decimal) else repr(value)).replace(".", ",")
    if isinstance(value, dt.datetime):
        return _local(value).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    return _plain_text(value)


def _json_value(value):
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, dt.datetime):
        return _local(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a JSON-native value")


# The four writers: (dataset, its rows as lists in the columns' order) -> bytes.


def _csv_bytes(names: list[str], rows: list[list], *, text, delimiter: str, bom: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([text(value) for value in row])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def write_csv(dataset: Dataset, rows: list[list]) -> bytes:
    return _csv_bytes(dataset.column_names, rows, text=_plain_text, delimiter=",", bom=False)


def write_spanish_excel_csv(dataset: Dataset, rows: list[list]) -> bytes:
    return _csv_bytes(dataset.column_names, rows, text=_spanish_excel_text, delimiter=";", bom=True)


def _titles(dataset: Dataset) -> dict[str, str]:
    titles = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles[code] = str(dataset.title)
    return titles


def write_json(dataset: Dataset, rows: list[list]) -> bytes:
    names = dataset.column_names
    document = {
        "key": dataset.key,
        "title": _titles(dataset),
        "license": LICENSE_URL,
        "rows": [dict(zip(names, row, strict=True)) for row in rows],
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_value)
    return text.encode("utf-8")


def _xlsx_value(value):
    if isinstance(value, dt.datetime):
        return _local(value).replace(tzinfo=None)
    if isinstance(value, str):
        return export_cell(value)
    return value


def _deterministic_zip(data: bytes) -> bytes:
    """The same ZIP with every entry's time fixed (openpyxl stamps each with the clock), in the same order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            entry = zipfile.ZipInfo(member.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(member))
    return out.getvalue()


def write_xlsx(dataset: Dataset, rows: list[list]) -> bytes:
    """One sheet: a bold, frozen header row, then the rows as real cells (numbers, dates, yes/no); every text a
    text cell, never a formula, even when it starts with "="."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Conecta Pastaza"
    workbook.properties.title = dataset.key
    sheet = workbook.create_sheet(title=dataset.key[:31])
    sheet.freeze_panes = "A2"
    names = dataset.column_names
    values = [[_xlsx_value(value) for value in row] for row in rows]
    for index, name in enumerate(names, 1):
        longest = max((len(str(row[index - 1])) for row in values if row[index - 1] is not None), default=0)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest, len(name), 8), 80)

    def cell(value, *, bold: bool = False):
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            written.data_type = "s"  # openpyxl would make "=..." a formula
            written.quotePrefix = value.lstrip("'").startswith(FORMULA_START)
        if bold:
            written.font = Font(bold=True)
        return written

    sheet.append([cell(name, bold=True) for name in names])
    for row in values:
        sheet.append([cell(value) for value in row])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        # openpyxl's save_workbook stamps `modified` with the clock; its writer, called directly, keeps ours.
        workbook.properties.created = workbook.properties.modified = FIXED_TIME
        ExcelWriter(workbook, archive).write_data()
    return _deterministic_zip(out.getvalue())


WRITERS = {
    "csv": write_csv,
    "es.csv": write_spanish_excel_csv,
    "json": write_json,
    "xlsx": write_xlsx,
}


# Builds.


def _table(dataset: Dataset, rows: Iterable[dict]) -> list[list]:
    names = dataset.column_names
    return [[row.get(name) for name in names] for row in rows]


def build(dataset: Dataset) -> Build:
    """Read the dataset's rows once and write every format from them (no cache)."""
    table = _table(dataset, dataset.rows())
    files = {fmt: writer(dataset, table) for fmt, writer in WRITERS.items()}
    example = dataset.column_names.index(EXAMPLE_COLUMN) if EXAMPLE_COLUMN in dataset.column_names else None
    summary = Summary(
        dataset=dataset.key,
        distributions=tuple(
            Distribution(
                dataset=dataset.key,
                format=fmt,
                filename=f"{dataset.key}.{fmt}",
                media_type=FORMATS[fmt].media_type,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
            )
            for fmt, content in files.items()
        ),
        row_count=len(table),
        has_example_data=example is not None and any(row[example] for row in table),
        modified=dataset.modified(),
    )
    return Build(summary=summary, files=files)


def _caching() -> bool:
    return settings.PUBLIC_PAGE_CACHE_SECONDS > 0


def _prefix() -> str:
    # The public page cache's generation (moved on by every published change) and today's date in Pastaza, as a
    # page's key has: a dataset whose values depend on the day (what is overdue) is rebuilt after midnight.
    return f"opendata:v{BUILD_VERSION}:{current_generation()}:{timezone.localdate().isoformat()}"


def _summary_key(prefix: str, key: str) -> str:
    return f"{prefix}:summary:{key}"


def _file_key(prefix: str, key: str, fmt: str) -> str:
    return f"{prefix}:file:{key}:{fmt}"


def _build_and_store(dataset: Dataset, prefix: str) -> Build:
    built = build(dataset)
    if _caching():
        entries = {_summary_key(prefix, dataset.key): built.summary}
        entries.update({_file_key(prefix, dataset.key, fmt): content for fmt, content in built.files.items()})
        cache.set_many(entries, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return built


def summaries(datasets: Iterable[Dataset]) -> dict[str, Summary]:
    """Each dataset's summary, from the cache in one round trip; the ones missing are built (and stored)."""
    datasets = list(datasets)
    if not _caching():
        return {dataset.key: build(dataset).summary for dataset in datasets}
    prefix = _prefix()
    found = cache.get_many([_summary_key(prefix, dataset.key) for dataset in datasets])
    result = {}
    for dataset in datasets:
        summary = found.get(_summary_key(prefix, dataset.key))
        result[dataset.key] = summary if summary is not None else _build_and_store(dataset, prefix).summary
    return result


def summary(dataset: Dataset) -> Summary:
    return summaries([dataset])[dataset.key]


def distribution_file(dataset: Dataset, fmt: str) -> tuple[Distribution, bytes]:
    """One file of the dataset and its description, read together so that they always match (a change between
    the two reads cannot give bytes whose SHA-256 is not the one described)."""
    if fmt not in FORMATS:
        raise KeyError(fmt)
    if _caching():
        prefix = _prefix()
        summary_key, file_key = _summary_key(prefix, dataset.key), _file_key(prefix, dataset.key, fmt)
        found = cache.get_many([summary_key, file_key])
        if summary_key in found and file_key in found:
            return found[summary_key].distribution(fmt), found[file_key]
        built = _build_and_store(dataset, prefix)
    else:
        built = build(dataset)
    return built.summary.distribution(fmt), built.files[fmt]
