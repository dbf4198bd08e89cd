"""The consent ledger as a file for planners (LOPDP): every entry, oldest first, with what was followed, how and
when, and the address while it is not anonymised. CSV or XLSX (conecta.spreadsheet: a formula-like text stays
text). The file is built whole, from one query, before anything is sent: it holds the whole ledger or nothing.

Columns are in Spanish, as the portal's other downloads; the event and the "how" are the ledger's own codes
(alerts.models.ConsentEventKind and ConsentHow), which do not change with the staff's language.
"""

from __future__ import annotations

from collections.abc import Iterator

import tablib
from django.db.models import QuerySet
from django.utils import timezone

from conecta.spreadsheet import CSV, XLSX

from .models import ConsentEvent

COLUMNS = [
    "suscripcion",
    "que_se_sigue",
    "nombre_al_seguir",
    "idioma",
    "frecuencia",
    "evento",
    "como",
    "cuando",
    "ip_hash",
    "detalle",
    "correo",
]
SHEET_TITLE = "Registro de consentimiento"
CHUNK = 2000


def ledger_rows(events: QuerySet[ConsentEvent]) -> Iterator[list]:
    """One row per entry of `events`, oldest first: one query, read in chunks. The time is Pastaza's, as ISO 8601
    with its offset; the address is empty once anonymised."""
    values = events.order_by("at", "pk").values_list(
        "subscription_id",
        "subscription__target",
        "subscription__target_label",
        "subscription__language",
        "subscription__frequency",
        "kind",
        "how",
        "at",
        "ip_hash",
        "detail",
        "subscription__recipient__email",
        "subscription__recipient__anonymised_at",
    )
    for *fields, at, ip_hash, detail, email, anonymised_at in values.iterator(chunk_size=CHUNK):
        address = email if email and anonymised_at is None else ""
        yield [*fields, timezone.localtime(at).isoformat(timespec="seconds"), ip_hash, detail, address]


def ledger_dataset(events: QuerySet[ConsentEvent]) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=COLUMNS, title=SHEET_TITLE)
    for row in ledger_rows(events):
        dataset.append(row)
    return dataset


def ledger_csv(events: QuerySet[ConsentEvent]) -> bytes:
    return CSV().export_data(ledger_dataset(events)).encode("utf-8")


def ledger_xlsx(events: QuerySet[ConsentEvent]) -> bytes:
    return XLSX().export_data(ledger_dataset(events))


FORMATS = {
    "csv": (ledger_csv, "text/csv; charset=utf-8"),
    "xlsx": (ledger_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def filename(extension: str) -> str:
    """conecta-pastaza-registro-consentimiento-2026-03-10.csv: what it holds, and the day in Pastaza."""
    return f"conecta-pastaza-registro-consentimiento-{timezone.localdate():%Y-%m-%d}.{extension}"
