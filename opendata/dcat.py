"""The catalogue in DCAT-AP 3 (https://semiceu.github.io/DCAT-AP/releases/3.0.0/), the vocabulary open-data portals
(data.europa.eu, CKAN, datos.gob.es) harvest, as JSON-LD (/datos/dcat.jsonld) and Turtle (/datos/dcat.ttl); and one
dataset as schema.org JSON-LD, for search engines reading its page (`schema_org_dataset`).

The catalogue (dcat:Catalog) lists every dataset (dcat:Dataset, its texts in Spanish and Kichwa as language-tagged
literals), each with its four downloads (dcat:Distribution: CSV, CSV for Excel in Spanish, JSON, XLSX) and their
size and SHA-256 (spdx:checksum), read from the builds the downloads themselves answer with
(opendata.distributions), so that a harvester can check every file it fetches.

Identifiers: the catalogue, its publisher, each dataset and each distribution are fragments of the Turtle
document's address (`<SITE_URL>/datos/dcat.ttl#<key>`), which neither language nor a page's wording changes;
each dataset's pages in Spanish and Kichwa are its dcat:landingPage. Controlled vocabularies are the EU
Publications Office's (frequency, file type, data theme) and IANA's media types, as DCAT-AP asks.
"""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from roads.oc4ids import site_url

from .datapackage import CATALOGUE_DESCRIPTION, CATALOGUE_TITLE, MAIN_LANGUAGE, in_language, latest_change, moment
from .datasets import FREQUENCIES, Dataset, all_datasets
from .distributions import FORMATS, LICENSE_URL, Summary, summaries
from .models import Bundle
from .selectors import PUBLISHER

SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS_PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
DATA_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
# The languages of the catalogue's texts: Spanish from the EU language table; Kichwa, which that table does not
# name, as the portal's code says it ("qu", Quechua: ISO 639-2 "que", Library of Congress).
LANGUAGES = (
    URIRef("http://publications.europa.eu/resource/authority/language/SPA"),
    URIRef("http://id.loc.gov/vocabulary/iso639-2/que"),
)

# The EU data themes (publications.europa.eu/resource/authority/data-theme) of the catalogue's themes: the plan,
# participation, meetings and reports are "Government and public sector"; roads are "Transport".
THEMES = {
    "plan": DATA_THEME.GOVE,
    "participation": DATA_THEME.GOVE,
    "meetings": DATA_THEME.GOVE,
    "reports": DATA_THEME.GOVE,
    "roads": DATA_THEME.TRAN,
}
# The EU file types (publications.europa.eu/resource/authority/file-type) of the download formats.
FILE_TYPES = {"csv": FILE_TYPE.CSV, "es.csv": FILE_TYPE.CSV, "json": FILE_TYPE.JSON, "xlsx": FILE_TYPE.XLSX}

PREFIXES = {
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "spdx": SPDX,
    "vcard": VCARD,
    "xsd": XSD,
}
JSONLD_CONTEXT = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
JSONLD_TYPE = "application/ld+json"
TURTLE_TYPE = "text/turtle; charset=utf-8"


def _texts(graph: Graph, subject, predicate, text) -> None:
    """A lazy text in every language of the portal, tagged with its language."""
    for code, _name in settings.LANGUAGES:
        graph.add((subject, predicate, Literal(in_language(code, text), lang=code)))


def _moment(value) -> Literal:
    return Literal(moment(value), datatype=XSD.dateTime if isinstance(value, dt.datetime) else XSD.date)


def _page(name: str, language: str, **kwargs) -> URIRef:
    with translation.override(language):
        return URIRef(site_url(reverse(name, kwargs=kwargs)))


class CatalogueGraph:
    """Builds the DCAT graph of the catalogue: `CatalogueGraph().graph()`."""

    def __init__(self):
        self.base = site_url(reverse("opendata_files:dcat_turtle"))
        self.catalogue = URIRef(f"{self.base}#catalogo")
        self.publisher = URIRef(f"{self.base}#publicador")
        self.license = URIRef(LICENSE_URL)

    def graph(self) -> Graph:
        datasets = all_datasets()
        found = summaries(datasets)
        graph = Graph(bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        self._catalogue(graph, found)
        self._publisher(graph)
        graph.add((self.license, RDF.type, DCTERMS.LicenseDocument))
        contact = self._contact_point(graph)
        for dataset in datasets:
            self._dataset(graph, dataset, found[dataset.key], contact)
        return graph

    def _catalogue(self, graph: Graph, found: dict[str, Summary]) -> None:
        catalogue = self.catalogue
        graph.add((catalogue, RDF.type, DCAT.Catalog))
        _texts(graph, catalogue, DCTERMS.title, CATALOGUE_TITLE)
        _texts(graph, catalogue, DCTERMS.description, CATALOGUE_DESCRIPTION)
        graph.add((catalogue, DCTERMS.publisher, self.publisher))
        graph.add((catalogue, FOAF.homepage, _page("opendata:catalogue", MAIN_LANGUAGE)))
        graph.add((catalogue, DCTERMS.license, self.license))
        for language in LANGUAGES:
            graph.add((catalogue, DCTERMS.language, language))
            graph.add((language, RDF.type, DCTERMS.LinguisticSystem))
        # Issued: the day of the first bundle, which is kept forever (opendata.bundle); modified: the data's last
        # change. Each is left out while unknown.
        first = Bundle.objects.order_by("day").values_list("day", flat=True).first()
        if first is not None:
            graph.add((catalogue, DCTERMS.issued, _moment(first)))
        modified = latest_change(found.values())
        if modified is not None:
            graph.add((catalogue, DCTERMS.modified, _moment(modified)))

    def _publisher(self, graph: Graph) -> None:
        graph.add((self.publisher, RDF.type, FOAF.Agent))
        graph.add((self.publisher, FOAF.name, Literal(PUBLISHER, lang="es")))
        graph.add((self.publisher, DCTERMS.type, ADMS_PUBLISHER_TYPE.RegionalAuthority))

    def _contact_point(self, graph: Graph) -> URIRef | None:
        """The portal's contact e-mail (settings.CONTACT_EMAIL) as a vCard, when it is set."""
        if not settings.CONTACT_EMAIL:
            return None
        contact = URIRef(f"{self.base}#contacto")
        graph.add((contact, RDF.type, VCARD.Organization))
        graph.add((contact, VCARD.fn, Literal(PUBLISHER, lang="es")))
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.CONTACT_EMAIL}")))
        return contact

    def _dataset(self, graph: Graph, dataset: Dataset, summary: Summary, contact: URIRef | None) -> None:
        node = URIRef(f"{self.base}#{dataset.key}")
        graph.add((self.catalogue, DCAT.dataset, node))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCTERMS.identifier, Literal(dataset.key)))
        _texts(graph, node, DCTERMS.title, dataset.title)
        _texts(graph, node, DCTERMS.description, dataset.description)
        for word in dataset.keywords:
            graph.add((node, DCAT.keyword, Literal(word, lang=MAIN_LANGUAGE)))
        graph.add((node, DCTERMS.publisher, self.publisher))
        graph.add((node, DCAT.theme, THEMES[dataset.theme]))
        frequency = URIRef(FREQUENCIES[dataset.frequency])
        graph.add((node, DCTERMS.accrualPeriodicity, frequency))
        graph.add((frequency, RDF.type, DCTERMS.Frequency))
        if summary.modified is not None:
            graph.add((node, DCTERMS.modified, _moment(summary.modified)))
        for code, _name in settings.LANGUAGES:
            page = _page("opendata:dataset", code, key=dataset.key)
            graph.add((node, DCAT.landingPage, page))
            graph.add((page, RDF.type, FOAF.Document))
        if contact is not None:
            graph.add((node, DCAT.contactPoint, contact))
        for distribution in summary.distributions:
            self._distribution(graph, node, distribution)

    def _distribution(self, graph: Graph, dataset_node: URIRef, distribution) -> None:
        kind = FORMATS[distribution.format]
        node = URIRef(f"{self.base}#{distribution.dataset}.{distribution.format}")
        address = URIRef(site_url(distribution.url))
        media_type = URIRef(MEDIA_TYPES + kind.mime)
        graph.add((dataset_node, DCAT.distribution, node))
        graph.add((node, RDF.type, DCAT.Distribution))
        _texts(graph, node, DCTERMS.title, kind.label)
        _texts(graph, node, DCTERMS.description, kind.help)
        graph.add((node, DCAT.accessURL, address))
        graph.add((node, DCAT.downloadURL, address))
        graph.add((node, DCAT.mediaType, media_type))
        graph.add((media_type, RDF.type, DCTERMS.MediaType))
        graph.add((node, DCTERMS.format, FILE_TYPES[distribution.format]))
        graph.add((FILE_TYPES[distribution.format], RDF.type, DCTERMS.MediaTypeOrExtent))
        graph.add((node, DCAT.byteSize, Literal(distribution.size, datatype=XSD.nonNegativeInteger)))
        graph.add((node, DCTERMS.license, self.license))
        # A blank node named after its distribution: the same document is written for the same data.
        checksum = BNode(f"sha256-{distribution.dataset}-{distribution.format}".replace(".", "-"))
        graph.add((node, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(distribution.sha256, datatype=XSD.hexBinary)))


def catalogue_jsonld() -> bytes:
    return CatalogueGraph().graph().serialize(format="json-ld", context=JSONLD_CONTEXT, indent=2).encode("utf-8")


def catalogue_turtle() -> bytes:
    return CatalogueGraph().graph().serialize(format="turtle").encode("utf-8")


# schema.org, for the dataset's page.

# What must not appear raw inside a <script> element (it could end it, or open a comment): escaped as JSON allows,
# as Django's json_script filter does (which writes only type="application/json").
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def schema_org_dataset(dataset: Dataset, request, summary=None) -> dict:
    """The schema.org Dataset (https://schema.org/Dataset) of `dataset`, in the active language, as a dict for
    its page to write inside <script type="application/ld+json"> (search engines read it; browsers never run it:
    a script element of a type that is not JavaScript is a data block, which the page's Content-Security-Policy
    does not govern). Addresses are absolute on the request's host."""
    summary = summary or summaries([dataset])[dataset.key]  # the page's own, when it has it
    publisher = {"@type": "GovernmentOrganization", "name": PUBLISHER, "url": settings.SITE_URL}
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": str(dataset.title),
        "description": str(dataset.description),
        "url": request.build_absolute_uri(reverse("opendata:dataset", kwargs={"key": dataset.key})),
        "identifier": dataset.key,
        "keywords": list(dataset.keywords),
        "license": LICENSE_URL,
        "isAccessibleForFree": True,
        "creator": publisher,
        "publisher": publisher,
        # The rows hold their texts in both languages (columns *_es and *_qu).
        "inLanguage": [code for code, _name in settings.LANGUAGES],
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": str(CATALOGUE_TITLE),
            "url": request.build_absolute_uri(reverse("opendata:catalogue")),
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "name": str(FORMATS[d.format].label),
                "contentUrl": request.build_absolute_uri(d.url),
                "encodingFormat": FORMATS[d.format].mime,
                "contentSize": f"{d.size} B",
                "sha256": d.sha256,
            }
            for d in summary.distributions
        ],
    }
    if summary.modified is not None:
        data["dateModified"] = moment(summary.modified)
    return data


def schema_org_script(dataset: Dataset, request, summary=None) -> SafeString:
    """`schema_org_dataset` as the element a page writes in its <head>: <script type="application/ld+json">, its
    JSON escaped so that no text of the dataset can end the element."""
    data = json.dumps(schema_org_dataset(dataset, request, summary), ensure_ascii=False).translate(SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(data))
