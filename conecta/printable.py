"""What every PDF of the portal shares (the reports' PDFs, the one-page summaries a community pins on its notice
board), and the QR code of a page's address.

- Offline: WeasyPrint may open only files under static/ (the PDF stylesheets, the DejaVu fonts are the system's);
  anything else, http(s) included, is refused, so a render never waits on the network or leaks a request.
- One page: `one_page_pdf` lays out shorter and shorter versions of a summary until one fits on a sheet.
- Cached: `cached_pdf` keeps a summary's bytes until what it shows changes (the key its caller gives, with the
  public pages' generation, conecta.cache) or the day does (it says what is overdue, "as of" today).
- Tagged: every PDF is PDF/UA-1 (WeasyPrint's `pdf_variant`): a structure tree in reading order, the language of
  <html lang> in the catalogue, the <title> as its title, shown by viewers (DisplayDocTitle). WeasyPrint 70 leaves
  out three things HTML says, which `_install_tagging_hook` adds: `lang` on an element (a Spanish stand-in inside a
  Kichwa PDF, conecta.fallbacks) becomes /Lang on its structure element; an image's aria-label (the charts') its
  /Alt, an image drawn inside an element with role="img" (a progress bar) taking that element's label; a table
  header's `scope` its /Scope. What is aria-hidden="true" (a decorative pictogram, a repeated copy) is drawn as an
  artifact, outside the structure tree, as a screen reader skips it on the page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager
from functools import cache as once
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe

from .cache import current_generation

logger = logging.getLogger(__name__)

STATIC_DIR = Path(settings.BASE_DIR) / "static"


def local_fetcher():
    """WeasyPrint's URL fetcher for the portal: files under static/, and nothing else."""
    from weasyprint import URLFetcher

    class LocalStaticFetcher(URLFetcher):
        """Serves files under static/ and refuses every other URL."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file":
                raise ValueError(f"refused {url!r}: PDFs are rendered offline")
            path = Path(url2pathname(parts.path)).resolve()
            if STATIC_DIR.resolve() not in path.parents:
                raise ValueError(f"refused {url!r}: only files under static/ may be read")
            return super().fetch(url, headers)

    return LocalStaticFetcher(allowed_protocols=["file"])


# How every PDF of the portal is written: tagged, PDF/UA-1 (PDF 1.7), its XMP metadata saying so.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
UNTAGGED = {"pdf_variant": None}

SVG = "{http://www.w3.org/2000/svg}"
IMAGES = {"img", f"{SVG}svg"}


def _mark_images(element, *, label: str | None = None, hidden: bool = False) -> None:
    """Say on each element of `element`'s tree what the tagger needs and HTML says through an ancestor: an image
    without a text alternative of its own, inside an element with role="img" and aria-label, takes that label
    (its drawing is that element's picture); anything inside an aria-hidden element is aria-hidden too."""
    tag = element.tag if isinstance(element.tag, str) else ""
    hidden = hidden or element.get("aria-hidden") == "true"
    if tag in IMAGES:
        own = element.get("aria-label") or element.get("alt") or element.find(f"{SVG}title") is not None
        if not own and label:
            element.set("aria-label", label)
            element.attrib.pop("aria-hidden", None)
        elif hidden and not own:
            element.set("aria-hidden", "true")
        return  # an SVG's own elements are drawn, not laid out: the tagger never sees them
    if hidden:
        element.set("aria-hidden", "true")
    if element.get("role") == "img" and element.get("aria-label"):
        label = element.get("aria-label")
    for child in element:
        _mark_images(child, label=label, hidden=hidden)


def _hidden(box) -> bool:
    return box.element is not None and box.element.get("aria-hidden") == "true"


@once
def _install_tagging_hook() -> bool:
    """Add to WeasyPrint's structure tree what its tagger leaves out (see the module's docstring); once per process.

    It wraps `weasyprint.pdf.tags._build_box_tree` (which builds the structure element of a box and recurses
    through the module's global name, so the wrapper sees every box) and `Stream.marked` (which opens a box's
    marked content while drawing). Both are WeasyPrint's internals: should a new version lack them, the PDFs are
    still tagged, without these additions, and tests/reports/test_tagged_pdf.py fails to say so."""
    import pydyf
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder
    from weasyprint.pdf import tags
    from weasyprint.pdf.stream import Stream

    build, marked = getattr(tags, "_build_box_tree", None), getattr(Stream, "marked", None)
    if getattr(build, "conecta_hook", False):
        return True  # installed already (by another thread, between its check and ours)
    if build is None or marked is None:
        logger.warning("WeasyPrint's tagger changed: PDFs are tagged without lang, alt texts and artifacts")
        return False

    @contextmanager
    def marked_unless_hidden(self, box, tag):
        if self._tags is not None and _hidden(box):
            with self.artifact():
                yield
        else:
            with marked(self, box, tag):
                yield

    def build_with_html(box, parent, pdf, page_number, nums, annotations, tag_map):
        real = box._box if isinstance(box, AbsolutePlaceholder) else box
        if _hidden(real):
            return  # drawn as an artifact (marked_unless_hidden): no structure element
        elements = build(box, parent, pdf, page_number, nums, annotations, tag_map)
        element_tag = None if real.element is None else real.element_tag
        if element_tag in ("html", "body") or isinstance(real, (boxes.PageBox, boxes.MarginBox)):
            yield from elements  # the children's, each seen by this wrapper already
            return
        for element in elements:  # the one structure element of this box
            html = real.element
            if html is not None:
                if lang := html.get("lang"):
                    element["Lang"] = pydyf.String(lang)
                if element["S"] == "/Figure" and (label := html.get("aria-label")):
                    element["Alt"] = pydyf.String(label)
                if element["S"] == "/TH" and (scope := html.get("scope")):
                    element["A"]["Scope"] = "/Row" if scope.startswith("row") else "/Column"
            yield element

    build_with_html.conecta_hook = True
    tags._build_box_tree = build_with_html
    Stream.marked = marked_unless_hidden
    return True


@once
def _document_class():
    from weasyprint import Document

    class TaggedDocument(Document):
        """A laid-out document whose PDF is tagged (PDF_OPTIONS) unless its caller asks otherwise."""

        def write_pdf(self, target=None, zoom=1, finisher=None, **options):
            return super().write_pdf(target, zoom, finisher, **{**PDF_OPTIONS, **options})

    return TaggedDocument


def html_document(html: str):
    """The laid-out WeasyPrint document of `html` (relative URLs are files under static/); its `write_pdf()`
    writes a tagged PDF (PDF_OPTIONS), or an untagged one with `write_pdf(**UNTAGGED)`."""
    from weasyprint import HTML

    _install_tagging_hook()
    source = HTML(string=html, base_url=f"{STATIC_DIR}/", url_fetcher=local_fetcher())
    _mark_images(source.etree_element)
    document = source.render()
    document.__class__ = _document_class()  # the same document, whose PDF is tagged by default
    return document


def html_to_pdf(html: str, *, tagged: bool = True) -> bytes:
    """The PDF of `html`: tagged (PDF/UA-1), or not when it is a part that pypdf joins to others (which loses
    the structure tree anyway)."""
    return html_document(html).write_pdf(**({} if tagged else UNTAGGED))


def one_page_pdf(html_at: Callable[[int], str], *, steps: int) -> bytes:
    """The PDF of the first of `html_at(0)`, `html_at(1)`, … `html_at(steps - 1)` that fits on one page.

    Each step shows less than the one before, so once the first does not fit, the first that does is found by
    halving (three more layouts for eight steps, each a few tenths of a second). The last step is bounded so
    that it always fits; should it not (a setting far longer than any real one), its first page is printed and
    the overflow logged, never an error.
    """
    document = html_document(html_at(0))
    if len(document.pages) == 1:
        return document.write_pdf()
    fitting, low, high = None, 1, steps - 1
    while low <= high:
        middle = (low + high) // 2
        document = html_document(html_at(middle))
        if len(document.pages) == 1:
            fitting, high = document, middle - 1
        else:
            low = middle + 1
    if fitting is not None:
        return fitting.write_pdf()
    # Only the last step was left to try, and it did not fit either: `document` is its layout.
    logger.warning("a one-page summary took %s pages at its shortest; printing its first page", len(document.pages))
    return document.copy(document.pages[:1]).write_pdf()


def absolute_url(path: str) -> str:
    """The address of a page of the portal as printed on paper: SITE_URL and the path."""
    return settings.SITE_URL.rstrip("/") + path


def qr_svg(address: str, *, title: str, size: str = "36mm") -> SafeString:
    """`address` as a QR code, inline SVG of `size` (a CSS length) with `title` as its text alternative.

    Black on white with the standard quiet zone of four modules, and level M error correction (segno raises it
    when the symbol keeps its size): it scans from a sheet pinned on a board, a little faded or creased."""
    qr = segno.make(address, error="m")
    svg = qr.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True, title=title)
    # segno escapes the title; the viewBox keeps the modules square at any size.
    return mark_safe(svg.replace("<svg ", f'<svg role="img" width="{size}" height="{size}" ', 1))


def cached_pdf(*, key: str, build: Callable[[], bytes | None]) -> bytes | None:
    """The bytes `build()` makes, kept for PUBLIC_PAGE_CACHE_SECONDS (none when that is 0, as in tests).

    The key holds `key` (the caller's: what, which language, its last change), today's date in Pastaza and the
    public pages' generation, which every published change moves on. Nothing is kept when `build` gives None
    (the record went away meanwhile)."""
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    if seconds <= 0:
        return build()
    full_key = f"conecta:printable:{current_generation()}:{timezone.localdate().isoformat()}:{key}"
    content = cache.get(full_key)
    if content is None:
        content = build()
        if content is not None:
            cache.set(full_key, content, seconds)
    return content


def pdf_response(content: bytes, *, filename: str) -> HttpResponse:
    """A PDF to open in the browser (to print it), saved as `filename`; shared caches may keep it a minute, as
    the public pages."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    patch_cache_control(response, public=True, max_age=60)
    return response
