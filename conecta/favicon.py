"""/favicon.ico: the icon browsers and crawlers ask for at the site's root whatever the pages link (base.html links
static/favicon.svg and static/favicon.ico), served from the static files so that it is never a 404."""

from __future__ import annotations

from functools import cache

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

# A week: the icon changes with a release, if ever.
FAVICON_CACHE = "public, max-age=604800"


@cache
def _icon() -> bytes | None:
    path = finders.find("favicon.ico")
    if not path:
        return None
    with open(path, "rb") as file:
        return file.read()


@require_safe
def favicon(request):
    icon = _icon()
    if icon is None:
        raise Http404("no favicon")
    response = HttpResponse(icon, content_type="image/x-icon")
    response["Cache-Control"] = FAVICON_CACHE
    return response
