"""OC4IDS 0.9 project packages of the published road works (roads.oc4ids, /vias/oc4ids.json and
/vias/oc4ids/<code>.json): their structure, checked offline, and, when OC4IDS_SCHEMA_DIR names a copy of the
standard's schema (project-schema.json, project-package-schema.json and codelists/), libcoveoc4ids' validation
against it without touching the network."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from roads import oc4ids
from roads.models import DocumentType, Executor, Financing, RoadDocument, WorkKind, WorkStatus
from roads.services import road_progress_refresh
from tests.factories import CantonFactory, UserFactory, pdf_bytes
from tests.meetings.factories import MeetingFactory
from tests.roads.factories import ParishFactory, RoadProgressFactory, RoadRequestFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

PASTAZA = ZoneInfo("America/Guayaquil")
# The codes of the standard's codelists (0.9.5) that roads.oc4ids writes: every value it writes must be one.
PROJECT_STATUS = {"identification", "preparation", "implementation", "completion", "maintenance", "cancelled"}
PROJECT_TYPE = {"construction", "rehabilitation", "replacement", "expansion", "decommissioning"}
PARTY_ROLES = {"publicAuthority", "supplier", "funder"}
METRIC_IDS = {"physicalProgress", "financialProgress"}
MILESTONE_TYPES, MILESTONE_CODES = {"delivery"}, {"commencement", "completion"}
MILESTONE_STATUS = {"scheduled", "met", "notMet", "partiallyMet"}
DOCUMENT_TYPES = {
    "projectScope",
    "feasibilityStudy",
    "environmentalImpact",
    "technicalSpecifications",
    "contractSigned",
    "physicalProgressReport",
    "financialProgressReport",
    "completionCertificate",
    "minutes.consultationMeeting",
    "picture",
    "other",
}
# Pastaza lies within these longitudes and latitudes (WGS84): a swapped pair falls outside.
LONGITUDES, LATITUDES = (-78.5, -75.5), (-2.7, -0.9)
STAFF_EMAIL, SENDER_EMAIL, SENDER_PHONE = "ingeniera.vias@pastaza.gob.ec", "vecino@example.org", "0987654321"


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def works(commitment):
    """A contracted paving with everything (progress, documents, a consultation meeting, partners), a study by
    direct administration without a line, a finished bridge given as a point, and an unpublished work."""
    canton = CantonFactory(code="1601", slug="pastaza", name_es="Pastaza", seat="Puyo")
    tarqui = ParishFactory(code="160163", name_es="Tarqui", canton=canton)
    engineer = UserFactory(username="ingeniera-vias", email=STAFF_EMAIL, first_name="Marta", last_name="Vargas")
    meeting = MeetingFactory(slug="consulta-via-tarqui", date=date(2025, 2, 10), canton=canton)
    paving = RoadWorkFactory(
        code="VIA-2025-001",
        name_es="Asfaltado de la vía Puyo – Tarqui",
        name_qu="Puyo – Tarqui ñanta asfaltana",
        description_es="Asfaltado de 12,5 km con cunetas y señalización.",
        kind=WorkKind.PAVING,
        commitment=commitment,
        communities="San Jacinto, Nueva Vida",
        start_reference="Puyo",
        end_reference="Tarqui",
        executor=Executor.CONTRACTOR,
        contractor_name="Constructora Amazónica S.A.",
        contractor_ruc="1691234567001",
        partner="GAD Parroquial de Tarqui",
        financing=Financing.BDE,
        procurement_code="LICO-GADPPZ-2025-001",
        ocds_id="ocds-5wno2w-LICO-GADPPZ-2025-001-123456",
        indigenous_territory=True,
        prior_consultation=True,
        consultation_meeting=meeting,
        actual_start=date(2025, 3, 10),
        geometry=[[-78.0, -1.49], [-77.97, -1.5], [-77.95, -1.52]],
        geometry_note_es="Trazado tomado con GPS.",
    )
    paving.cantons.add(canton)
    paving.parishes.add(tarqui)
    RoadProgressFactory(
        work=paving, observed_on=date(2025, 4, 30), physical_pct=20, paid_amount=Decimal("50000"), recorded_by=engineer
    )
    RoadProgressFactory(work=paving, observed_on=date(2025, 5, 31), physical_pct=35, paid_amount=None)
    RoadProgressFactory(work=paving, observed_on=date(2025, 6, 30), physical_pct=90, is_published=False)
    RoadDocument.objects.create(
        work=paving,
        document_type=DocumentType.PHYSICAL_PROGRESS,
        title_es="Informe de avance de abril",
        published_on=date(2025, 5, 5),
        file=SimpleUploadedFile("informe.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    RoadDocument.objects.create(
        work=paving,
        document_type=DocumentType.CONTRACT,
        title_es="Contrato firmado",
        published_on=date(2025, 3, 1),
        url="https://www.compraspublicas.gob.ec/ProcesoContratacion/contrato-123.pdf",
    )
    RoadDocument.objects.create(
        work=paving,
        document_type=DocumentType.OTHER,
        title_es="Borrador interno",
        url="https://example.org/borrador.pdf",
        is_published=False,
    )
    study = RoadWorkFactory(
        code="VIA-2025-002",
        name_es="Estudio de la vía Canelos – Sarayaku",
        kind=WorkKind.STUDY,
        status=WorkStatus.PREPARATION,
        geometry=[],
        geometry_source="",
        budget=None,
        financing=Financing.OWN_FUNDS,
    )
    bridge = RoadWorkFactory(
        code="VIA-2024-010",
        name_es="Puente sobre el río Pindo",
        kind=WorkKind.BRIDGE,
        status=WorkStatus.COMPLETION,
        actual_start=date(2024, 5, 1),
        actual_end=date(2024, 11, 30),
        geometry=[[-77.99, -1.47]],
        financing=Financing.STCTEA,
    )
    RoadProgressFactory(work=bridge, observed_on=date(2024, 11, 30), physical_pct=100, paid_amount=Decimal("180000"))
    hidden = RoadWorkFactory(code="VIA-2025-099", name_es="Obra sin publicar", is_published=False)
    RoadProgressFactory(work=hidden, observed_on=date(2025, 5, 1))
    RoadRequestFactory(
        parish=tarqui, answered_by_work=paving, name="Vecino Anónimo", email=SENDER_EMAIL, phone=SENDER_PHONE
    )
    road_progress_refresh()
    return {"paving": paving, "study": study, "bridge": bridge, "hidden": hidden}


def _package(client, address="/vias/oc4ids.json") -> dict:
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.content)


def _by_id(package) -> dict:
    return {project["id"]: project for project in package["projects"]}


def _empty_members(value, path="") -> list[str]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _empty_members(item, f"{path}/{key}")] + (
            [path] if not value else []
        )
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _empty_members(item, f"{path}/{index}")] + (
            [path] if not value else []
        )
    return [path] if value is None or (isinstance(value, str) and not value.strip()) else []


# The structure, offline.


def test_the_package_has_what_the_standard_requires(client, works):
    package = _package(client)

    assert package["version"] == "0.9"
    assert package["uri"].startswith("http") and package["uri"].endswith("/vias/oc4ids.json")
    assert package["publisher"]["name"] == "Gobierno Autónomo Descentralizado Provincial de Pastaza"
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["publicationPolicy"].startswith("http") and "/es/" in package["publicationPolicy"]
    assert datetime.fromisoformat(package["publishedDate"]).tzinfo is not None
    ids = [project["id"] for project in package["projects"]]
    assert ids == ["oc4ids-gadppz-VIA-2024-010", "oc4ids-gadppz-VIA-2025-001", "oc4ids-gadppz-VIA-2025-002"]
    assert len(set(ids)) == len(ids)
    assert _empty_members(package) == []


def test_only_published_works_progress_and_documents(client, works):
    body = client.get("/vias/oc4ids.json").content.decode()
    paving = _by_id(_package(client))["oc4ids-gadppz-VIA-2025-001"]

    assert "VIA-2025-099" not in body and "Obra sin publicar" not in body
    physical = next(m for m in paving["metrics"] if m["id"] == "physicalProgress")
    assert [o["measure"] for o in physical["observations"]] == [20, 35]
    assert [d["title"] for d in paving["documents"]] == ["Contrato firmado", "Informe de avance de abril"]


def test_a_project_maps_our_fields_to_the_standards(client, works):
    paving = _by_id(_package(client))["oc4ids-gadppz-VIA-2025-001"]

    assert (paving["language"], paving["status"], paving["type"]) == ("es", "implementation", "rehabilitation")
    assert paving["title"] == "Asfaltado de la vía Puyo – Tarqui"
    assert paving["sector"] == ["transport", "transport.road"]
    assert paving["purpose"] == "Acceso vial para las comunidades: San Jacinto, Nueva Vida."
    assert paving["budget"]["amount"] == {"amount": 250000.0, "currency": "USD"}
    assert paving["period"] == {"startDate": "2025-03-01T00:00:00-05:00", "endDate": "2025-12-31T00:00:00-05:00"}
    assert paving["implementationPeriod"] == paving["period"]
    assert paving["publicAuthority"] == {"id": "gadppz", "name": oc4ids.PUBLIC_AUTHORITY_NAME}
    parties = {party["id"]: party for party in paving["parties"]}
    assert parties["gadppz"]["roles"] == ["publicAuthority"]
    assert parties["EC-RUC-1691234567001"]["identifier"] == {
        "scheme": "EC-RUC",
        "id": "1691234567001",
        "legalName": "Constructora Amazónica S.A.",
    }
    assert parties["EC-RUC-1691234567001"]["roles"] == ["supplier"]
    assert {party["name"] for party in paving["parties"] if party["roles"] == ["funder"]} == {
        "GAD Parroquial de Tarqui",
        "Banco de Desarrollo del Ecuador",
    }
    [process] = paving["contractingProcesses"]
    assert process["id"] == "ocds-5wno2w-LICO-GADPPZ-2025-001-123456"
    assert process["summary"]["externalReference"] == "LICO-GADPPZ-2025-001"
    assert process["summary"]["suppliers"] == [{"id": "EC-RUC-1691234567001", "name": "Constructora Amazónica S.A."}]
    milestones = {m["code"]: m for m in paving["milestones"]}
    assert milestones["commencement"]["status"] == "met"
    assert milestones["commencement"]["dateMet"] == "2025-03-10T00:00:00-05:00"
    assert milestones["completion"]["status"] == "scheduled" and "dateMet" not in milestones["completion"]
    financial = next(m for m in paving["metrics"] if m["id"] == "financialProgress")
    assert [o["value"] for o in financial["observations"]] == [{"amount": 50000.0, "currency": "USD"}]
    assert paving["social"]["inIndigenousLand"] is True
    assert paving["social"]["consultationMeetings"][0]["id"] == "consulta-via-tarqui"
    location = paving["locations"][0]
    assert location["address"] == {"locality": "Pastaza", "region": "Pastaza", "countryName": "Ecuador"}
    assert "Puyo – Tarqui" in location["description"] and "Tarqui" in location["description"]
    document = next(d for d in paving["documents"] if d["documentType"] == "physicalProgressReport")
    assert document["url"].startswith("http") and "/es/vias/documento/" in document["url"]
    assert document["format"] == "application/pdf"


def test_a_study_has_no_type_and_a_finished_work_its_completion(client, works):
    projects = _by_id(_package(client))
    study, bridge = projects["oc4ids-gadppz-VIA-2025-002"], projects["oc4ids-gadppz-VIA-2024-010"]

    assert "type" not in study and "budget" not in study
    assert "geometry" not in study["locations"][0]
    assert next(p for p in study["parties"] if p["id"] == "gadppz")["roles"] == ["publicAuthority", "funder"]
    assert bridge["type"] == "construction"
    assert bridge["completion"] == {
        "endDate": "2024-11-30T00:00:00-05:00",
        "finalValue": {"amount": 180000.0, "currency": "USD"},
    }
    assert bridge["locations"][0]["geometry"] == {"type": "Point", "coordinates": [-77.99, -1.47]}


def test_every_code_is_one_of_the_standards(client, works):
    for project in _package(client)["projects"]:
        assert project["status"] in PROJECT_STATUS
        assert project.get("type", "construction") in PROJECT_TYPE
        assert {role for party in project["parties"] for role in party["roles"]} <= PARTY_ROLES
        assert {metric["id"] for metric in project.get("metrics", [])} <= METRIC_IDS
        for milestone in project.get("milestones", []):
            assert milestone["type"] in MILESTONE_TYPES and milestone["code"] in MILESTONE_CODES
            assert milestone["status"] in MILESTONE_STATUS
    assert set(WorkStatus.values) <= PROJECT_STATUS
    assert set(oc4ids.PROJECT_TYPES.values()) <= PROJECT_TYPE
    assert set(DocumentType.values) <= DOCUMENT_TYPES


def test_geometry_is_longitude_then_latitude(client, works):
    for project in _package(client)["projects"]:
        for location in project["locations"]:
            geometry = location.get("geometry")
            if geometry is None:
                continue
            points = [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
            assert geometry["type"] in ("Point", "LineString")
            for lon, lat in points:
                assert LONGITUDES[0] < lon < LONGITUDES[1] and LATITUDES[0] < lat < LATITUDES[1]


def test_nothing_personal_is_published(client, works):
    body = client.get("/vias/oc4ids.json").content.decode()

    for private in (STAFF_EMAIL, "Marta", "Vargas", "ingeniera-vias", SENDER_EMAIL, SENDER_PHONE, "Vecino Anónimo"):
        assert private not in body


def test_one_work_has_its_own_stable_package(client, works):
    first = client.get("/vias/oc4ids/VIA-2025-001.json").content
    again = client.get("/vias/oc4ids/VIA-2025-001.json").content
    package = _package(client, "/vias/oc4ids/VIA-2025-001.json")

    assert first == again
    assert package["uri"].endswith("/vias/oc4ids/VIA-2025-001.json")
    assert [project["id"] for project in package["projects"]] == ["oc4ids-gadppz-VIA-2025-001"]
    assert package["publishedDate"] == package["projects"][0]["updated"]


@pytest.mark.parametrize("code", ["VIA-2025-099", "VIA-9999-999", "via-2025-001", "%3Cscript%3E"])
def test_an_unpublished_or_unknown_work_is_a_404(client, works, code):
    response = client.get(f"/vias/oc4ids/{code}.json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.content)["error"]


def test_without_any_published_work_there_is_no_package(client, db):
    RoadWorkFactory(is_published=False)

    response = client.get("/vias/oc4ids.json")

    assert response.status_code == 404


def test_the_package_takes_the_same_queries_for_3_or_30_works(client, db, django_assert_max_num_queries):
    for count in (3, 30):
        for n in range(count):
            work = RoadWorkFactory(code=f"VIA-Q{count}-{n:03d}")
            RoadProgressFactory(work=work)
            RoadDocument.objects.create(work=work, document_type="other", title_es="Enlace", url="https://e.org/a")
        with django_assert_max_num_queries(5):
            assert client.get("/vias/oc4ids.json").status_code == 200


# The validation by libcoveoc4ids, against a local copy of the schema.


def _local_get(schema_dir: Path):
    """requests.get for libcove: the schema and codelist files of `schema_dir`, and nothing from the network."""

    class LocalResponse:
        def __init__(self, content: bytes):
            self.content, self.status_code = content, 200
            self.text = content.decode("utf-8")

        def json(self, **kwargs):
            return json.loads(self.text, **kwargs)

        def iter_lines(self):
            return iter(self.content.splitlines())

        def raise_for_status(self):
            return None

    def get(url, *args, **kwargs):
        path = Path(str(url)).resolve()
        if schema_dir.resolve() not in path.parents:
            raise AssertionError(f"libcoveoc4ids asked for {url}, outside the local schema")
        return LocalResponse(path.read_bytes())

    return get


def test_libcoveoc4ids_finds_no_error(client, works, monkeypatch):
    schema_dir = os.environ.get("OC4IDS_SCHEMA_DIR", "")
    needed = ("project-schema.json", "project-package-schema.json", "codelists")
    if not schema_dir or not all((Path(schema_dir) / name).exists() for name in needed):
        pytest.skip(
            "OC4IDS_SCHEMA_DIR does not name a copy of the OC4IDS 0.9.5 schema (project-schema.json, "
            "project-package-schema.json, codelists/): libcoveoc4ids would fetch it from the internet"
        )
    import libcove.lib.tools
    from libcoveoc4ids.api import oc4ids_json_output
    from libcoveoc4ids.config import LibCoveOC4IDSConfig

    base = str(Path(schema_dir).resolve()) + "/"
    monkeypatch.setattr(libcove.lib.tools.requests, "get", _local_get(Path(schema_dir)))
    config = LibCoveOC4IDSConfig({"schema_host": base, "schema_codelists": {"0.9": base + "codelists/"}})

    result = oc4ids_json_output(json_data=_package(client), lib_cove_oc4ids_config=config)

    assert result["validation_errors"] == []
    assert result["additional_checks"] == []
    assert result["conformance_checks"] == []
    assert result["additional_fields_count"] == 0
    assert result["additional_closed_codelist_values"] == {}
    assert result["additional_open_codelist_values"] == {}
