"""Panels that an app adds to a page of an app below it, without the lower app importing the upper one.

The commitment page belongs to `commitments`, which never imports `feedback`; `feedback` registers a panel
provider here (from its AppConfig.ready) and the commitment page renders whatever the providers return.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
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
