"""The flat open data of road works and requests (roads.exports): /vias/obras.csv, /vias/obras.xlsx,
/vias/avances.csv, /vias/obras.geojson and /vias/solicitudes.csv — published and public rows only, nothing about a
person, formula-safe cells, and a bounded number of queries."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client

from roads.exports import PROGRESS_COLUMNS, REQUEST_COLUMNS, WORK_COLUMNS
from roads.models import Executor, Financing, RoadRequest, RoadWork, WorkKind
from roads.services import road_progress_refresh
from tests.factories import CantonFactory, UserFactory
from tests.roads.factories import ParishFactory, RoadProgressFactory, RoadRequestFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE = "Rosalía Gualinga", "rosalia.gualinga@example.org", "0991234567"
STAFF_EMAIL = "ingeniera.vias@pastaza.gob.ec"


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def data(commitment):
    canton = CantonFactory(code="1601", slug="pastaza", name_es="Pastaza", seat="Puyo")
    tarqui = ParishFactory(code="160163", name_es="Tarqui", canton=canton)
    veracruz = ParishFactory(code="160165", name_es="Veracruz", canton=canton)
    engineer = UserFactory(username="ingeniera-vias", email=STAFF_EMAIL)
    paving = RoadWorkFactory(
        code="VIA-2025-001",
        name_es="Asfaltado de la vía Puyo – Tarqui",
        name_qu="Puyo – Tarqui ñanta asfaltana",
        kind=WorkKind.PAVING,
        commitment=commitment,
        communities="San Jacinto, Nueva Vida",
        executor=Executor.CONTRACTOR,
        contractor_name="Constructora Amazónica S.A.",
        contractor_ruc="1691234567001",
        financing=Financing.BDE,
        procurement_code="LICO-GADPPZ-2025-001",
        ocds_id="ocds-5wno2w-LICO-GADPPZ-2025-001-123456",
        indigenous_territory=True,
        actual_start=date(2025, 3, 10),
    )
    paving.cantons.add(canton)
    paving.parishes.add(tarqui, veracruz)
    RoadProgressFactory(
        work=paving, observed_on=date(2025, 4, 30), physical_pct=20, paid_amount=Decimal("50000"), recorded_by=engineer
    )
    RoadProgressFactory(work=paving, observed_on=date(2025, 5, 31), physical_pct=35, note_es="Capa de base lista.")
    RoadProgressFactory(work=paving, observed_on=date(2025, 6, 30), physical_pct=90, is_published=False)
    hostile = RoadWorkFactory(code="VIA-2025-002", name_es='=HYPERLINK("http://evil.example","clic")', geometry=[])
    hidden = RoadWorkFactory(code="VIA-2025-099", name_es="Obra sin publicar", is_published=False)
    RoadProgressFactory(work=hidden, observed_on=date(2025, 5, 1), note_es="Nota oculta")
    shown = RoadRequestFactory(
        parish=tarqui,
        community="San Jacinto",
        answered_by_work=paving,
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        description=f"Soy {NAME}, hay un bache.",
        status=RoadRequest.Status.FIXED,
        fixed_on=date(2025, 6, 20),
    )
    answered_by_hidden = RoadRequestFactory(parish=veracruz, answered_by_work=hidden, received_on=date(2025, 5, 2))
    pending = RoadRequestFactory(parish=tarqui, moderation="pending", community="Comunidad pendiente")
    road_progress_refresh()
    return {
        "paving": paving,
        "hostile": hostile,
        "shown": shown,
        "answered_by_hidden": answered_by_hidden,
        "pending": pending,
    }


def _csv(response, filename: str) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Access-Control-Allow-Origin"] == "*"
    text = response.content.decode("utf-8")
    assert not text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def _personal_data_absent(body: bytes) -> None:
    for private in (NAME, "Rosalía", "Gualinga", EMAIL, PHONE, STAFF_EMAIL, "ingeniera-vias", "hay un bache"):
        assert private.encode() not in body


# Works.


def test_the_works_csv_has_one_row_per_published_work(client, data):
    response = client.get("/vias/obras.csv")
    rows = _csv(response, "obras-viales.csv")

    assert list(rows[0]) == WORK_COLUMNS
    assert [row["codigo"] for row in rows] == ["VIA-2025-001", "VIA-2025-002"]
    paving = rows[0]
    assert paving["nombre_qu"] == "Puyo – Tarqui ñanta asfaltana"
    assert (paving["tipo"], paving["estado"], paving["ejecutor"], paving["financiamiento"]) == (
        "paving",
        "implementation",
        "contractor",
        "bde",
    )
    assert (paving["cantones"], paving["parroquias"], paving["comunidades"]) == (
        "Pastaza",
        "Tarqui; Veracruz",
        "San Jacinto; Nueva Vida",
    )
    assert (paving["longitud_km"], paving["presupuesto"], paving["monto_pagado"]) == ("12.50", "250000.00", "90000.00")
    assert (paving["avance_fisico"], paving["avance_al"]) == ("35", "2025-05-31")
    assert (paving["inicio_previsto"], paving["fin_previsto"], paving["inicio_real"], paving["fin_real"]) == (
        "2025-03-01",
        "2025-12-31",
        "2025-03-10",
        "",
    )
    assert (paving["contratista"], paving["ruc"], paving["proceso"]) == (
        "Constructora Amazónica S.A.",
        "1691234567001",
        "LICO-GADPPZ-2025-001",
    )
    assert paving["ocid"] == "ocds-5wno2w-LICO-GADPPZ-2025-001-123456"
    assert (paving["territorio_indigena"], paving["consulta_previa"], paving["datos_de_ejemplo"]) == ("sí", "no", "no")
    assert paving["compromiso"] == "TEST0001"
    assert paving["url"].startswith("http") and paving["url"].endswith("/es/vias/VIA-2025-001/")
    assert b"Obra sin publicar" not in response.content
    _personal_data_absent(response.content)


def test_a_formula_is_quoted_in_the_csv_and_text_in_the_xlsx(client, data):
    rows = _csv(client.get("/vias/obras.csv"), "obras-viales.csv")
    response = client.get("/vias/obras.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active

    assert rows[1]["nombre_es"] == '\'=HYPERLINK("http://evil.example","clic")'
    cell = sheet.cell(row=3, column=2)
    assert cell.value == '=HYPERLINK("http://evil.example","clic")' and cell.data_type == "s"


def test_the_works_xlsx_has_the_same_rows_with_numbers_and_dates(client, data):
    response = client.get("/vias/obras.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="obras-viales.xlsx"'
    assert list(rows[0]) == WORK_COLUMNS
    assert [row[0] for row in rows[1:]] == ["VIA-2025-001", "VIA-2025-002"]
    paving = dict(zip(WORK_COLUMNS, rows[1], strict=True))
    assert paving["presupuesto"] == 250000 and paving["avance_fisico"] == 35
    assert paving["inicio_previsto"].date() == date(2025, 3, 1)
    _personal_data_absent(response.content)


# Progress.


def test_the_progress_csv_is_the_published_history(client, data):
    response = client.get("/vias/avances.csv")
    rows = _csv(response, "avances-obras-viales.csv")

    assert list(rows[0]) == PROGRESS_COLUMNS
    assert [(row["codigo_obra"], row["fecha"], row["avance_fisico"]) for row in rows] == [
        ("VIA-2025-001", "2025-04-30", "20"),
        ("VIA-2025-001", "2025-05-31", "35"),
    ]
    assert rows[0]["monto_pagado"] == "50000.00" and rows[1]["nota_es"] == "Capa de base lista."
    assert b"Nota oculta" not in response.content
    _personal_data_absent(response.content)


# The map.


def test_the_geojson_has_the_works_with_a_line_longitude_first(client, data):
    response = client.get("/vias/obras.geojson")
    collection = json.loads(response.content)

    assert response["Content-Type"] == "application/geo+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert collection["type"] == "FeatureCollection"
    [feature] = collection["features"]
    assert feature["geometry"] == {"type": "LineString", "coordinates": [[-78.0, -1.49], [-77.95, -1.52]]}
    assert feature["properties"] == {
        "code": "VIA-2025-001",
        "name": "Asfaltado de la vía Puyo – Tarqui",
        "status": "implementation",
        "status_label": "En ejecución",
        "physical_pct": 35,
        "url": feature["properties"]["url"],
    }
    assert feature["properties"]["url"].endswith("/es/vias/VIA-2025-001/")


def test_a_work_given_as_one_point_is_a_point(client, db):
    RoadWorkFactory(geometry=[[-77.99, -1.47]])

    [feature] = json.loads(client.get("/vias/obras.geojson").content)["features"]

    assert feature["geometry"] == {"type": "Point", "coordinates": [-77.99, -1.47]}


# Requests.


def test_the_requests_csv_has_the_public_requests_and_nothing_personal(client, data):
    response = client.get("/vias/solicitudes.csv")
    rows = _csv(response, "solicitudes-viales.csv")

    assert list(rows[0]) == REQUEST_COLUMNS
    codes = [row["codigo"] for row in rows]
    assert codes == [data["shown"].tracking_code, data["answered_by_hidden"].tracking_code]
    shown = rows[0]
    assert (shown["tipo"], shown["canton"], shown["parroquia_inec"], shown["parroquia"], shown["comunidad"]) == (
        "pothole",
        "Pastaza",
        "160163",
        "Tarqui",
        "San Jacinto",
    )
    assert (shown["estado"], shown["recibida_el"], shown["arreglada_el"]) == ("fixed", "2025-06-02", "2025-06-20")
    assert shown["obra_que_responde"] == "VIA-2025-001"
    assert shown["url"].endswith(f"/es/vias/solicitudes/{data['shown'].tracking_code}/")
    assert rows[1]["obra_que_responde"] == ""
    assert b"Comunidad pendiente" not in response.content
    _personal_data_absent(response.content)


# Bounded queries, and any site may read them.


@pytest.mark.parametrize(
    ("address", "queries"),
    [
        ("/vias/obras.csv", 3),
        ("/vias/obras.xlsx", 3),
        ("/vias/obras.geojson", 1),
        ("/vias/avances.csv", 1),
        ("/vias/solicitudes.csv", 1),
    ],
)
def test_the_downloads_take_the_same_queries_for_3_or_30_works(
    client, commitment, django_assert_max_num_queries, address, queries
):
    canton = CantonFactory(code="1601", slug="pastaza", name_es="Pastaza", seat="Puyo")
    parish = ParishFactory(code="160163", canton=canton)
    for count in (3, 30):
        RoadRequest.objects.all().delete()
        RoadWork.objects.filter(progress__isnull=True).delete()
        for n in range(count):
            work = RoadWorkFactory(code=f"VIA-Q{count}-{n:03d}", commitment=commitment)
            work.cantons.add(canton)
            work.parishes.add(parish)
            RoadProgressFactory(work=work)
            RoadRequestFactory(parish=parish, answered_by_work=work)
        with django_assert_max_num_queries(queries):
            response = client.get(address)
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"


def test_post_is_not_allowed(client, db):
    assert client.post("/vias/obras.csv").status_code == 405
