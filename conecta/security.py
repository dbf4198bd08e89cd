"""What the portal tells browsers about itself (Content-Security-Policy), and requests it refuses outright.

Two policies (settings.CONTENT_SECURITY_POLICY for the public pages, settings.ADMIN_CONTENT_SECURITY_POLICY for
the staff admin under /admin/), written by django-csp's middleware. A view that needs another policy either sets
the Content-Security-Policy header itself (django-csp never replaces a header a response already has: the
evidence files' sandboxing policy stays as it is), or uses django-csp's decorators (`csp_exempt()`, `csp_replace`,
`csp_update`).
"""

from __future__ import annotations

import base64
import codecs
import hashlib
import re
from functools import lru_cache

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.http import parse_header_parameters

# Characters of an address that may stand as they are inside a quoted CSS string; any other is escaped.
_CSS_SAFE = re.compile(r"[A-Za-z0-9:/._~%?#=&+@,;!$*()\[\]-]")


def _css_string(value: str) -> str:
    return "'" + "".join(ch if _CSS_SAFE.fullmatch(ch) else f"\\{ord(ch):x} " for ch in value) + "'"


@lru_cache(maxsize=8)
def site_style(site_url: str) -> str:
    """The public pages' one inline CSS: the portal's address, which the print stylesheet writes before every
    link (`content: var(--site) attr(href)`). No character of it can end the <style> element."""
    return ":root{--site:" + _css_string(site_url) + "}"


@lru_cache(maxsize=8)
def style_hash(css: str) -> str:
    """The CSP source that allows exactly this inline <style> content."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


@lru_cache(maxsize=1)
def _admin_prefix() -> str:
    return reverse("admin:index")


def is_admin_path(path: str) -> bool:
    return path.startswith(_admin_prefix())


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the portal's two policies: the admin's under /admin/, the public one (plus
    the hash of base.html's <style>) everywhere else. A view's own decorator or header still wins."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts
        if is_admin_path(request.path_info):
            parts.config = dict(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        else:
            extra = {"style-src": [style_hash(site_style(settings.SITE_URL))]}
            parts.update = {**extra, **(parts.update or {})}
        return parts


def declared_charset(content_type: str) -> str | None:
    """The charset a Content-Type declares, by its codec's name ("utf8" -> "utf-8"); "" for one that does not
    exist, None for none."""
    _media_type, params = parse_header_parameters(content_type or "")
    charset = params.get("charset")
    if charset is None:
        return None
    try:
        return codecs.lookup(charset.strip()).name
    except LookupError:
        return ""


class RequestEncodingMiddleware:
    """The portal's forms are UTF-8. A request body that declares another charset (utf-16, latin-1, one that does
    not exist) is refused with 400 and the portal's own page, before anything reads request.POST: Django would
    refuse a non-UTF-8 form in the CSRF check and then fail again rendering its refusal (a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            charset = declared_charset(request.META.get("CONTENT_TYPE", ""))
            if charset == "utf-8":
                request.encoding = "utf-8"  # "utf8", "UTF-8": the one spelling Django's form parsing accepts
            elif charset is not None:
                request._post, request._files = QueryDict(), MultiValueDict()  # nothing may decode the body again
                raise BadRequest("The request body is not UTF-8.")
        return self.get_response(request)
