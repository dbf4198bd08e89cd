"""Driving the staff admin as a browser would: the data a change form sends back, spreadsheet uploads
and downloads through django-import-export's views, and a snapshot of what an import could change."""

from __future__ import annotations

import io
from datetime import date, datetime

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import escape

from commitments.models import ChangeRecord, Commitment, Milestone

# The index of each format in the admin's format menu (commitments.admin.ImportExportTranslationAdmin).
FORMAT_INDEX = {"xlsx": "0", "csv": "1"}

MILESTONE_COLUMNS = [
    "id", "compromiso", "orden", "peso", "titulo_es", "titulo_qu", "descripcion_es", "descripcion_qu",
    "producto_esperado_es", "producto_esperado_qu", "inicio", "vencimiento", "completado_el", "nivel_irm",
    "avance", "responsable", "publicado", "datos_de_ejemplo",
]
# Columns an export writes and an import ignores: how late the milestone runs (issue 11).
MILESTONE_EXPORT_ONLY = ["vencido", "dias_de_retraso", "completado_con_retraso"]


def milestone_row(milestone, **changes) -> dict:
    """The spreadsheet row of `milestone` as an export writes it, with `changes` (column -> value) applied."""
    row = {
        "id": milestone.pk, "compromiso": milestone.commitment.code, "orden": milestone.order,
        "peso": milestone.weight, "titulo_es": milestone.title_es, "inicio": milestone.starts_on.isoformat(),
        "vencimiento": milestone.due_on.isoformat(), "nivel_irm": milestone.level, "avance": milestone.progress,
        "publicado": "sí" if milestone.is_published else "no", "datos_de_ejemplo": "no",
    }
    row.update(changes)
    return row


def admin_url(model: str, view: str = "", pk: int | None = None) -> str:
    base = f"/admin/commitments/{model}/"
    if pk is not None:
        base += f"{pk}/"
    return base + (f"{view}/" if view else "")


def _put(data: dict, key: str, value) -> None:
    if value is None or value is False:
        return
    if value is True:
        data[key] = "on"
    elif isinstance(value, list | tuple):
        data[key] = [str(v) for v in value]
    elif isinstance(value, datetime | date):
        data[key] = value.isoformat()
    else:
        data[key] = str(value)


def form_data(response, **changes) -> dict:
    """What the admin add/change page in `response` posts back, with `changes` applied (field name -> value)."""
    data: dict = {}
    form = response.context["adminform"].form
    for name in form.fields:
        _put(data, form.add_prefix(name), form[name].value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for subform in formset.forms:
            for name in subform.fields:
                _put(data, subform.add_prefix(name), subform[name].value())
    for name, value in changes.items():
        data.pop(name, None)
        _put(data, name, value)
    return data


def spreadsheet(rows: list[dict], fmt: str, columns: list[str] = MILESTONE_COLUMNS) -> bytes:
    dataset = tablib.Dataset(headers=columns)
    for row in rows:
        dataset.append([row.get(column, "") for column in columns])
    exported = dataset.export(fmt)
    return exported.encode("utf-8") if isinstance(exported, str) else exported


def import_preview(client, model: str, content: bytes, name: str, fmt: str):
    """Step 1 of an admin import: upload, dry run, preview."""
    data = {"resource": "0", "format": FORMAT_INDEX[fmt], "import_file": SimpleUploadedFile(name, content)}
    return client.post(admin_url(model, "import"), data)


def import_confirm(client, model: str, preview):
    """Step 2: post the confirm form the preview offered."""
    confirm = preview.context["confirm_form"]
    return client.post(admin_url(model, "process_import"), {name: confirm.initial[name] for name in confirm.fields})


def admin_export(client, model: str, fmt: str):
    return client.post(admin_url(model, "export"), {"resource": "0", "format": FORMAT_INDEX[fmt]})


def row_errors(invalid_row) -> dict[str, list[str]]:
    """The messages of a refused row of an import preview, by column (or field) name."""
    return {key: [str(message) for message in messages] for key, messages in invalid_row.error_dict.items()}


def row_messages(invalid_row) -> list[str]:
    return [message for messages in row_errors(invalid_row).values() for message in messages]


def read_spreadsheet(content: bytes, fmt: str) -> tablib.Dataset:
    if fmt == "csv":
        return tablib.Dataset().load(io.StringIO(content.decode("utf-8-sig")), format="csv")
    return tablib.Dataset().load(io.BytesIO(content), format="xlsx")


def state() -> tuple[list[dict], list[dict], int]:
    """Every commitment and milestone column, and how many change records: what an import might touch."""
    return (
        list(Commitment.objects.order_by("pk").values()),
        list(Milestone.objects.order_by("pk").values()),
        ChangeRecord.objects.count(),
    )


def spanish(msgid: str | Promise, **params) -> str:
    """A message as the admin shows it: in Spanish (the admin's language), with its placeholders filled.

    Tests compare with this rather than with English text, so they hold before and after translators work.
    """
    with translation.override("es"):
        text = str(msgid) if isinstance(msgid, Promise) else translation.gettext(msgid)
    return text % params if params else text


def html(text: str) -> str:
    return escape(text)
