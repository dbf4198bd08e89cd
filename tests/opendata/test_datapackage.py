"""The catalogue as a Frictionless Data Package v2 (opendata.datapackage): the bundle's copy validates with
frictionless (every file's bytes and hash, every value's type, every key), the online copy points at the
downloads, and both say the catalogue's texts in Spanish with Kichwa beside them."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import frictionless
import pytest
from django.utils import translation

from opendata import bundle as bundles
from opendata import datasets
from opendata.datapackage import PACKAGE_PROFILE, datapackage_online
from opendata.datasets import Column, Dataset, ForeignKey
from opendata.models import bundle_storage
from tests.feedback.factories import AnsweredSuggestionFactory
from tests.roads.factories import RoadProgressFactory, RoadRequestFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

CANTONS = Dataset(
    key="prueba-cantones",
    title="Cantones de prueba",
    description="Cantones para las pruebas.",
    theme="plan",
    columns=(Column("codigo", "string", "Código INEC", required=True), Column("poblacion", "integer", "Habitantes")),
    rows=lambda: [{"codigo": "1601", "poblacion": 62016}, {"codigo": "1602", "poblacion": 11975}],
    primary_key=("codigo",),
    keywords=("cantones",),
)
WORKS = Dataset(
    key="prueba-obras",
    title="Obras de prueba",
    description="Obras para las pruebas.",
    theme="roads",
    columns=(
        Column("codigo", "string", "Código", required=True),
        Column("canton", "string", "Cantón"),
        Column("monto", "number", "Monto en USD"),
        Column("terminada", "boolean", "Terminada"),
    ),
    rows=lambda: [
        {"codigo": "OV-1", "canton": "1601", "monto": Decimal("1500.50"), "terminada": True},
        {"codigo": "OV-2", "canton": None, "monto": None, "terminada": False},
    ],
    primary_key=("codigo",),
    foreign_keys=(ForeignKey(("canton",), "prueba-cantones", ("codigo",)),),
    keywords=("vías", "cantones"),
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def only_ours(monkeypatch):
    monkeypatch.setattr(datasets, "_datasets", {})
    datasets.register(CANTONS, WORKS)


def unpacked_bundle(tmp_path: Path) -> Path:
    """Today's bundle, made and unpacked into tmp_path: the folder that holds its datapackage.json."""
    made, _created = bundles.bundle_create()
    with bundle_storage.open(made.file.name, "rb") as handle:
        zipfile.ZipFile(io.BytesIO(handle.read())).extractall(tmp_path / "unpacked")
    return tmp_path / "unpacked" / made.download_name.removesuffix(".zip")


def validate(folder: Path) -> frictionless.Report:
    with frictionless.system.use_context(trusted=False):
        return frictionless.validate(str(folder / "datapackage.json"))


def errors(report: frictionless.Report) -> str:
    return "\n".join(str(row) for row in report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"]))


# The bundle's copy.


def test_the_bundle_of_the_demo_data_is_a_valid_data_package(real_plan, tmp_path):
    work = RoadWorkFactory(is_published=True)
    RoadProgressFactory(work=work)
    RoadRequestFactory(answered_by_work=work)
    AnsweredSuggestionFactory(commitment=real_plan.commitments.first())

    folder = unpacked_bundle(tmp_path)
    report = validate(folder)

    assert report.valid, errors(report)
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert [resource["name"] for resource in package["resources"]] == [d.key for d in datasets.all_datasets()]


def test_every_resource_says_the_bytes_and_hash_of_its_file(real_plan, tmp_path):
    folder = unpacked_bundle(tmp_path)
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))

    for resource in package["resources"]:
        content = (folder / resource["path"]).read_bytes()
        assert resource["path"] == f"data/{resource['name']}.csv"
        assert resource["bytes"] == len(content), resource["name"]
        assert resource["hash"] == f"sha256:{hashlib.sha256(content).hexdigest()}", resource["name"]


def test_frictionless_catches_a_file_that_differs_from_its_description(only_ours, tmp_path):
    folder = unpacked_bundle(tmp_path)
    path = folder / "data" / "prueba-obras.csv"
    path.chmod(0o644)
    path.write_bytes(path.read_bytes().replace(b"OV-2", b"OV-3"))

    report = validate(folder)

    assert not report.valid
    assert {"hash-count"} <= {row[0] for row in report.flatten(["type"])}


def test_frictionless_catches_a_reference_to_nothing(only_ours, tmp_path, monkeypatch):
    broken = Dataset(
        key="prueba-obras",
        title="Obras",
        description="Obras.",
        theme="roads",
        columns=WORKS.columns,
        rows=lambda: [{"codigo": "OV-1", "canton": "9999", "monto": None, "terminada": False}],
        primary_key=("codigo",),
        foreign_keys=WORKS.foreign_keys,
    )
    datasets.register(broken)

    report = validate(unpacked_bundle(tmp_path))

    assert not report.valid
    assert [row[0] for row in report.flatten(["type"])] == ["foreign-key"]


# What the descriptor says.


def test_the_package_names_its_profile_licence_publisher_and_keywords(only_ours):
    package = datapackage_online()

    assert package["$schema"] == PACKAGE_PROFILE
    assert package["name"] == "conecta-pastaza"
    assert package["id"] == "http://127.0.0.1:8000/datos/datapackage.json"
    assert package["title"] == "Datos abiertos de Conecta Pastaza"
    assert package["x-translations"]["qu"]["title"] == "Conecta Pastazapak paskashka willaykuna"
    assert package["homepage"] == "http://127.0.0.1:8000/es/datos/"
    assert package["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0 International",
        }
    ]
    assert package["contributors"] == [
        {
            "title": "Gobierno Autónomo Descentralizado Provincial de Pastaza",
            "path": "http://127.0.0.1:8000",
            "roles": ["publisher"],
        }
    ]
    assert package["keywords"] == ["Pastaza", "gobierno abierto", "OGP Local", "datos abiertos", "cantones", "vías"]


def test_the_descriptor_is_in_spanish_whatever_the_active_language(only_ours):
    with translation.override("qu"):
        package = datapackage_online()

    assert package["title"] == "Datos abiertos de Conecta Pastaza"
    assert package["resources"][0]["title"] == "Cantones de prueba"


def test_each_resource_has_its_table_schema_with_keys(only_ours):
    works = datapackage_online()["resources"][1]

    assert works["name"] == "prueba-obras"
    assert works["type"] == "table"
    assert (works["format"], works["mediatype"], works["encoding"]) == ("csv", "text/csv", "utf-8")
    schema = works["schema"]
    assert [(f["name"], f["type"]) for f in schema["fields"]] == [
        ("codigo", "string"),
        ("canton", "string"),
        ("monto", "number"),
        ("terminada", "boolean"),
    ]
    assert schema["fields"][0]["constraints"] == {"required": True}
    assert "constraints" not in schema["fields"][1]
    assert schema["fields"][2]["description"] == "Monto en USD"
    assert "qu" in schema["fields"][2]["x-translations"]
    assert schema["primaryKey"] == ["codigo"]
    assert schema["foreignKeys"] == [
        {"fields": ["canton"], "reference": {"resource": "prueba-cantones", "fields": ["codigo"]}}
    ]


def test_the_real_catalogues_kichwa_texts_stand_beside_the_spanish(real_plan):
    package = datapackage_online()

    assert package["x-translations"]["qu"]["description"] != package["description"]
    for resource in package["resources"]:
        with translation.override("qu"):
            kichwa = str(datasets.dataset(resource["name"]).title)
        assert resource["x-translations"]["qu"]["title"] == kichwa


def test_the_online_descriptor_is_valid_metadata(real_plan):
    report = frictionless.Package.validate_descriptor(datapackage_online())

    assert report.valid, errors(report)


# Served.


def test_the_online_descriptor_points_at_the_downloads_and_their_bytes(only_ours, client):
    response = client.get("/datos/datapackage.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    package = json.loads(response.content)
    for resource in package["resources"]:
        assert resource["path"] == f"http://127.0.0.1:8000/datos/{resource['name']}.csv"
        content = client.get(f"/datos/{resource['name']}.csv").content
        assert resource["bytes"] == len(content)
        assert resource["hash"] == f"sha256:{hashlib.sha256(content).hexdigest()}"


def test_a_client_that_has_the_descriptor_gets_a_304(only_ours, client):
    first = client.get("/datos/datapackage.json")

    again = client.get("/datos/datapackage.json", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["ETag"] == f'"{hashlib.sha256(first.content).hexdigest()}"'
    assert again.status_code == 304


def test_the_descriptor_is_the_same_in_every_language(only_ours, client):
    spanish = client.get("/datos/datapackage.json", HTTP_ACCEPT_LANGUAGE="es")
    kichwa = client.get("/datos/datapackage.json", HTTP_ACCEPT_LANGUAGE="qu")

    assert spanish.content == kichwa.content


def test_the_descriptor_refuses_post(only_ours, client):
    assert client.post("/datos/datapackage.json").status_code == 405
