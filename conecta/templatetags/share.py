"""Sharing a page where people talk, with plain links (no script, nothing loaded from another site), and the tags
that make a pasted link show a title, a description and a picture (Open Graph, read by WhatsApp and Facebook, and
the card X reads).

    {% load share %}
    {% share_links title url %}                       "Share" as a heading (h2) and the links
    {% share_links title url heading="" %}            the same under a short label, for an item of a list
    {% share_meta title=t description=d url=u image=i percent=p %}   in {% block head_extra %}

`url` and `image` are paths of this site ("/es/compromisos/ECPTZ0003/") or absolute addresses; links and tags
carry absolute addresses made from settings.SITE_URL, never from the request's host. Nothing here queries the
database.
"""

from __future__ import annotations

from html import unescape
from urllib.parse import quote, urlencode

from django import template
from django.conf import settings
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django.utils.translation import get_language

from conecta.preview import HEIGHT, WIDTH

register = template.Library()

# og:locale names a language and a country; the portal speaks to Pastaza, Ecuador.
OG_LOCALES = {"es": "es_EC", "qu": "qu_EC"}
SITE_NAME = "Conecta Pastaza"
# The element names the block's heading may take (a template's argument becomes a tag name only from this list).
HEADINGS = ("h2", "h3", "h4")


def absolute_url(url: str) -> str:
    """`url` on SITE_URL when it is a path of this site; an absolute address as it is."""
    if url.startswith(("https://", "http://")):
        return url
    return settings.SITE_URL.rstrip("/") + "/" + url.lstrip("/")


def plain_text(text) -> str:
    """What a message says: HTML (a {% blocktranslate asvar %}, which escapes what it holds) as its plain text,
    so that "Tom &amp; Ana" is shared as "Tom & Ana"; any other text as it is."""
    if isinstance(text, SafeData):
        return unescape(strip_tags(text))
    return str(text)


def _query(**params: str) -> str:
    # Percent-encoding throughout (spaces as %20): mail programs read "+" in a mailto: body as a plus sign.
    return urlencode(params, quote_via=quote)


def share_targets(*, title: str, url: str) -> dict[str, str]:
    """The address of each service's own share page with the title and the (absolute) address filled in."""
    return {
        "whatsapp": "https://wa.me/?" + _query(text=f"{title} {url}"),
        "facebook": "https://www.facebook.com/sharer/sharer.php?" + _query(u=url),
        "x": "https://x.com/intent/post?" + _query(text=title, url=url),
        "email": "mailto:?" + _query(subject=title, body=f"{title}\n\n{url}"),
    }


@register.inclusion_tag("conecta/includes/_share.html")
def share_links(title, url, heading: str = "h2"):
    """The share links of a page (or of one item of a list, with heading=""), and its address to copy."""
    address = absolute_url(str(url))
    heading = heading if heading in HEADINGS else ""
    return {"url": address, "heading": heading, **share_targets(title=plain_text(title), url=address)}


@register.inclusion_tag("conecta/includes/_share_meta.html")
def share_meta(*, title, description, url, image, percent=None, kind: str = "article"):
    """Open Graph and Twitter card tags for a page whose preview picture is at `image` (conecta.preview)."""
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "title": title,
        "description": description,
        "url": absolute_url(str(url)),
        "image": absolute_url(str(image)),
        "percent": percent,
        "kind": kind,
        "site_name": SITE_NAME,
        "locale": OG_LOCALES.get(language, OG_LOCALES["es"]),
        "alternates": [locale for code, locale in OG_LOCALES.items() if code != language],
        "width": WIDTH,
        "height": HEIGHT,
    }
