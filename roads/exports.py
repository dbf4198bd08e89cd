"""The road works and requests as flat open data: CSV, XLSX and GeoJSON.

Every file holds published works only (with their published progress) and public requests only, and never anything
about a person: no sender's name, contact or description, no staff member. Columns are named in Spanish, like the
portal's addresses; values are codes rather than labels (a label changes with the language, a code does not), both
languages' texts where a text is translated, ISO dates, and absolute addresses (SITE_URL) in Spanish. CSV is UTF-8
without a byte order mark and with "\\n" line ends, as the portal's other CSV downloads; a text that starts like a
spreadsheet formula is quoted (conecta.spreadsheet).
"""

from __future__ import annotations

import csv
import io
import json

import tablib
from django.db.models import Prefetch, QuerySet
from django.utils import translation

from commitments.models import Canton, Parish
from conecta.spreadsheet import XLSX, export_cell, safe_cell

from .models import RoadProgress, RoadRequest, RoadWork
from .oc4ids import site_url

WORK_COLUMNS = [
    "codigo",
    "nombre_es",
    "nombre_qu",
    "tipo",
    "estado",
    "cantones",
    "parroquias",
    "comunidades",
    "longitud_km",
    "presupuesto",
    "monto_pagado",
    "avance_fisico",
    "avance_al",
    "inicio_previsto",
    "fin_previsto",
    "inicio_real",
    "fin_real",
    "ejecutor",
    "contratista",
    "ruc",
    "financiamiento",
    "proceso",
    "ocid",
    "territorio_indigena",
    "consulta_previa",
    "compromiso",
    "url",
    "datos_de_ejemplo",
]
PROGRESS_COLUMNS = ["codigo_obra", "nombre_obra_es", "fecha", "avance_fisico", "monto_pagado", "nota_es", "nota_qu"]
REQUEST_COLUMNS = [
    "codigo",
    "tipo",
    "canton",
    "parroquia_inec",
    "parroquia",
    "comunidad",
    "estado",
    "recibida_el",
    "arreglada_el",
    "obra_que_responde",
    "url",
]
# Names in a list cell are separated by this (place names may hold commas, never semicolons).
LIST_SEPARATOR = "; "


def _yes_no(value: bool) -> str:
    return "sí" if value else "no"


def _csv(columns: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if value is None else safe_cell(export_cell(value)) for value in row])
    return out.getvalue()


# Works.


def works_exported() -> QuerySet[RoadWork]:
    """Published works by code, with their published commitment, cantons and parishes: three queries."""
    return (
        RoadWork.objects.published()
        .select_related("commitment")
        .prefetch_related(
            Prefetch("cantons", queryset=Canton.objects.order_by("code")),
            Prefetch("parishes", queryset=Parish.objects.order_by("code")),
        )
        .order_by("code")
    )


def work_rows(works) -> list[list]:
    """One row per work, in WORK_COLUMNS' order: numbers and dates as values (XLSX keeps them so)."""
    rows = []
    with translation.override("es"):
        for work in works:
            commitment = work.commitment if work.commitment_id and work.commitment.is_published else None
            rows.append(
                [
                    work.code,
                    work.name_es,
                    work.name_qu,
                    work.kind,
                    work.status,
                    LIST_SEPARATOR.join(canton.name_es for canton in work.cantons.all()),
                    LIST_SEPARATOR.join(parish.name_es for parish in work.parishes.all()),
                    LIST_SEPARATOR.join(work.community_list),
                    work.length_km,
                    work.budget,
                    work.paid_amount,
                    work.physical_pct,
                    work.progress_on,
                    work.planned_start,
                    work.planned_end,
                    work.actual_start,
                    work.actual_end,
                    work.executor,
                    work.contractor_name,
                    work.contractor_ruc,
                    work.financing,
                    work.procurement_code,
                    work.ocds_id,
                    _yes_no(work.indigenous_territory),
                    _yes_no(work.prior_consultation),
                    commitment.code if commitment else "",
                    site_url(work.get_absolute_url()),
                    _yes_no(work.is_example),
                ]
            )
    return rows


def _iso_values(row: list) -> list:
    return [value.isoformat() if hasattr(value, "isoformat") else value for value in row]


def works_csv(works) -> str:
    return _csv(WORK_COLUMNS, (_iso_values(row) for row in work_rows(works)))


def works_xlsx(works) -> bytes:
    """The works as one sheet (conecta.spreadsheet.XLSX: text cells never run as formulas)."""
    dataset = tablib.Dataset(headers=WORK_COLUMNS, title="Obras viales")
    for row in work_rows(works):
        dataset.append(row)
    return XLSX().export_data(dataset)


# Progress.


def progress_exported() -> QuerySet[RoadProgress]:
    """Published observations of published works, by work and date: one query."""
    return RoadProgress.objects.published().select_related("work").order_by("work__code", "observed_on", "pk")


def progress_csv(observations) -> str:
    return _csv(
        PROGRESS_COLUMNS,
        (
            [
                progress.work.code,
                progress.work.name_es,
                progress.observed_on.isoformat(),
                progress.physical_pct,
                progress.paid_amount,
                progress.note_es,
                progress.note_qu,
            ]
            for progress in observations
        ),
    )


# The map.


def works_mapped() -> QuerySet[RoadWork]:
    """Published works by code, with what the map needs: one query."""
    return (
        RoadWork.objects.published()
        .only("code", "name_es", "status", "physical_pct", "geometry")
        .exclude(geometry=[])
        .order_by("code")
    )


def works_geojson(works) -> str:
    """The works that have a line or a point as an RFC 7946 FeatureCollection (WGS84, longitude first)."""
    features = []
    with translation.override("es"):
        for work in works:
            if not work.geometry:
                continue
            if len(work.geometry) == 1:
                geometry = {"type": "Point", "coordinates": list(work.geometry[0])}
            else:
                geometry = {"type": "LineString", "coordinates": [list(point) for point in work.geometry]}
            features.append(
                {
                    "type": "Feature",
                    "id": work.code,
                    "geometry": geometry,
                    "properties": {
                        "code": work.code,
                        "name": work.name_es,
                        "status": work.status,
                        "status_label": str(work.get_status_display()),
                        "physical_pct": work.physical_pct,
                        "url": site_url(work.get_absolute_url()),
                    },
                }
            )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


# Requests.


def requests_exported() -> QuerySet[RoadRequest]:
    """Public requests, newest first, with their parish, canton and answering work: one query, reading no contact
    field."""
    return (
        RoadRequest.objects.public()
        .select_related("parish__canton", "answered_by_work")
        .only(
            "pk",
            "tracking_code",
            "kind",
            "community",
            "status",
            "received_on",
            "fixed_on",
            "parish__code",
            "parish__name_es",
            "parish__canton__name_es",
            "answered_by_work__code",
            "answered_by_work__is_published",
        )
        .order_by("-received_on", "-pk")
    )


def requests_csv(requests) -> str:
    rows = []
    with translation.override("es"):
        for road_request in requests:
            work = road_request.answered_by_work
            rows.append(
                [
                    road_request.tracking_code,
                    road_request.kind,
                    road_request.parish.canton.name_es,
                    road_request.parish.code,
                    road_request.parish.name_es,
                    road_request.community,
                    road_request.status,
                    road_request.received_on.isoformat(),
                    road_request.fixed_on.isoformat() if road_request.fixed_on else "",
                    work.code if work is not None and work.is_published else "",
                    site_url(road_request.get_absolute_url()),
                ]
            )
    return _csv(REQUEST_COLUMNS, rows)
