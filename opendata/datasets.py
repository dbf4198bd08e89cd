"""The open-data catalogue's datasets: what each one is, its columns (a dictionary in Spanish and Kichwa, with
Frictionless Table Schema types), its keys, and the function that reads its rows from the same published records
the pages show.

Every dataset is defined once here (a `Dataset`), and everything else is made from that one definition: the
catalogue pages, the downloads (CSV, Spanish-Excel CSV, JSON, XLSX: opendata.distributions), the Frictionless Data
Package (opendata.datapackage), DCAT and schema.org (opendata.dcat), and the nightly bundle. The definitions of
the plan's datasets are in opendata.plan_datasets, those of participation, meetings, surveys, reports and roads in
opendata.other_datasets; both register theirs with `register`.

Rules every dataset follows:
- published records only, never personal data (names, e-mail addresses, phones, network-address hashes);
- rows are dicts keyed by column name, with JSON-native values: str, int, bool, None, Decimal (written as a
  string in JSON), date/datetime (ISO 8601);
- example data is flagged in a column `datos_de_ejemplo` (boolean) where a dataset can hold any;
- a dataset's rows come in a stable order (its primary key), so that two builds of unchanged data are the same
  bytes, and the same SHA-256.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

# Frictionless Table Schema field types the portal uses.
TYPES = ("string", "integer", "number", "boolean", "date", "datetime", "year")

# How often a dataset changes, as DCAT's frequency vocabulary (EU publications office) names it.
FREQUENCIES = {
    "continuous": "http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT",
    "daily": "http://publications.europa.eu/resource/authority/frequency/DAILY",
    "monthly": "http://publications.europa.eu/resource/authority/frequency/MONTHLY",
    "quarterly": "http://publications.europa.eu/resource/authority/frequency/QUARTERLY",
    "irregular": "http://publications.europa.eu/resource/authority/frequency/IRREG",
}


@dataclass(frozen=True)
class Column:
    """One column: its name (Spanish, lower case, as the portal's exports write them), its Table Schema type, and
    what it means (a lazy translation: the dictionary is shown in Spanish and Kichwa)."""

    name: str
    type: str
    description: str | Promise
    required: bool = False

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"unknown column type {self.type!r} for {self.name}")


@dataclass(frozen=True)
class ForeignKey:
    """Columns of this dataset that name rows of another dataset (a Table Schema foreignKey)."""

    fields: tuple[str, ...]
    dataset: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Dataset:
    """One dataset of the catalogue.

    `key` is its address (/datos/<key>/) and its resource name (lower case, hyphens); `title` and `description`
    are lazy translations; `theme` groups the catalogue page (plan, participation, meetings, reports, roads);
    `frequency` is a key of FREQUENCIES; `rows()` yields the rows as dicts (see the module's rules), in the order
    of `primary_key`."""

    key: str
    title: str | Promise
    description: str | Promise
    theme: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[dict[str, Any]]]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    frequency: str = "continuous"
    keywords: tuple[str, ...] = ()
    # When the data last changed (a datetime or None when unknown): the catalogue's "last change" and DCAT's
    # dct:modified.
    modified: Callable[[], Any] = field(default=lambda: None)

    def __post_init__(self):
        names = [column.name for column in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.key}: a column name repeats")
        for name in (*self.primary_key, *(n for fk in self.foreign_keys for n in fk.fields)):
            if name not in names:
                raise ValueError(f"{self.key}: key column {name!r} is not a column")
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"{self.key}: unknown frequency {self.frequency!r}")

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


THEMES = ("plan", "participation", "meetings", "reports", "roads")

_datasets: dict[str, Dataset] = {}


def register(*datasets: Dataset) -> None:
    """Add datasets to the catalogue (from the modules that define them, imported by OpendataConfig.ready)."""
    for dataset in datasets:
        if dataset.theme not in THEMES:
            raise ValueError(f"{dataset.key}: unknown theme {dataset.theme!r}")
        _datasets[dataset.key] = dataset


def all_datasets() -> list[Dataset]:
    """Every dataset, by theme (in THEMES' order) and then in the order registered."""
    order = {theme: index for index, theme in enumerate(THEMES)}
    return sorted(_datasets.values(), key=lambda dataset: order[dataset.theme])


def dataset(key: str) -> Dataset | None:
    return _datasets.get(key)
