"""Queueing a Celery task without letting a dead broker hold up the person who saved.

Every task of the portal is a `QueuedTask` (conecta.celery makes it the app's task class, so every `@shared_task`
is one): `task.enqueue_on_commit(*args)` sends it once the transaction commits; `task.enqueue(*args)` sends it
now. When the broker does not answer, the save goes on: the row stays marked as not done, and the periodic sweep
of its app (Celery beat) sends it later. Every task claims its row before it acts (conecta.claims), so a task that
reached the broker although we saw an error (its reply was lost) and the sweep's copy do the work once between them.

A publish waits at most PUBLISH_CONNECT_TIMEOUT to connect and PUBLISH_SOCKET_TIMEOUT for a reply, and is never
retried here (Celery would retry three times, and a Redis result backend would try to reconnect twenty times, one
second apart: the 19 s a staff save used to wait). After a failure a circuit breaker skips the broker for
BREAKER_SECONDS, so the next saves do not wait at all, and the outage is logged once.

Without a broker (CELERY_BROKER_URL unset) tasks run in-process, as before: a failing task is logged, never
raised into the save.
"""

from __future__ import annotations

import logging
from functools import partial

from celery import Task
from django.db import transaction

from .breaker import CircuitBreaker

logger = logging.getLogger(__name__)

PUBLISH_CONNECT_TIMEOUT = 0.5
PUBLISH_SOCKET_TIMEOUT = 0.5
BREAKER_SECONDS = 5.0

# Used only for the publishes made here; the workers' own connections keep the transport options of settings.
PUBLISH_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": PUBLISH_CONNECT_TIMEOUT,
    "socket_timeout": PUBLISH_SOCKET_TIMEOUT,
    "max_retries": 0,  # kombu: one attempt to connect, not a retry loop
}

broker_breaker = CircuitBreaker("The Celery broker", seconds=BREAKER_SECONDS)


class QueuedTask(Task):
    """The portal's task base. The methods are not called `queue`: Celery reads a task's `queue` attribute as the
    name of the queue to route it to."""

    def enqueue(self, *args) -> bool:
        """Send `self(*args)` now. Returns whether it was handed to the broker (or run, without one); False means
        the periodic sweep will send it."""
        if self.app.conf.task_always_eager:
            try:
                self.delay(*args)
            except Exception:  # noqa: BLE001 - in-process, a failing task must not undo the save that queued it
                logger.warning("Task %s%r failed in-process; the sweep will retry", self.name, args, exc_info=True)
                return False
            return True
        if not broker_breaker.allows():
            logger.debug("Broker down: %s%r left for the sweep", self.name, args)
            return False
        try:
            with self.app.connection_for_write(
                connect_timeout=PUBLISH_CONNECT_TIMEOUT, transport_options=PUBLISH_TRANSPORT_OPTIONS
            ) as connection:
                self.apply_async(args, connection=connection, retry=False, ignore_result=True)
        except Exception as error:  # noqa: BLE001 - kombu and redis raise many kinds of connection errors
            broker_breaker.failed(error)
            logger.debug("Could not queue %s%r; the sweep will send it", self.name, args, exc_info=True)
            return False
        broker_breaker.succeeded()
        return True

    def enqueue_on_commit(self, *args, using: str | None = None) -> None:
        """Send `self(*args)` once the current transaction commits (at once outside one); never if it rolls
        back."""
        transaction.on_commit(partial(self.enqueue, *args), using=using, robust=True)
