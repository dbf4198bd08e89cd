"""Whole-page caching of public pages, per language, dropped at once when staff publish a change.

Every cached page's key carries a generation number; `bump_generation()` (connected by `connect_invalidation()`
to the saves and deletes of everything a public page shows) moves to a new number, so every older page is simply
never read again and expires.

With the default in-process cache (LocMemCache) each server process keeps its own pages and its own generation,
and a change made through one process does not drop the others' pages: several processes need a shared cache
(CACHE_URL=redis://...), or PUBLIC_PAGE_CACHE_SECONDS short enough to live with. That Redis may stop: the cache
backend (conecta.cache_backend) then answers every read with a miss, so pages are rendered for each visit, and a
bump that could not be stored is made again by the same process as soon as the cache answers.

A page's key holds today's date in Pastaza (what is overdue changes at midnight, with no change to drop the
pages), and the query parameters its view declares (`@public_page(params=("q", "page"))`), normalised, and
the view sees only those: `?v=random` or `?utm_source=...` reuse the one cached page instead of making new ones.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import QueryDict
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

GENERATION_KEY = "conecta:public-generation"


def _fresh_generation() -> int:
    # A clock reading, not 1: if the cache evicts the generation key, the next number must still be one no
    # page was ever stored under, or pages cached before the eviction would be served again.
    return time.time_ns()


# Set when a bump could not be stored (the cache was unreachable): pages cached before it must not come back when
# the cache does, so this process bumps again at its next page or bump.
_bump_lost = False


def current_generation() -> int:
    if _bump_lost:
        bump_generation()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY) or _fresh_generation()
    return generation


def bump_generation() -> None:
    global _bump_lost
    try:
        cache.incr(GENERATION_KEY)
        stored = True
    except ValueError:  # not set yet (or evicted, or the cache is down): any new number invalidates the old pages
        stored = cache.set(GENERATION_KEY, _fresh_generation(), timeout=None) is not False
    _bump_lost = not stored


def bump_after_commit(using: str | None = None) -> None:
    """Bump once the transaction commits, so that no request caches the old rows under the new generation.

    Once per transaction: an import that saves a thousand rows bumps once. A bump already queued is enough when
    no savepoint rollback could drop it without dropping this one too (it was queued in the same or an outer
    savepoint of the current ones).
    """
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        current = set(connection.savepoint_ids)
        for queued in connection.run_on_commit:
            if len(queued) == 3 and queued[1] is bump_generation and set(queued[0]) <= current:
                return
    transaction.on_commit(bump_generation, using=using)


def _on_change(sender=None, using=None, **kwargs) -> None:
    bump_after_commit(using)


def connect_invalidation(*models) -> None:
    """Drop every cached public page whenever a row of these models (or one of their many-to-many links) is
    saved or deleted. Apps call it from their AppConfig.ready() with the models their public pages show."""
    for model in models:
        label = model._meta.label_lower
        post_save.connect(_on_change, sender=model, dispatch_uid=f"conecta-cache-save-{label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"conecta-cache-delete-{label}")
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _on_change, sender=through, dispatch_uid=f"conecta-cache-m2m-{through._meta.label_lower}"
            )


def _page_query(request, params: tuple[str, ...]) -> QueryDict:
    """The query parameters a page declared, in order of name, each with the value the view would read
    (`request.GET.get`, the last one given), empty ones dropped: `?page=2&q=agua`, `?q=agua&page=2&v=1` and
    `?q=agua&page=2&orden=` are one page."""
    pairs = [(name, request.GET.get(name, "")) for name in params]
    return QueryDict(urlencode([(name, value) for name, value in pairs if value]), encoding=request.encoding)


def _page_key(request, query: QueryDict) -> str:
    # The address, hashed: a long query string must not share a key with another that starts the same way, and
    # the scheme and host are in it because feeds and the sitemap write absolute links: a request through another
    # allowed host name (say, localhost) must not leave its links for everyone else.
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query.urlencode()}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
    # Today's date in Pastaza (TIME_ZONE) too: a page says what is overdue, and since how many days, so the page
    # cached yesterday must not be served after midnight.
    return f"conecta:page:{current_generation()}:{timezone.localdate().isoformat()}:{get_language()}:{digest}"


def _cacheable(request, response) -> bool:
    """Only a page that is the same for every visitor: a plain 200 that sets no cookie, used no CSRF token and
    did not read the session (a page that does is about one visitor)."""
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not getattr(response, "streaming", False)
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.accessed)
    )


def public_page(view: Callable | None = None, *, params: Iterable[str] = ()):
    """Cache a public GET page per language, address and declared query parameters until the next change.

    `params` names every query parameter the view (with its selectors, forms and templates) reads; the view gets
    a `request.GET` (and a query string, for links such as the language switcher's) holding only those, so it
    cannot depend on anything its cache key does not hold. Bare `@public_page` is a page that reads none.
    """
    if view is None:
        return lambda view: public_page(view, params=params)
    declared = tuple(sorted(set(params)))

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        caching = request.method in ("GET", "HEAD") and settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        query = _page_query(request, declared)
        key = _page_key(request, query) if caching else None
        response = cache.get(key) if caching else None
        if response is None:
            response = _call_with_query(view, query, request, *args, **kwargs)
            if not _cacheable(request, response):
                return response
            if caching:
                cache.set(key, response, settings.PUBLIC_PAGE_CACHE_SECONDS)
        patch_vary_headers(response, ("Accept-Language",))
        patch_cache_control(response, public=True, max_age=60)
        return response

    return wrapper


def _call_with_query(view, query: QueryDict, request, *args, **kwargs):
    """Run the view (and render its response) with only the declared query parameters in the request."""
    original = request.GET, request.META.get("QUERY_STRING", "")
    request.GET, request.META["QUERY_STRING"] = query, query.urlencode()
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response
    finally:
        request.GET, request.META["QUERY_STRING"] = original
