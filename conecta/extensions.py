"""What an app adds to something of a floor below it, without the lower floor importing the upper app.

1. Panels: the commitment page belongs to `commitments`, which never imports `feedback`; `feedback` registers a
   panel provider here (from its AppConfig.ready) and the commitment page renders whatever the providers return.
2. Published files: each app registers the files it publishes with a SHA-256 and a size (report PDFs, the
   monitor's documents, signed minutes, evidence), so that `manage.py verify_files` (conecta.published_files)
   checks them all without knowing the apps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
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
