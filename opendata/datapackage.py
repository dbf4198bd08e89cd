"""The whole catalogue as one Frictionless Data Package (v2, https://datapackage.org/standard/data-package/): every
dataset a tabular resource (its CSV, with the file's size and SHA-256) and its Table Schema (types, descriptions,
required columns, primary and foreign keys), so that a program can load and check the catalogue without reading a
page. frictionless 5.21 validates packages that declare the v2 profiles, checking each file's bytes and hash, each
column's type and constraints and each foreign key against the data (tests/opendata/test_datapackage.py).

Made from the dataset definitions (opendata.datasets) and their builds (opendata.distributions), twice over:
- online (`datapackage_online`, served at /datos/datapackage.json), each resource's path the absolute address of
  its CSV download (SITE_URL);
- inside the nightly bundle (opendata.bundle), each path the CSV's place in the bundle, relative to the descriptor.

The descriptor speaks Spanish (title, description); the Kichwa texts are in a custom property, `x-translations`
(`{"qu": {"title": ..., "description": ...}}`), on the package, each resource and each field: the Data Package
standard has no property for a second language, and custom properties are allowed everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from roads.oc4ids import site_url

from .datasets import Dataset, all_datasets
from .distributions import LICENSE_URL, Distribution, Summary, summaries
from .selectors import PUBLISHER

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
PACKAGE_NAME = "conecta-pastaza"
LICENSE = {"name": "CC-BY-4.0", "path": LICENSE_URL, "title": "Creative Commons Attribution 4.0 International"}
KEYWORDS = ("Pastaza", "gobierno abierto", "OGP Local", "datos abiertos")
# The language of the descriptor's own texts; the others go in `x-translations`.
MAIN_LANGUAGE = "es"

CATALOGUE_TITLE = _("Conecta Pastaza open data")
CATALOGUE_DESCRIPTION = _(
    "The open data of Pastaza's open government action plan 2024-2027, as the Conecta Pastaza portal publishes "
    "them: the commitments and their progress, citizen participation, meetings, progress reports and road works. "
    "Published records only, never personal data; free to reuse under CC BY 4.0."
)


def in_language(language: str, text) -> str:
    with translation.override(language):
        return str(text)


def other_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != MAIN_LANGUAGE]


def translations(**texts) -> dict:
    """`{"x-translations": {"qu": {name: text in Kichwa, ...}}}` for lazy texts."""
    return {
        "x-translations": {
            language: {name: in_language(language, text) for name, text in texts.items()}
            for language in other_languages()
        }
    }


def moment(value) -> str | None:
    """A date or datetime as ISO 8601 (a datetime in Pastaza's time, to the second); None stays None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def as_datetime(value) -> dt.datetime:
    """A date as the start of that day, a naive datetime as Pastaza's time: so that every `modified` compares."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time.min)
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def latest_change(found: Iterable[Summary]) -> dt.datetime | None:
    """When the data last changed: the latest `modified` of the datasets that know theirs."""
    return max((as_datetime(summary.modified) for summary in found if summary.modified is not None), default=None)


def keywords(datasets: Iterable[Dataset]) -> list[str]:
    """The catalogue's keywords and then every dataset's, each once, in order of first appearance."""
    return list(dict.fromkeys([*KEYWORDS, *(word for dataset in datasets for word in dataset.keywords)]))


def table_schema(dataset: Dataset) -> dict:
    """The dataset's Table Schema: every column as a field (its type, its description in Spanish and Kichwa,
    `required` for required and primary-key columns), the primary key, and the foreign keys to other resources of
    the package (named by dataset key, which is the resource's name)."""
    with translation.override(MAIN_LANGUAGE):
        fields = []
        for column in dataset.columns:
            field = {"name": column.name, "type": column.type, "description": str(column.description)}
            if column.required or column.name in dataset.primary_key:
                field["constraints"] = {"required": True}
            field.update(translations(description=column.description))
            fields.append(field)
    schema = {"$schema": SCHEMA_PROFILE, "fields": fields, "missingValues": [""]}
    if dataset.primary_key:
        schema["primaryKey"] = list(dataset.primary_key)
    if dataset.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(fk.fields), "reference": {"resource": fk.dataset, "fields": list(fk.reference)}}
            for fk in dataset.foreign_keys
        ]
    return schema


def resource(dataset: Dataset, csv: Distribution, path: str) -> dict:
    """One dataset as a tabular resource: its CSV at `path`, with the file's size and SHA-256."""
    return {
        "$schema": RESOURCE_PROFILE,
        "name": dataset.key,
        "type": "table",
        "path": path,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": csv.size,
        "hash": f"sha256:{csv.sha256}",
        "title": in_language(MAIN_LANGUAGE, dataset.title),
        "description": in_language(MAIN_LANGUAGE, dataset.description),
        **translations(title=dataset.title, description=dataset.description),
        "schema": table_schema(dataset),
    }


def datapackage(
    *,
    datasets: list[Dataset],
    found: Mapping[str, Summary],
    path: Callable[[Distribution], str],
    created: dt.datetime | None,
) -> dict:
    """The package of `datasets`, each described by its build summary in `found` (by key), its CSV at
    `path(distribution)`. `created` is when the data it describes was taken (omitted when None)."""
    package = {
        "$schema": PACKAGE_PROFILE,
        "name": PACKAGE_NAME,
        "id": site_url(reverse("opendata_files:datapackage")),
        "title": in_language(MAIN_LANGUAGE, CATALOGUE_TITLE),
        "description": in_language(MAIN_LANGUAGE, CATALOGUE_DESCRIPTION),
        **translations(title=CATALOGUE_TITLE, description=CATALOGUE_DESCRIPTION),
        "homepage": site_url(catalogue_path(MAIN_LANGUAGE)),
        "licenses": [dict(LICENSE)],
        "contributors": [{"title": PUBLISHER, "path": settings.SITE_URL, "roles": ["publisher"]}],
        "keywords": keywords(datasets),
    }
    if created is not None:
        package["created"] = moment(created)
    csvs = [found[dataset.key].distribution("csv") for dataset in datasets]
    package["resources"] = [resource(dataset, csv, path(csv)) for dataset, csv in zip(datasets, csvs, strict=True)]
    return package


def catalogue_path(language: str) -> str:
    with translation.override(language):
        return reverse("opendata:catalogue")


def datapackage_online() -> dict:
    """The package /datos/datapackage.json serves: every dataset, its CSV at its download address. Its `created`
    is the data's last change, so that unchanged data give the same descriptor (and ETag)."""
    datasets = all_datasets()
    found = summaries(datasets)
    return datapackage(
        datasets=datasets,
        found=found,
        path=lambda csv: site_url(csv.url),
        created=latest_change(found.values()),
    )


def as_json(package: dict) -> bytes:
    """The descriptor as UTF-8 JSON, indented for people who open it."""
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
