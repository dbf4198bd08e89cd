"""The spreadsheets of road works and of their monthly progress (roads.resources, through the admin): Spanish
columns, choices by code or Spanish label, all or nothing (one bad row and nothing is imported, every error named
by its row), an implementer only for the works of their institution, progress that refreshes what the works show,
and exports whose formula-like cells stay text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from roads.models import RoadProgress, RoadWork
from tests.commitments.admin_helpers import read_spreadsheet, row_errors, spreadsheet
from tests.factories import CantonFactory
from tests.roads.factories import ParishFactory, RoadProgressFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

WORK_COLUMNS = [
    "codigo",
    "nombre",
    "nombre_qu",
    "tipo",
    "estado",
    "cantones",
    "parroquias",
    "comunidades",
    "longitud_km",
    "desde",
    "hasta",
    "superficie_antes",
    "superficie_despues",
    "ejecutor",
    "contratista",
    "ruc",
    "socio",
    "presupuesto",
    "financiamiento",
    "inicio_previsto",
    "fin_previsto",
    "inicio_real",
    "fin_real",
    "proceso_contratacion",
    "ocid",
    "territorio_indigena",
    "consulta_previa",
    "institucion",
    "compromiso",
    "publicado",
    "datos_de_ejemplo",
]
PROGRESS_COLUMNS = ["codigo_obra", "fecha", "avance_fisico", "monto_pagado", "nota", "nota_qu", "publicado"]
FORMATS = {"xlsx": "0", "csv": "1"}


def work_row(**changes) -> dict:
    row = {
        "codigo": "VIA-2026-001",
        "nombre": "Lastrado de la vía a Pomona",
        "tipo": "gravel",
        "estado": "preparation",
        "cantones": "1601",
        "comunidades": "Pomona, San Jacinto",
        "longitud_km": "8,5",
        "ejecutor": "direct",
        "presupuesto": "180000",
        "financiamiento": "own_funds",
        "inicio_previsto": "2026-02-01",
        "fin_previsto": "31/07/2026",
        "territorio_indigena": "no",
        "consulta_previa": "no",
        "institucion": "direccion-obras",
        "publicado": "no",
        "datos_de_ejemplo": "no",
    }
    row.update(changes)
    return row


def upload(client, model: str, rows: list[dict], columns: list[str], fmt: str = "csv"):
    content = spreadsheet(rows, fmt, columns=columns)
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"resource": "0", "format": FORMATS[fmt], "import_file": SimpleUploadedFile(f"archivo.{fmt}", content)}
    return client.post(f"/admin/roads/{model}/import/", data)


def confirm(client, model: str, preview):
    form = preview.context["confirm_form"]
    return client.post(
        f"/admin/roads/{model}/process_import/", {name: form.initial[name] for name in form.fields}, follow=True
    )


def imported(client, model: str, rows: list[dict], columns: list[str], fmt: str = "csv"):
    preview = upload(client, model, rows, columns, fmt)
    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is not None, [
        (row.number, row_errors(row)) for row in preview.context["result"].invalid_rows
    ]
    return confirm(client, model, preview)


def refused(preview) -> dict[int, dict[str, list[str]]]:
    """The errors of a refused preview, by row number and column; nothing may be confirmed."""
    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is None
    result = preview.context["result"]
    return {row.number: row_errors(row) for row in result.invalid_rows}


@pytest.fixture
def places(db):
    canton = CantonFactory(code="1601", slug="pastaza", name_es="Pastaza", seat="Puyo")
    CantonFactory(code="1603", slug="arajuno", name_es="Arajuno", seat="Arajuno")
    return canton, ParishFactory(code="160152", canton=canton, name_es="Pomona")


# The inventory.


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_planner_imports_the_inventory_with_labels_codes_and_places(planner_client, other_department, places, fmt):
    rows = [
        work_row(tipo="Lastrado", parroquias="160152", superficie_antes="Tierra", superficie_despues="gravel"),
        work_row(
            codigo="via-2026-002",
            nombre="Mantenimiento Puyo – Arajuno",
            tipo="Mantenimiento rutinario",
            estado="En ejecución",
            cantones="1601;1603",
            ejecutor="Contratista",
            contratista="Vías del Oriente",
            ruc="1790012345001",
            inicio_real="2026-01-15",
        ),
    ]

    response = imported(planner_client, "roadwork", rows, WORK_COLUMNS, fmt)

    assert response.status_code == 200
    first, second = RoadWork.objects.order_by("code")
    assert (first.kind, first.surface_before, first.surface_after) == ("gravel", "earth", "gravel")
    assert (first.length_km, first.budget, first.planned_end) == (Decimal("8.5"), 180000, date(2026, 7, 31))
    assert [p.code for p in first.parishes.all()] == ["160152"]
    assert (second.code, second.kind, second.status, second.executor) == (
        "VIA-2026-002",
        "maintenance",
        "implementation",
        "contractor",
    )
    assert sorted(c.code for c in second.cantons.all()) == ["1601", "1603"]
    assert second.institution == other_department


def test_one_bad_row_and_nothing_is_imported_with_every_error_named(planner_client, other_department, places):
    rows = [
        work_row(),
        work_row(codigo="VIA-2026-002", tipo="autopista", cantones="1601;9999", inicio_previsto="mañana"),
        work_row(
            codigo="VIA-2026-003", fin_previsto="2026-01-01", ejecutor="contractor", contratista="Vías S.A.", ruc="123"
        ),
    ]

    errors = refused(upload(planner_client, "roadwork", rows, WORK_COLUMNS))

    assert sorted(errors) == [2, 3]
    assert set(errors[2]) == {"tipo", "cantones", "inicio_previsto"}
    assert "9999" in errors[2]["cantones"][0]
    assert set(errors[3]) == {"fin_previsto", "ruc"}
    assert not RoadWork.objects.exists()


def test_the_inventory_export_reads_back_unchanged_and_keeps_formulas_as_text(planner_client, other_department):
    work = RoadWorkFactory(code="VIA-2025-009", name_es='=HYPERLINK("http://x")', institution=other_department)
    RoadProgressFactory(work=work, observed_on=date(2025, 6, 30), physical_pct=40)

    exported = planner_client.post("/admin/roads/roadwork/export/", {"resource": "0", "format": FORMATS["csv"]})

    assert exported.status_code == 200
    assert "conecta-pastaza-obras-viales-" in exported["Content-Disposition"]
    text = exported.content.decode("utf-8")
    assert "'=HYPERLINK" in text
    dataset = read_spreadsheet(exported.content, "csv")
    assert dataset.headers[: len(WORK_COLUMNS)] == WORK_COLUMNS
    preview = upload(planner_client, "roadwork", [dict(zip(dataset.headers, dataset[0], strict=True))], dataset.headers)
    assert preview.context.get("confirm_form") is not None
    assert preview.context["result"].totals["skip"] == 1


def test_an_implementer_imports_the_works_of_their_institution(other_implementer_client, other_department, places):
    response = imported(other_implementer_client, "roadwork", [work_row()], WORK_COLUMNS)

    assert response.status_code == 200
    assert RoadWork.objects.get().institution == other_department


def test_an_implementer_cannot_import_a_work_of_another_institution(
    implementer_client, department, other_department, places
):
    existing = RoadWorkFactory(code="VIA-2025-001", institution=other_department, is_published=False)
    rows = [
        work_row(codigo="VIA-2026-005", institucion="direccion-ambiente"),
        work_row(codigo="VIA-2026-006", institucion="direccion-obras"),
        work_row(codigo="VIA-2025-001", nombre="Otro nombre", institucion="direccion-obras"),
    ]

    errors = refused(upload(implementer_client, "roadwork", rows, WORK_COLUMNS))

    assert sorted(errors) == [2, 3]
    assert "DOP" in errors[2]["institucion"][0]
    assert "VIA-2025-001" in errors[3]["codigo"][0]
    assert RoadWork.objects.get() == existing
    existing.refresh_from_db()
    assert existing.name_es != "Otro nombre"


def test_an_implementer_cannot_publish_by_import(other_implementer_client, other_department, places):
    errors = refused(upload(other_implementer_client, "roadwork", [work_row(publicado="sí")], WORK_COLUMNS))

    assert list(errors[1]) == ["publicado"]


# Monthly progress.


def test_a_progress_import_refreshes_what_the_works_show(other_implementer_client, other_department, other_implementer):
    first = RoadWorkFactory(code="VIA-2025-001", institution=other_department, budget=Decimal("100000"))
    second = RoadWorkFactory(code="VIA-2025-002", institution=other_department)
    RoadProgressFactory(work=first, observed_on=date(2025, 4, 30), physical_pct=10, paid_amount=Decimal("5000"))
    rows = [
        {
            "codigo_obra": "VIA-2025-001",
            "fecha": "2025-04-30",
            "avance_fisico": "12",
            "monto_pagado": "6000",
            "publicado": "sí",
        },
        {
            "codigo_obra": "via-2025-001",
            "fecha": "31/05/2025",
            "avance_fisico": "30",
            "monto_pagado": "25000,50",
            "nota": "Cunetas terminadas.",
            "publicado": "sí",
        },
        {"codigo_obra": "VIA-2025-002", "fecha": "2025-05-31", "avance_fisico": "5", "publicado": "sí"},
    ]

    response = imported(other_implementer_client, "roadprogress", rows, PROGRESS_COLUMNS, "xlsx")

    assert response.status_code == 200
    assert RoadProgress.objects.count() == 3
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.physical_pct, first.paid_amount, first.progress_on) == (30, Decimal("25000.50"), date(2025, 5, 31))
    assert (second.physical_pct, second.progress_on) == (5, date(2025, 5, 31))
    assert RoadProgress.objects.get(work=first, observed_on=date(2025, 4, 30)).physical_pct == 12
    assert RoadProgress.objects.get(work=second).recorded_by == other_implementer


def test_a_bad_progress_row_refuses_the_whole_file(planner_client, other_department):
    work = RoadWorkFactory(code="VIA-2025-001", institution=other_department, budget=Decimal("1000"))
    rows = [
        {"codigo_obra": "VIA-2025-001", "fecha": "2025-04-30", "avance_fisico": "12", "publicado": "sí"},
        {"codigo_obra": "VIA-2099-999", "fecha": "2025-05-31", "avance_fisico": "30", "publicado": "sí"},
        {
            "codigo_obra": "VIA-2025-001",
            "fecha": "2025-05-31",
            "avance_fisico": "130",
            "monto_pagado": "5000",
            "publicado": "sí",
        },
    ]

    errors = refused(upload(planner_client, "roadprogress", rows, PROGRESS_COLUMNS))

    assert sorted(errors) == [2, 3]
    assert list(errors[2]) == ["codigo_obra"]
    assert set(errors[3]) == {"avance_fisico", "monto_pagado"} or set(errors[3]) == {"avance_fisico"}
    assert not RoadProgress.objects.exists()
    work.refresh_from_db()
    assert work.physical_pct == 0


def test_an_implementer_cannot_enter_the_progress_of_another_institutions_work(implementer_client, other_department):
    RoadWorkFactory(code="VIA-2025-001", institution=other_department)
    rows = [{"codigo_obra": "VIA-2025-001", "fecha": "2025-04-30", "avance_fisico": "12", "publicado": "sí"}]

    errors = refused(upload(implementer_client, "roadprogress", rows, PROGRESS_COLUMNS))

    assert "VIA-2025-001" in errors[1]["codigo_obra"][0]
    assert not RoadProgress.objects.exists()


def test_the_progress_export_has_its_spanish_columns(monitor_client, other_department):
    work = RoadWorkFactory(code="VIA-2025-001", institution=other_department)
    RoadProgressFactory(work=work, observed_on=date(2025, 6, 30), physical_pct=40, note_es="+ 3 km")

    exported = monitor_client.post("/admin/roads/roadprogress/export/", {"resource": "0", "format": FORMATS["csv"]})

    dataset = read_spreadsheet(exported.content, "csv")
    assert dataset.headers == PROGRESS_COLUMNS
    assert list(dataset[0]) == ["VIA-2025-001", "2025-06-30", "40", "90000", "'+ 3 km", "", "sí"]


@pytest.mark.parametrize("model", ["roadwork", "roadprogress"])
def test_the_lists_offer_import_and_export(planner_client, model):
    listing = planner_client.get(f"/admin/roads/{model}/").content.decode()
    imports = planner_client.get(f"/admin/roads/{model}/import/")

    assert f"/admin/roads/{model}/import/" in listing and f"/admin/roads/{model}/export/" in listing
    assert imports.status_code == 200 and "codigo" in imports.content.decode()
