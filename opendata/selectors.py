"""The reads the catalogue pages share: the datasets grouped by theme with what their last build says of them, and
the words the pages use for themes, column types and update frequencies."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import distributions
from .datasets import THEMES, Dataset, all_datasets

THEME_LABELS = {
    "plan": _("The action plan and its commitments"),
    "participation": _("Citizen participation"),
    "meetings": _("Meetings and agreements"),
    "reports": _("Progress reports"),
    "roads": _("Roads"),
}

# Frictionless Table Schema types (opendata.datasets.TYPES), as a person reads them.
TYPE_LABELS = {
    "string": _("text"),
    "integer": _("whole number"),
    "number": _("number (with a decimal point)"),
    "boolean": _("yes or no (true or false)"),
    "date": _("date (year-month-day)"),
    "datetime": _("date and time (ISO 8601)"),
    "year": _("year"),
}

FREQUENCY_LABELS = {
    "continuous": _("Continuously: as soon as staff publish a change"),
    "daily": _("Every day"),
    "monthly": _("Every month"),
    "quarterly": _("Every three months"),
    "irregular": _("When there is something new, with no fixed schedule"),
}

# The licence's summary for people, in Spanish (Creative Commons has none in Kichwa); files and headers name the
# licence itself (distributions.LICENSE_URL).
LICENSE_PAGE = f"{distributions.LICENSE_URL}deed.es"

# Who publishes every dataset (DCAT's publisher): the provincial government, by its legal name.
PUBLISHER = "Gobierno Autónomo Descentralizado Provincial de Pastaza"


@dataclass(frozen=True)
class Entry:
    """A dataset and what its last build says of it (files, rows, example data, last change)."""

    dataset: Dataset
    summary: distributions.Summary


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    entries: list[Entry]


def catalogue() -> list[Theme]:
    """The themes that have datasets, in THEMES' order, each with its datasets in the order registered; every
    summary comes from the cache in one round trip (or is built, once per change)."""
    datasets = all_datasets()
    found = distributions.summaries(datasets)
    themes = []
    for theme in THEMES:
        entries = [Entry(dataset, found[dataset.key]) for dataset in datasets if dataset.theme == theme]
        if entries:
            themes.append(Theme(theme, THEME_LABELS[theme], entries))
    return themes
