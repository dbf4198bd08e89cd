"""A circuit breaker for the services a request may do without (the Redis cache, the Celery broker).

After a failure the breaker stays open for `seconds`: every call in that time is skipped at once instead of
waiting for another connection timeout. Then one call may try again (half-open): if it works, the breaker
closes; if not, it opens for another `seconds`. The outage is logged once when it starts and once when it ends,
never per call, so a stopped Redis does not fill the logs (or ADMINS' inboxes) with one line per request.

One breaker per process and per service, shared by the process's threads.
"""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(self, name: str, *, seconds: float = 5.0, clock=time.monotonic):
        self.name = name
        self.seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._down_since: float | None = None
        self.failures = 0  # calls that failed during the current outage (for the recovery log line)

    @property
    def is_down(self) -> bool:
        return self._down_since is not None

    def allows(self) -> bool:
        """Whether a call may go through now: always when the service works, once every `seconds` when not."""
        if self._down_since is None:
            return True
        with self._lock:
            now = self._clock()
            if now < self._open_until:
                return False
            # Half-open: this caller probes; the others keep skipping until it reports back.
            self._open_until = now + self.seconds
            return True

    def failed(self, error: BaseException) -> None:
        with self._lock:
            self._open_until = self._clock() + self.seconds
            self.failures += 1
            starting = self._down_since is None
            if starting:
                self._down_since = self._clock()
        if starting:
            logger.warning(
                "%s is unreachable (%s: %s); doing without it, and trying again every %s s",
                self.name,
                error.__class__.__name__,
                error,
                self.seconds,
            )

    def succeeded(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            down_for, failures = self._clock() - self._down_since, self.failures
            self._down_since, self._open_until, self.failures = None, 0.0, 0
        logger.warning("%s is back after %.0f s (%s failed calls)", self.name, down_for, failures)

    def reset(self) -> None:
        """Forget any outage (tests)."""
        with self._lock:
            self._down_since, self._open_until, self.failures = None, 0.0, 0
