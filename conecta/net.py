"""The address a request comes from, as far as the portal can trust it.

Behind N reverse proxies of our own, each appends the address it saw to X-Forwarded-For, so the N-th entry from
the right is the one our outermost proxy saw: the visitor's. Everything left of it the visitor may have written.
With no proxy of ours (settings.TRUSTED_PROXIES = 0, the default), or a request that reached the server without
passing through all of them (fewer entries than N), only REMOTE_ADDR is the truth.

The participation rate limits (feedback.protection) and the staff sign-in lockout count this address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

MAX_LENGTH = 64


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_ip(request) -> str:
    """The visitor's address: the settings.TRUSTED_PROXIES-th entry from the right of X-Forwarded-For when there
    are at least that many entries and it is an address, else REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "")[:MAX_LENGTH]
    trusted = getattr(settings, "TRUSTED_PROXIES", 0)
    if trusted <= 0:
        return remote
    entries = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [part for part in entries if part]
    if len(entries) < trusted:
        return remote
    chosen = entries[-trusted][:MAX_LENGTH]
    return chosen if _is_address(chosen) else remote
