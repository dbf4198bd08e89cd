"""Redis outages, simulated without touching the shared Redis: the cache and the broker pointed at a closed port,
where every connection is refused at once (the same in CI's SQLite pass and its PostgreSQL + Redis pass)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings

DEAD_REDIS = "redis://127.0.0.1:1/0"


def production_settings(monkeypatch, **env) -> dict:
    """The settings conecta/settings.py builds from these environment variables (and no other of ours)."""
    for name in ("CACHE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CELERY_VISIBILITY_TIMEOUT",
                 "CELERY_TASK_TIME_LIMIT", "CELERY_TASK_SOFT_TIME_LIMIT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(django_settings.BASE_DIR) / "conecta" / "settings.py"))


def _forget_outages() -> None:
    """Close the circuit breakers, so that one test's outage does not carry over to the next."""
    try:
        from conecta import cache, cache_backend, queue
    except ImportError:  # the code before the breakers existed (to see these tests fail on it)
        return
    with cache_backend._breakers_lock:
        cache_backend._breakers.clear()
    queue.broker_breaker.reset()
    cache._bump_lost = False


@pytest.fixture
def dead_cache(settings, monkeypatch):
    """Django's cache as production configures it from CACHE_URL, on a Redis that refuses every connection."""
    settings.CACHES = production_settings(monkeypatch, CACHE_URL=DEAD_REDIS)["CACHES"]
    _forget_outages()
    yield
    _forget_outages()


@pytest.fixture
def dead_broker(monkeypatch):
    """Celery sending to a broker that refuses every connection, as production does (not eagerly)."""
    from conecta.celery import app

    # Celery reads these variables before its configuration (CI's second pass exports CELERY_BROKER_URL).
    monkeypatch.setenv("CELERY_BROKER_URL", DEAD_REDIS)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, DEAD_REDIS
    _forget_outages()
    yield
    app.conf.task_always_eager, app.conf.broker_url = saved
    _forget_outages()


@pytest.fixture
def redis_connections(monkeypatch):
    """Every connection a Redis client (the cache's or kombu's) opens to the dead port, counted."""
    import redis.connection

    attempts: list[int] = []
    connect = redis.connection.Connection._connect

    def counting(self):
        if self.port == 1:
            attempts.append(self.port)
        return connect(self)

    monkeypatch.setattr(redis.connection.Connection, "_connect", counting)
    return attempts
