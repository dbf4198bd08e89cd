"""The API's rate limit: settings.API_RATE_LIMIT requests per network address ("120/minute"; empty for none).

The address is the one the participation forms and the staff sign-in count (conecta.net.client_ip, which trusts
X-Forwarded-For only as far as settings.TRUSTED_PROXIES says), and it is never stored: the counters, in Django's
cache beside those of the forms, are keyed by a keyed hash of it, and expire with the window they count.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac
from rest_framework.throttling import AnonRateThrottle

from conecta.net import client_ip


class AddressRateThrottle(AnonRateThrottle):
    """DRF's per-address throttle (a sliding window, answered with 429 and Retry-After), counting the portal's
    idea of the address, with its rate read from the settings at each request (tests and benchmarks change it)."""

    scope = "api"

    def get_rate(self) -> str | None:
        return settings.API_RATE_LIMIT or None

    def get_cache_key(self, request, view) -> str:
        address = client_ip(request) or "unknown"
        ident = salted_hmac("conecta.opendata.api-rate", address, algorithm="sha256").hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
