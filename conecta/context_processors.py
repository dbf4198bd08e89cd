import re

from django.conf import settings
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info

from .security import site_style

# Slashes and backslashes at the start of a path: browsers read "//host", "///host" and "/\host" as another site.
_LEADING_SLASHES = re.compile(r"^[/\\]+")


def on_site_path(path: str) -> str:
    """`path` as a path of this site: "//evil.example/x" (a request for that path reaches us, and a link to it
    leaves) becomes "/evil.example/x"; anything that would still not stay on the site becomes "/"."""
    path = _LEADING_SLASHES.sub("/", path or "/")
    if not path.startswith("/") or not url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return "/"
    return path


def other_language_url(path: str, current: str, code: str) -> str:
    """The same page in language `code`. A path Django cannot resolve (a 404) keeps its tail under the other
    language's prefix, so the reader sees the same "not found" page in the language they chose. Whatever the path
    asked for, the link stays on this site."""
    path = on_site_path(path)
    url = translate_url(path, code)
    if url == path and code != current and path.startswith(f"/{current}/"):
        url = f"/{code}/" + path[len(current) + 2 :]
    return on_site_path(url)


def site(request):
    """The language switcher's links (the same page in each language) and what the Kichwa note needs."""
    current = get_language()
    path = request.get_full_path() if request is not None else "/"
    languages = []
    for code, _name in settings.LANGUAGES:
        name = get_language_info(code)["name_local"]
        languages.append(
            {
                "code": code,
                "name": name[:1].upper() + name[1:],
                "url": other_language_url(path, current, code),
                "current": code == current,
            }
        )
    return {
        "site_languages": languages,
        "translation_feedback_url": settings.TRANSLATION_FEEDBACK_URL,
        "site_url": settings.SITE_URL,
        # Escaped for CSS by site_style (no "<" can reach the page); its hash is in the Content-Security-Policy.
        "site_style": mark_safe(site_style(settings.SITE_URL)),
    }
