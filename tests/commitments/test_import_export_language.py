"""The admin's spreadsheet import and export speak the staff's language (issue 12, "One language at a time"): every
page of django-import-export reads in Spanish (and in Kichwa on the Kichwa admin), the preview shows a change as
"old → new", the history and the messages are whole sentences, and an export is named and titled after its data,
with real date cells in XLSX."""

from __future__ import annotations

import ast
import html
import io
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import import_export
import openpyxl
import pytest
import time_machine
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.utils import translation

from commitments.models import Milestone
from conecta import import_export_terms
from tests.factories import MilestoneFactory

from .admin_helpers import (
    admin_export,
    admin_url,
    import_confirm,
    import_preview,
    milestone_row,
    read_spreadsheet,
    spanish,
    spreadsheet,
)

pytestmark = pytest.mark.django_db

PASTAZA = ZoneInfo("America/Guayaquil")

# What django-import-export (and the messages it builds) would show in English.
ENGLISH = [
    "Import", "Export", "This importer", "This exporter", "following fields", "File to import", "Format", "Submit",
    "Below is a preview", "Confirm import", "Preview", "New", "Update", "Skipped", "Errors", "Line number",
    "Some rows failed", "Please correct", "Row", "Non field specific", "Import finished", "new", "updated",
    "deleted", "skipped", "through import_export", "Traceback", "import_id_fields", "file headers",
    "encountered while trying", "No valid data",
]


def visible_text(page: str) -> str:
    """What a reader of the page meets: its text, and the words on its buttons."""
    buttons = " ".join(re.findall(r'<input[^>]*type="submit"[^>]*value="([^"]*)"', page))
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(f"{page} {buttons}"))


def english_in(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH if re.search(rf"\b{re.escape(phrase)}\b", text)]


def in_language(client, lang: str):
    client.cookies["conecta_lang"] = lang
    return client


@pytest.fixture
def milestone(commitment):
    return MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico", title_qu="", progress=20)


def preview_of(client, milestone, **changes):
    content = spreadsheet([milestone_row(milestone, **changes)], "csv")
    return import_preview(client, "milestone", content, "hitos.csv", "csv")


def test_a_planner_imports_in_spanish_from_the_form_to_the_message(planner_client, milestone):
    client = in_language(planner_client, "es")

    form = visible_text(client.get(admin_url("milestone", "import")).text)
    preview = preview_of(client, milestone, avance=30)
    shown = visible_text(preview.text)
    done = client.get(import_confirm(client, "milestone", preview)["Location"])
    message = visible_text(done.text)

    assert english_in(form) == []
    assert "La importación lee estas columnas:" in form and "Archivo a importar:" in form
    assert "Formato:" in form and "Enviar" in form
    assert english_in(shown) == []
    assert "Vista previa" in shown and "Con cambios" in shown
    assert "todavía no se ha guardado nada" in shown and "Confirmar importación" in shown
    assert english_in(message) == []
    assert "Importación terminada. Hitos nuevos: 0; actualizados: 1; sin cambios: 0." in message


@pytest.mark.parametrize("model", ["milestone", "commitment", "indicator", "indicatorvalue"])
def test_the_import_and_export_forms_of_every_list_read_in_spanish(planner_client, milestone, model):
    client = in_language(planner_client, "es")
    listing = visible_text(client.get(admin_url(model)).text)
    imports = visible_text(client.get(admin_url(model, "import")).text)
    exports = visible_text(client.get(admin_url(model, "export")).text)

    assert [english_in(page) for page in (listing, imports, exports)] == [[], [], []]
    assert "Importar" in listing and "Exportar" in listing
    assert "La importación lee estas columnas:" in imports
    assert "La exportación escribe estas columnas:" in exports and "Formato:" in exports


def test_a_file_with_errors_is_explained_in_spanish(planner_client, milestone):
    preview = preview_of(in_language(planner_client, "es"), milestone, avance=150)
    page = visible_text(preview.text)

    assert preview.context["result"].has_validation_errors()
    assert english_in(page) == []
    assert "Algunas filas tienen errores" in page and "Corrija estos errores en el archivo" in page
    assert "Fila" in page and "Errores" in page


def test_a_file_without_its_id_column_is_refused_in_spanish_without_a_traceback(planner_client, milestone):
    row = milestone_row(milestone, avance=30)
    columns = [column for column in row if column != "id"]
    content = spreadsheet([row], "csv", columns=columns)

    preview = import_preview(in_language(planner_client, "es"), "milestone", content, "hitos.csv", "csv")
    page = visible_text(preview.text)

    assert preview.context["result"].has_errors() and preview.context.get("confirm_form") is None
    assert english_in(page) == []
    assert "El archivo no tiene la columna “id”" in page
    assert 'File "' not in page and ".py" not in page


def test_the_import_and_export_pages_speak_kichwa_on_the_kichwa_admin(planner_client, milestone):
    client = in_language(planner_client, "qu")

    form = visible_text(client.get(admin_url("milestone", "import")).text)
    export = visible_text(client.get(admin_url("milestone", "export")).text)
    preview = preview_of(client, milestone, avance=30)
    shown = visible_text(preview.text)
    message = visible_text(client.get(import_confirm(client, "milestone", preview)["Location"]).text)

    assert [english_in(page) for page in (form, export, shown, message)] == [[], [], [], []]
    assert "Yaykuchinaka kay columnakunata ñawinchin:" in form and "Yaykuchina archiwu:" in form
    assert "Llukchinaka kay columnakunata killkan:" in export
    assert "Ñawpa rikuy" in shown and "Yaykuchinata ari nina" in shown
    assert "Yaykuchinaka tukurkami. Mushuk rurana paktakuna: 0; mushukyachishkakuna: 1" in message


def test_the_preview_shows_a_changed_value_as_old_and_new(planner_client, milestone, commitment):
    new_row = milestone_row(milestone, id="", orden=2, titulo_es="Taller nuevo", avance=40)
    changed = milestone_row(milestone, avance=30, titulo_es="Diagnóstico <b>final</b>", titulo_qu="Rikuna")
    content = spreadsheet([changed, new_row], "csv")

    preview = import_preview(in_language(planner_client, "es"), "milestone", content, "hitos.csv", "csv")

    updated, added = preview.context["result"].valid_rows()
    cells = dict(zip(preview.context["result"].diff_headers, updated.diff, strict=True))
    assert cells["avance"] == "20 → 30"
    assert cells["titulo_es"] == "Diagnóstico → Diagnóstico &lt;b&gt;final&lt;/b&gt;"
    assert cells["titulo_qu"] == "(vacío) → Rikuna"
    assert cells["compromiso"] == commitment.code, "an unchanged value is shown as it is"
    new_cells = dict(zip(preview.context["result"].diff_headers, added.diff, strict=True))
    assert (new_cells["titulo_es"], new_cells["avance"]) == ("Taller nuevo", "40")
    assert "20 → 30" in preview.text
    assert "<del>" not in preview.text and "<ins>" not in preview.text


def test_the_history_of_imported_records_reads_in_the_readers_language(planner_client, milestone):
    new_row = milestone_row(milestone, id="", orden=2, titulo_es="Taller nuevo", avance=40)
    preview = import_preview(
        planner_client, "milestone", spreadsheet([milestone_row(milestone, avance=30), new_row], "csv"), "h.csv", "csv"
    )
    import_confirm(planner_client, "milestone", preview)

    changed = LogEntry.objects.get(action_flag=CHANGE, object_id=str(milestone.pk))
    added = LogEntry.objects.get(action_flag=ADDITION)
    progress = Milestone._meta.get_field("progress").verbose_name
    with translation.override("es"):
        assert changed.get_change_message() == spanish("Changed {fields}.").format(fields=str(progress))
        assert added.get_change_message() == spanish("Added.")
    assert "import_export" not in changed.change_message + added.change_message


@pytest.mark.parametrize(("model", "slug"), [
    ("milestone", "hitos"), ("commitment", "compromisos"), ("indicator", "indicadores"),
    ("indicatorvalue", "valores-de-indicadores"),
])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_is_named_after_its_data_and_the_day_in_pastaza(planner_client, model, slug, fmt):
    # 23:30 in Puyo is already the next day in UTC.
    with time_machine.travel(datetime(2026, 12, 1, 23, 30, tzinfo=PASTAZA), tick=False):
        response = admin_export(planner_client, model, fmt)

    assert response["Content-Disposition"] == f'attachment; filename="conecta-pastaza-{slug}-2026-12-01.{fmt}"'


@pytest.mark.parametrize(("model", "sheet", "date_columns"), [
    ("milestone", "Hitos", ["inicio", "vencimiento"]),
    ("commitment", "Compromisos", ["inicio", "fin"]),
])
def test_an_xlsx_export_has_a_named_sheet_and_real_date_cells(planner_client, milestone, model, sheet, date_columns):
    workbook = openpyxl.load_workbook(io.BytesIO(admin_export(planner_client, model, "xlsx").content))

    assert workbook.sheetnames == [sheet]
    rows = list(workbook[sheet].iter_rows())
    headers = [cell.value for cell in rows[0]]
    for column in date_columns:
        cell = rows[1][headers.index(column)]
        assert cell.is_date, f"{column} is stored as {cell.data_type!r}: {cell.value!r}"
        assert isinstance(cell.value, datetime | date)


def test_a_csv_export_keeps_iso_dates(planner_client, milestone):
    rows = read_spreadsheet(admin_export(planner_client, "milestone", "csv").content, "csv").dict

    assert (rows[0]["inicio"], rows[0]["vencimiento"]) == (
        milestone.starts_on.isoformat(), milestone.due_on.isoformat(),
    )


def _string_constants(path: Path) -> set[str]:
    if path.suffix == ".py":
        return {node.value for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Constant)
                and isinstance(node.value, str)}
    return {path.read_text()}


def test_every_translated_import_export_msgid_is_one_import_export_still_uses():
    """conecta/import_export_terms.py stays in step with the installed django-import-export: a msgid it renamed
    would leave its page in English again."""
    package = Path(import_export.__file__).parent
    sources = [path for path in package.rglob("*") if path.suffix in {".py", ".html"}]
    texts = set().union(*(_string_constants(path) for path in sources))

    missing = [
        msgid for msgid in import_export_terms.MSGIDS
        if msgid not in texts and not any(f'"{msgid}"' in text for text in texts)
    ]

    assert missing == []
