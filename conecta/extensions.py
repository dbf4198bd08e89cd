"""What an app adds to something of a floor below it, without the lower floor importing the upper app.

1. Panels: the commitment page belongs to `commitments`, which never imports `feedback`; `feedback` registers a
   panel provider here (from its AppConfig.ready) and the commitment page renders whatever the providers return.
2. Published files: each app registers the files it publishes with a SHA-256 and a size (report PDFs, the
   monitor's documents, signed minutes, evidence), so that `manage.py verify_files` (conecta.published_files)
   checks them all without knowing the apps.
3. The staff dashboard: the admin's home (conecta.dashboard) lists what awaits the signed-in person; each app
   registers a provider of its own lines (messages to moderate, overdue milestones, reports to approve...).
4. Map layers: the territory map (commitments.geomap) draws the cantons; an upper app adds lines or points over
   them (road works, each with its status) by registering a provider of MapFeatures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


_providers: dict[str, list[Callable[..., Panel | None]]] = defaultdict(list)


def register_panel(page: str, provider: Callable[..., Panel | None]) -> None:
    """`provider(request, obj)` returns a Panel to show on `page` for `obj`, or None."""
    if provider not in _providers[page]:
        _providers[page].append(provider)


def panels_for(page: str, request, obj) -> list[Panel]:
    return [panel for provider in _providers[page] if (panel := provider(request, obj)) is not None]


@dataclass(frozen=True)
class PublishedFile:
    """A file the public may download, with the SHA-256 and size the portal shows for it."""

    what: str  # what it is, for people: "Informe 2025-T4 v1 (es)"
    storage: Any
    name: str
    sha256: str
    size: int | None


_published_file_providers: list[Callable[[], Iterable[PublishedFile]]] = []


def register_published_files(provider: Callable[[], Iterable[PublishedFile]]) -> None:
    """`provider()` yields every file the app has published (read at each check, in the active language)."""
    if provider not in _published_file_providers:
        _published_file_providers.append(provider)


def published_files() -> Iterator[PublishedFile]:
    for provider in _published_file_providers:
        yield from provider()


@dataclass(frozen=True)
class DashboardItem:
    """One line of the staff dashboard: how many things await, and the admin list that shows exactly those.

    `since` is when the oldest of them began to wait (received, submitted, due): the dashboard shows its age.
    `severity` is one of SEVERITIES: "late" (a deadline has passed), "todo" (the person's to act on) or "info"
    (waiting on someone else). `group` is the heading it is listed under. `order` sorts the lines of a group, and
    the groups by their first line: participation 100-299, the plan 300-399, meetings 400-499, reports 500-599,
    Kichwa texts 900-999."""

    group: str
    label: str
    count: int
    url: str
    since: date | datetime | None = None
    severity: str = "todo"
    order: int = 100


@dataclass(frozen=True)
class DashboardEntry:
    """One entry of a dashboard list (the last changes): the record, what happened to it ("Milestone ·
    Changed"), when, by whom, and where to read it."""

    text: str
    url: str
    when: datetime | None = None
    who: str = ""
    what: str = ""


@dataclass(frozen=True)
class DashboardList:
    """A short list on the dashboard (the last changes), with the admin list that has all of them."""

    title: str
    url: str
    entries: tuple[DashboardEntry, ...]
    order: int = 100


SEVERITIES = ("late", "todo", "info")

_dashboard_providers: list[Callable[..., Iterable[DashboardItem | DashboardList]]] = []


def register_dashboard_items(provider: Callable[..., Iterable[DashboardItem | DashboardList]]) -> None:
    """`provider(request)` yields the dashboard lines of an app for `request.user`: only what that person may
    see and act on, each with a count and the address of the filtered admin list. A provider runs a bounded
    number of queries, whatever the amount of data (the dashboard's query count is tested)."""
    if provider not in _dashboard_providers:
        _dashboard_providers.append(provider)


def dashboard_items(request) -> list[DashboardItem | DashboardList]:
    return [item for provider in _dashboard_providers for item in provider(request)]


@dataclass(frozen=True)
class MapFeature:
    """One thing drawn over the cantons of the territory map, linking to its page: a point (one coordinate) or a
    line (two or more), as WGS84 (longitude, latitude). `status` is a short key (the CSS class map-status-<status>);
    `status_label` says it in words, so that the map never tells it by colour alone."""

    label: str
    url: str
    status: str
    status_label: str
    coordinates: tuple[tuple[float, float], ...]


_map_layer_providers: list[Callable[..., Iterable[MapFeature]]] = []


def register_map_layer(provider: Callable[..., Iterable[MapFeature]]) -> None:
    """`provider(plan)` yields the features an app draws on the territory map for the plan shown (`plan` may be
    None), in a bounded number of queries."""
    if provider not in _map_layer_providers:
        _map_layer_providers.append(provider)


def map_features(plan) -> list[MapFeature]:
    return [feature for provider in _map_layer_providers for feature in provider(plan)]
