"""Corrections to the Kichwa interface texts, in force in this process from the next request after a review."""

from __future__ import annotations

from .catalogue import ensure_current


class InterfaceCorrectionsMiddleware:
    """Before each request, bring this process's Kichwa catalogue up to the approved corrections
    (kichwa.catalogue.ensure_current): one cache read when nothing changed, one query when a review did.

    Every request, whatever its language: a Spanish page may render Kichwa too (an e-mail to a reader who chose
    Kichwa, under translation.override)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ensure_current()
        return self.get_response(request)
