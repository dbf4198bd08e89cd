"""conecta.cache_backend.ResilientRedisCache: a Redis that does not answer is an empty cache, asked once per pause;
rate limits fail open; a generation bump lost during the outage is made when the cache answers again."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.test import RequestFactory

from conecta.cache import GENERATION_KEY, bump_generation, current_generation
from feedback.protection import rate_limit_hit


def test_a_cache_that_does_not_answer_holds_nothing_and_raises_nothing(dead_cache):
    assert cache.get("k") is None
    assert cache.get("k", "default") == "default"
    assert cache.add("k", 1) is False
    assert cache.set("k", 1) is False
    assert cache.get_many(["k", "l"]) == {}
    assert cache.set_many({"k": 1, "l": 2}) == ["k", "l"]
    assert cache.has_key("k") is False
    assert cache.touch("k") is False
    assert cache.delete("k") is False
    assert cache.delete_many(["k", "l"]) is None
    assert cache.get_or_set("k", 3) == 3
    with pytest.raises(ValueError):
        cache.incr("k")
    with pytest.raises(ValueError):
        cache.decr("k")


def test_after_one_failed_call_redis_is_not_asked_again_for_a_while(dead_cache, redis_connections):
    cache.get("a")
    cache.add("b", 1)
    cache.set("c", 1)
    cache.get("d")

    assert len(redis_connections) == 1


def test_with_cache_url_the_cache_asks_redis_with_short_timeouts_and_no_retry(dead_cache):
    from conecta.cache_backend import ResilientRedisCache

    backend = caches["default"]

    assert isinstance(backend, ResilientRedisCache)
    assert 0 < backend._options["socket_connect_timeout"] <= 1
    assert 0 < backend._options["socket_timeout"] <= 1
    assert backend._options["retry"].get_retries() == 0


def test_rate_limits_let_people_through_while_the_cache_is_down(db, dead_cache, settings):
    settings.PARTICIPATION_RATE_LIMITS = {**settings.PARTICIPATION_RATE_LIMITS, "suggestion": (2, 15)}
    request = RequestFactory().post("/es/participa/sugerencia/", REMOTE_ADDR="203.0.113.9")

    assert [rate_limit_hit(request, "suggestion") for _ in range(5)] == [None] * 5


def test_a_bump_lost_while_the_cache_was_down_is_made_when_it_answers_again(dead_cache, settings):
    bump_generation()  # a change published while Redis is down: its bump cannot be stored

    # Redis is back, with the generation the pages cached before the outage were stored under.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "back"}}
    cache.set(GENERATION_KEY, 1000, timeout=None)

    assert current_generation() != 1000
    assert current_generation() == current_generation()  # bumped once, then stable


def _live_redis_url() -> str:
    """A database of its own on the Redis of CI's second pass (the one the broker uses), or '' without one."""
    broker = getattr(django_settings, "TEST_BROKER_URL", "")
    if not broker.startswith("redis://"):
        return ""
    return urlunsplit(urlsplit(broker)._replace(path="/14"))


@pytest.mark.skipif(not _live_redis_url(), reason="no Redis: runs in CI's PostgreSQL + Redis pass")
def test_on_a_redis_that_answers_it_is_djangos_redis_cache(settings):
    prefix = f"conecta-test-{os.getpid()}"
    settings.CACHES = {
        "default": {
            "BACKEND": "conecta.cache_backend.ResilientRedisCache",
            "LOCATION": _live_redis_url(),
            "KEY_PREFIX": prefix,
        }
    }
    try:
        assert cache.add("counter", 0, timeout=30) is True
        assert cache.add("counter", 5, timeout=30) is False
        assert cache.incr("counter") == 1
        assert cache.set("page", {"html": "ñ"}, timeout=30) is None
        assert cache.get("page") == {"html": "ñ"}
        assert cache.get_many(["page", "missing"]) == {"page": {"html": "ñ"}}
    finally:
        cache.delete_many(["counter", "page"])
