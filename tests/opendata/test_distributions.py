"""A dataset's four files (opendata.distributions): what each format writes, that a formula never runs, that the
same data give the same bytes, and that a dataset is read once per change while the public pages are cached."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.cache import cache

from conecta.cache import bump_generation
from opendata import datasets, distributions
from opendata.datasets import Column, Dataset

PASTAZA = dt.timezone(dt.timedelta(hours=-5))

COLUMNS = (
    Column("codigo", "string", "Código", required=True),
    Column("nombre", "string", "Nombre"),
    Column("monto", "number", "Monto en USD"),
    Column("cantidad", "integer", "Cantidad"),
    Column("fecha", "date", "Fecha"),
    Column("publicado_en", "datetime", "Publicado en"),
    Column("datos_de_ejemplo", "boolean", "Datos de ejemplo"),
)
ROWS = [
    {
        "codigo": "A-1",
        "nombre": 'Puyo, centro "Ñukanchik"\nsegunda línea',
        "monto": Decimal("1234567.50"),
        "cantidad": -3,
        "fecha": dt.date(2025, 3, 31),
        "publicado_en": dt.datetime(2025, 4, 1, 15, 30, tzinfo=dt.UTC),
        "datos_de_ejemplo": True,
    },
    {
        "codigo": "A-2",
        "nombre": '=HYPERLINK("http://example.com","clic")',
        "monto": None,
        "cantidad": None,
        "fecha": None,
        "publicado_en": None,
        "datos_de_ejemplo": False,
    },
]


def make_dataset(rows=ROWS, key: str = "prueba-datos", **fields) -> Dataset:
    """A small dataset: rows is a list (copied at each read) or a function giving the rows."""
    fields.setdefault("theme", "plan")
    return Dataset(
        key=key,
        title=fields.pop("title", "Datos de prueba"),
        description=fields.pop("description", "Un conjunto de datos para las pruebas."),
        columns=fields.pop("columns", COLUMNS),
        rows=rows if callable(rows) else (lambda: [dict(row) for row in rows]),
        primary_key=fields.pop("primary_key", ("codigo",)),
        **fields,
    )


@pytest.fixture
def registered(monkeypatch):
    """Register datasets for one test only (the registry is put back as it was after it)."""

    def register(*found: Dataset) -> None:
        for dataset in found:
            monkeypatch.setitem(datasets._datasets, dataset.key, dataset)

    return register


@pytest.fixture
def sample(registered) -> Dataset:
    dataset = make_dataset()
    registered(dataset)
    return dataset


@pytest.fixture
def cached(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def csv_records(content: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"), newline=""), delimiter=delimiter))


# The formats.


def test_the_csv_is_utf8_comma_separated_with_a_header_and_no_byte_order_mark(sample):
    content = distributions.build(sample).files["csv"]

    assert not content.startswith(b"\xef\xbb\xbf")
    assert content.endswith(b"\r\n")  # RFC 4180 line ends
    records = csv_records(content)
    assert records[0] == sample.column_names
    assert records[1] == [
        "A-1",
        'Puyo, centro "Ñukanchik"\nsegunda línea',
        "1234567.50",
        "-3",
        "2025-03-31",
        "2025-04-01T10:30:00-05:00",  # in Pastaza's time
        "true",
    ]
    assert records[2][2:] == ["", "", "", "", "false"]


def test_the_spanish_excel_csv_has_a_byte_order_mark_semicolons_and_a_decimal_comma(sample):
    content = distributions.build(sample).files["es.csv"]

    assert content.startswith(b"\xef\xbb\xbf")
    records = csv_records(content[3:], delimiter=";")
    assert records[0] == sample.column_names
    assert records[1][2:] == ["1234567,50", "-3", "2025-03-31", "2025-04-01 10:30:00", "sí"]
    assert records[2][-1] == "no"


def test_the_json_holds_the_key_the_titles_the_licence_and_the_rows(sample):
    content = distributions.build(sample).files["json"]

    document = json.loads(content)
    assert document["key"] == "prueba-datos"
    assert document["title"] == {"es": "Datos de prueba", "qu": "Datos de prueba"}
    assert document["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert document["rows"][0] == {
        "codigo": "A-1",
        "nombre": 'Puyo, centro "Ñukanchik"\nsegunda línea',
        "monto": "1234567.50",  # a string: no digit lost to a float
        "cantidad": -3,
        "fecha": "2025-03-31",
        "publicado_en": "2025-04-01T10:30:00-05:00",
        "datos_de_ejemplo": True,
    }
    assert document["rows"][1]["monto"] is None
    # Sorted keys, no optional whitespace, "Ñ" as it is (not \u00d1): one way only to write the same data.
    assert content == json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    assert "Ñukanchik".encode() in content


def test_the_xlsx_has_a_header_row_and_real_number_date_and_yes_no_cells(sample):
    content = distributions.build(sample).files["xlsx"]

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.title == "prueba-datos"
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == sample.column_names
    assert rows[0][0].font.bold
    first = {name: cell for name, cell in zip(sample.column_names, rows[1], strict=True)}
    assert first["monto"].data_type == "n" and first["monto"].value == 1234567.5
    assert first["cantidad"].value == -3
    assert first["fecha"].is_date and first["fecha"].value.date() == dt.date(2025, 3, 31)
    assert first["publicado_en"].value == dt.datetime(2025, 4, 1, 10, 30)  # Pastaza's local time
    assert first["datos_de_ejemplo"].value is True
    assert rows[2][2].value is None


def test_a_formula_like_text_never_runs_as_a_formula(sample):
    built = distributions.build(sample)

    assert csv_records(built.files["csv"])[2][1].startswith("'=HYPERLINK")
    assert csv_records(built.files["es.csv"][3:], delimiter=";")[2][1].startswith("'=HYPERLINK")
    sheet = openpyxl.load_workbook(io.BytesIO(built.files["xlsx"])).active
    cell = sheet["B3"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    assert cell.quotePrefix
    # JSON is no spreadsheet: the text is what was published.
    assert json.loads(built.files["json"])["rows"][1]["nombre"].startswith("=HYPERLINK")


def test_characters_a_spreadsheet_cannot_hold_are_dropped(registered):
    dataset = make_dataset([{**ROWS[0], "nombre": "a\x00b\x1fc"}])

    built = distributions.build(dataset)

    assert csv_records(built.files["csv"])[1][1] == "abc"
    assert openpyxl.load_workbook(io.BytesIO(built.files["xlsx"])).active["B2"].value == "abc"


def test_an_empty_dataset_still_has_its_header_row():
    built = distributions.build(make_dataset([]))

    assert csv_records(built.files["csv"]) == [make_dataset([]).column_names]
    assert json.loads(built.files["json"])["rows"] == []
    assert built.summary.row_count == 0 and not built.summary.has_example_data


def test_the_same_data_give_the_same_bytes_and_sha256_in_any_build(sample):
    with time_machine.travel(dt.datetime(2025, 1, 1, 8, 0, tzinfo=PASTAZA), tick=False):
        first = distributions.build(sample)
    with time_machine.travel(dt.datetime(2026, 7, 15, 23, 59, 59, tzinfo=PASTAZA), tick=False):
        second = distributions.build(sample)

    assert first.files == second.files
    assert first.summary == second.summary
    workbook = openpyxl.load_workbook(io.BytesIO(first.files["xlsx"]))
    assert workbook.properties.created == workbook.properties.modified == dt.datetime(1980, 1, 1)


def test_other_data_give_other_bytes(sample):
    changed = make_dataset([{**ROWS[0], "monto": Decimal("1234567.51")}, ROWS[1]])

    first, second = distributions.build(sample), distributions.build(changed)

    assert all(first.files[fmt] != second.files[fmt] for fmt in distributions.FORMATS)


def test_the_summary_describes_each_file(sample):
    built = distributions.build(sample)

    assert [d.format for d in built.summary.distributions] == ["csv", "es.csv", "json", "xlsx"]
    for described in built.summary.distributions:
        content = built.files[described.format]
        assert described.size == len(content)
        assert described.sha256 == hashlib.sha256(content).hexdigest()
        assert described.filename == f"prueba-datos.{described.format}"
        assert described.url == f"/datos/prueba-datos.{described.format}"
    assert built.summary.distribution("xlsx").media_type.endswith("spreadsheetml.sheet")
    assert built.summary.row_count == 2
    assert built.summary.has_example_data


def test_a_dataset_without_example_rows_says_so(registered):
    real = make_dataset([{**row, "datos_de_ejemplo": False} for row in ROWS])
    no_flag = make_dataset([{"codigo": "A"}], columns=(Column("codigo", "string", "Código"),), primary_key=("codigo",))

    assert not distributions.build(real).summary.has_example_data
    assert not distributions.build(no_flag).summary.has_example_data


def test_the_last_change_comes_from_the_dataset():
    when = dt.datetime(2025, 5, 6, 7, 8, tzinfo=dt.UTC)

    assert distributions.build(make_dataset(modified=lambda: when)).summary.modified == when


# Builds are cached while the public pages are.


class Counted:
    """Rows that count how many times they were read."""

    def __init__(self, rows=ROWS):
        self.rows, self.reads = rows, 0

    def __call__(self):
        self.reads += 1
        return [dict(row) for row in self.rows]


def test_with_the_page_cache_on_a_dataset_is_read_once_until_the_next_change(registered, cached):
    rows = Counted()
    dataset = make_dataset(rows)
    registered(dataset)

    first = distributions.summary(dataset)
    described, content = distributions.distribution_file(dataset, "csv")
    distributions.summaries([dataset])
    assert rows.reads == 1
    assert described == first.distribution("csv")
    assert hashlib.sha256(content).hexdigest() == described.sha256

    rows.rows = ROWS[:1]
    assert distributions.summary(dataset).row_count == 2  # the same generation: the cached build
    bump_generation()  # what a published change does
    assert distributions.summary(dataset).row_count == 1
    assert rows.reads == 2


def test_the_cache_holds_one_build_for_the_summary_and_the_files(registered, cached):
    rows = Counted()
    dataset = make_dataset(rows)
    registered(dataset)

    distributions.distribution_file(dataset, "xlsx")
    for fmt in distributions.FORMATS:
        distributions.distribution_file(dataset, fmt)
    distributions.summary(dataset)

    assert rows.reads == 1


def test_a_lost_file_is_built_again_with_a_matching_description(registered, cached):
    rows = Counted()
    dataset = make_dataset(rows)
    registered(dataset)
    distributions.summary(dataset)
    cache.delete(f"{distributions._prefix()}:file:{dataset.key}:json")

    described, content = distributions.distribution_file(dataset, "json")

    assert rows.reads == 2
    assert described.sha256 == hashlib.sha256(content).hexdigest()


def test_a_new_day_builds_again(registered, cached):
    rows = Counted()
    dataset = make_dataset(rows)
    registered(dataset)
    with time_machine.travel(dt.datetime(2025, 6, 1, 23, 0, tzinfo=PASTAZA), tick=False):
        distributions.summary(dataset)
        distributions.summary(dataset)
    with time_machine.travel(dt.datetime(2025, 6, 2, 0, 30, tzinfo=PASTAZA), tick=False):
        distributions.summary(dataset)

    assert rows.reads == 2


def test_with_the_page_cache_off_nothing_is_kept(registered, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    rows = Counted()
    dataset = make_dataset(rows)

    distributions.summary(dataset)
    distributions.distribution_file(dataset, "csv")

    assert rows.reads == 2


def test_an_unknown_format_is_refused(sample):
    with pytest.raises(KeyError):
        distributions.distribution_file(sample, "pdf")
