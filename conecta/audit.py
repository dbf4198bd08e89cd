"""Who is acting right now, for change records written far from the request (signals, imports, tasks).

The middleware sets the actor for the length of a request; management commands and tasks use `acting_as`.
This module imports no app, so every app can record changes against it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any | None
    source: str  # "admin", "import", "command", "task", "web"


_actor: ContextVar[Actor | None] = ContextVar("conecta_actor", default=None)


def current_actor() -> Actor:
    return _actor.get() or Actor(user=None, source="system")


@contextmanager
def acting_as(user: Any | None, source: str) -> Iterator[Actor]:
    token = _actor.set(Actor(user=user, source=source))
    try:
        yield _actor.get()
    finally:
        _actor.reset(token)


class ActorMiddleware:
    """Make the signed-in staff member the actor of every change made while serving their request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only the admin changes data; public pages skip the session lookup this would cost them.
        if not request.path.startswith("/admin/"):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        # The import preview is served at .../import/ and the confirmed import, which writes, at .../process_import/.
        source = "import" if request.path.endswith(("/import/", "/process_import/")) else "admin"
        with acting_as(user, source):
            return self.get_response(request)
