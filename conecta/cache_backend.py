"""Django's Redis cache, made to fail soft: a cache that does not answer is a cache that holds nothing.

The portal keeps only disposable things in its cache (whole public pages, the page-cache generation number,
rate-limit counters), so when Redis is stopped, unreachable or out of memory, every call degrades instead of
raising: `get` returns the default, `get_many` {}, `add`/`set`/`touch`/`delete` False, `set_many` the keys it
could not store, and `incr` raises ValueError as for a missing key (so `rate_limit_hit` counts the attempt as the
first of its window: rate limits fail open while Redis is down, and the citizen's message is stored).

Each call waits at most the socket timeouts below (no retry), and after a failure a process-wide circuit breaker
(conecta.breaker) skips Redis for `breaker_seconds`, so a request never waits twice for a dead server, and the
outage is logged once, not per call. OPTIONS may override `socket_connect_timeout`, `socket_timeout` and
`breaker_seconds`; every other option goes to redis-py as with Django's own backend.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from .breaker import CircuitBreaker

SOCKET_CONNECT_TIMEOUT = 0.5
SOCKET_TIMEOUT = 0.5
BREAKER_SECONDS = 5.0

# Django makes one cache object per thread; the breaker is per process and per server, so that one thread's
# failure spares the others the wait.
_breakers: dict[tuple[str, ...], CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def _shown(server: str) -> str:
    """A server's address for the logs, without the password a URL may carry."""
    parts = urlsplit(server)
    return f"{parts.hostname}:{parts.port or 6379}{parts.path}" if parts.hostname else parts.scheme or "?"


def breaker_for(servers, seconds: float = BREAKER_SECONDS) -> CircuitBreaker:
    key = tuple(servers)
    with _breakers_lock:
        if key not in _breakers:
            shown = ", ".join(_shown(server) for server in key)
            _breakers[key] = CircuitBreaker(f"The Redis cache ({shown})", seconds=seconds)
        return _breakers[key]


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        options = dict(self._options)
        seconds = float(options.pop("breaker_seconds", BREAKER_SECONDS))
        options.setdefault("socket_connect_timeout", SOCKET_CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        # redis-py would otherwise retry a failed command (three times, with backoff, in recent versions).
        options.setdefault("retry", Retry(NoBackoff(), 0))
        self._options = options
        self.breaker = breaker_for(self._servers, seconds)

    def _guarded(self, fallback, call, *args):
        if not self.breaker.allows():
            return fallback
        try:
            result = call(*args)
        except RedisError as error:  # ConnectionError, TimeoutError, an OOM or READONLY reply...
            self.breaker.failed(error)
            return fallback
        self.breaker.succeeded()
        return result

    def get(self, key, default=None, version=None):
        return self._guarded(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # False only when it could not store (Django's own returns None): conecta.cache notices a lost bump.
        return self._guarded(False, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._guarded(None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded(False, super().clear)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._guarded(missing, super().incr, key, delta, version)
        if value is missing:
            raise ValueError(f"Key {key!r} not found (the cache is unreachable).")
        return value
