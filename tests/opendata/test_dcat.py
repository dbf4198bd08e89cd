"""The catalogue in DCAT-AP 3 (opendata.dcat), as JSON-LD and Turtle: both parse back into the same graph, which
holds every dataset with its texts in Spanish and Kichwa and every download with its size and the SHA-256 of the
bytes the download gives; and a dataset as schema.org JSON-LD for its page."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.test import RequestFactory
from django.utils import translation
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from opendata import datasets, distributions
from opendata.datasets import Column, Dataset
from opendata.dcat import catalogue_jsonld, catalogue_turtle, schema_org_dataset, schema_org_script
from opendata.models import Bundle

pytestmark = pytest.mark.django_db

# Plain namespaces: rdflib's own (DefinedNamespace) warn when pytest looks at a module's names.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
BASE = "http://127.0.0.1:8000/datos/dcat.ttl"
CATALOGUE = URIRef(f"{BASE}#catalogo")
MODIFIED = dt.datetime(2026, 3, 2, 15, 30, tzinfo=dt.UTC)

SMALL = Dataset(
    key="prueba-dcat",
    title="Datos de prueba",
    description="Un conjunto de datos para las pruebas de DCAT.",
    theme="roads",
    columns=(Column("codigo", "string", "Código", required=True),),
    rows=lambda: [{"codigo": "A-1"}, {"codigo": "A-2"}],
    primary_key=("codigo",),
    frequency="monthly",
    keywords=("vías", "prueba"),
    modified=lambda: MODIFIED,
)


@pytest.fixture
def only_small(monkeypatch):
    monkeypatch.setattr(datasets, "_datasets", {})
    datasets.register(SMALL)


def graph_of(content: bytes, fmt: str) -> Graph:
    return Graph().parse(data=content.decode("utf-8"), format=fmt)


def checksums(graph: Graph) -> dict[str, str]:
    """Every distribution's download address and its SHA-256, as the graph says them."""
    found = {}
    for distribution in graph.subjects(RDF.type, DCAT.Distribution):
        checksum = graph.value(distribution, SPDX.checksum)
        assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        found[str(graph.value(distribution, DCAT.downloadURL))] = str(graph.value(checksum, SPDX.checksumValue))
    return found


# Both serialisations.


def test_the_json_ld_and_the_turtle_are_the_same_graph(only_small, client):
    jsonld = client.get("/datos/dcat.jsonld")
    turtle = client.get("/datos/dcat.ttl")

    assert jsonld.status_code == turtle.status_code == 200
    assert jsonld["Content-Type"] == "application/ld+json"
    assert turtle["Content-Type"] == "text/turtle; charset=utf-8"
    assert jsonld["Access-Control-Allow-Origin"] == turtle["Access-Control-Allow-Origin"] == "*"
    assert isomorphic(graph_of(jsonld.content, "json-ld"), graph_of(turtle.content, "turtle"))


@pytest.mark.parametrize("url", ["/datos/dcat.jsonld", "/datos/dcat.ttl"])
def test_a_client_that_has_the_description_gets_a_304(only_small, client, url):
    first = client.get(url)

    assert first["ETag"] == f'"{hashlib.sha256(first.content).hexdigest()}"'
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_json_ld_uses_short_prefixes(only_small):
    document = json.loads(catalogue_jsonld())

    assert document["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert any(node.get("@type") == "dcat:Catalog" for node in document["@graph"])


# The catalogue.


def test_the_catalogue_has_its_titles_publisher_homepage_licence_and_dates(only_small):
    Bundle.objects.create(
        day=dt.date(2026, 1, 5), file="x.zip", size=1, sha256="0" * 64, datasets=1, created_at=MODIFIED
    )
    Bundle.objects.create(
        day=dt.date(2026, 2, 1), file="y.zip", size=1, sha256="0" * 64, datasets=1, created_at=MODIFIED
    )
    graph = graph_of(catalogue_turtle(), "turtle")

    assert (CATALOGUE, RDF.type, DCAT.Catalog) in graph
    titles = set(graph.objects(CATALOGUE, DCTERMS.title))
    assert Literal("Datos abiertos de Conecta Pastaza", lang="es") in titles
    assert Literal("Conecta Pastazapak paskashka willaykuna", lang="qu") in titles
    publisher = graph.value(CATALOGUE, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert str(graph.value(publisher, FOAF.name)) == "Gobierno Autónomo Descentralizado Provincial de Pastaza"
    assert graph.value(CATALOGUE, FOAF.homepage) == URIRef("http://127.0.0.1:8000/es/datos/")
    assert graph.value(CATALOGUE, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    # Issued on the first bundle's day; modified when the data last changed.
    assert graph.value(CATALOGUE, DCTERMS.issued) == Literal("2026-01-05", datatype=XSD.date)
    assert graph.value(CATALOGUE, DCTERMS.modified) == Literal("2026-03-02T10:30:00-05:00", datatype=XSD.dateTime)


def test_before_the_first_bundle_the_catalogue_has_no_issue_date(only_small):
    graph = graph_of(catalogue_turtle(), "turtle")

    assert graph.value(CATALOGUE, DCTERMS.issued) is None


def test_a_contact_point_only_once_the_portal_has_an_address(only_small, settings):
    settings.CONTACT_EMAIL = ""
    assert graph_of(catalogue_turtle(), "turtle").value(URIRef(f"{BASE}#prueba-dcat"), DCAT.contactPoint) is None

    settings.CONTACT_EMAIL = "transparencia@pastaza.gob.ec"
    graph = graph_of(catalogue_turtle(), "turtle")
    contact = graph.value(URIRef(f"{BASE}#prueba-dcat"), DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:transparencia@pastaza.gob.ec")


# Datasets and distributions.


def test_a_dataset_has_its_identifier_texts_keywords_theme_frequency_and_pages(only_small):
    graph = graph_of(catalogue_turtle(), "turtle")
    node = URIRef(f"{BASE}#prueba-dcat")

    assert (CATALOGUE, DCAT.dataset, node) in graph
    assert str(graph.value(node, DCTERMS.identifier)) == "prueba-dcat"
    assert {(str(t), t.language) for t in graph.objects(node, DCTERMS.title)} == {
        ("Datos de prueba", "es"),
        ("Datos de prueba", "qu"),
    }
    assert set(graph.objects(node, DCAT.keyword)) == {Literal("vías", lang="es"), Literal("prueba", lang="es")}
    assert graph.value(node, DCAT.theme) == URIRef("http://publications.europa.eu/resource/authority/data-theme/TRAN")
    assert graph.value(node, DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
    )
    assert graph.value(node, DCTERMS.modified) == Literal("2026-03-02T10:30:00-05:00", datatype=XSD.dateTime)
    assert set(graph.objects(node, DCAT.landingPage)) == {
        URIRef("http://127.0.0.1:8000/es/datos/prueba-dcat/"),
        URIRef("http://127.0.0.1:8000/qu/datos/prueba-dcat/"),
    }


def test_each_distribution_has_its_address_type_format_size_licence_and_checksum(only_small, client):
    graph = graph_of(catalogue_jsonld(), "json-ld")
    node = URIRef(f"{BASE}#prueba-dcat.xlsx")
    content = client.get("/datos/prueba-dcat.xlsx").content

    assert (URIRef(f"{BASE}#prueba-dcat"), DCAT.distribution, node) in graph
    assert graph.value(node, DCAT.downloadURL) == URIRef("http://127.0.0.1:8000/datos/prueba-dcat.xlsx")
    assert graph.value(node, DCAT.accessURL) == URIRef("http://127.0.0.1:8000/datos/prueba-dcat.xlsx")
    assert graph.value(node, DCAT.mediaType) == URIRef(
        "http://www.iana.org/assignments/media-types/application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert graph.value(node, DCTERMS["format"]) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/XLSX"
    )
    assert graph.value(node, DCAT.byteSize) == Literal(len(content), datatype=XSD.nonNegativeInteger)
    assert graph.value(node, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")


@pytest.mark.parametrize("fmt", ["json-ld", "turtle"])
def test_the_real_catalogue_carries_every_dataset_and_every_download_with_its_sha256(real_plan, client, fmt):
    url = "/datos/dcat.jsonld" if fmt == "json-ld" else "/datos/dcat.ttl"
    graph = graph_of(client.get(url).content, fmt)

    identifiers = {str(graph.value(node, DCTERMS.identifier)) for node in graph.objects(CATALOGUE, DCAT.dataset)}
    assert identifiers == {dataset.key for dataset in datasets.all_datasets()}
    found = checksums(graph)
    expected = {}
    for dataset in datasets.all_datasets():
        for ext in distributions.FORMATS:
            content = client.get(f"/datos/{dataset.key}.{ext}").content
            expected[f"http://127.0.0.1:8000/datos/{dataset.key}.{ext}"] = hashlib.sha256(content).hexdigest()
    assert found == expected


def test_the_real_catalogues_datasets_have_kichwa_titles(real_plan):
    graph = graph_of(catalogue_turtle(), "turtle")

    for dataset in datasets.all_datasets():
        node = URIRef(f"{BASE}#{dataset.key}")
        with translation.override("qu"):
            kichwa = str(dataset.title)
        assert Literal(kichwa, lang="qu") in set(graph.objects(node, DCTERMS.title)), dataset.key


# schema.org, for the dataset's page.


def test_schema_org_describes_the_dataset_and_its_downloads(only_small):
    request = RequestFactory().get("/es/datos/prueba-dcat/")
    with translation.override("es"):
        data = schema_org_dataset(SMALL, request)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Dataset"
    assert data["name"] == "Datos de prueba"
    assert data["url"] == "http://testserver/es/datos/prueba-dcat/"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["creator"]["name"] == "Gobierno Autónomo Descentralizado Provincial de Pastaza"
    assert data["dateModified"] == "2026-03-02T10:30:00-05:00"
    assert data["inLanguage"] == ["es", "qu"]
    summary = distributions.summary(SMALL)
    assert data["distribution"] == [
        {
            "@type": "DataDownload",
            "name": str(distributions.FORMATS[d.format].label),
            "contentUrl": f"http://testserver/datos/prueba-dcat.{d.format}",
            "encodingFormat": d.kind.mime,
            "contentSize": f"{d.size} B",
            "sha256": d.sha256,
        }
        for d in summary.distributions
    ]
    json.dumps(data)  # a plain JSON document, for the page to write as it is


def test_schema_org_speaks_the_pages_language(only_small):
    request = RequestFactory().get("/qu/datos/prueba-dcat/")
    with translation.override("qu"):
        data = schema_org_dataset(SMALL, request)

    assert data["url"] == "http://testserver/qu/datos/prueba-dcat/"
    assert data["includedInDataCatalog"]["name"] == "Conecta Pastazapak paskashka willaykuna"


def test_the_schema_org_script_cannot_be_ended_by_a_datasets_text(monkeypatch):
    hostile = Dataset(
        key="prueba-script",
        title="Datos </script><script>alert(1)</script>",
        description="A & B <!-- c -->",
        theme="plan",
        columns=(Column("codigo", "string", "Código"),),
        rows=lambda: [],
    )
    monkeypatch.setattr(datasets, "_datasets", {})
    datasets.register(hostile)

    html = str(schema_org_script(hostile, RequestFactory().get("/es/datos/prueba-script/")))

    assert html.startswith('<script type="application/ld+json">') and html.endswith("</script>")
    inside = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inside and ">" not in inside and "&" not in inside
    data = json.loads(inside)
    assert data["name"] == "Datos </script><script>alert(1)</script>"
    assert data["description"] == "A & B <!-- c -->"
