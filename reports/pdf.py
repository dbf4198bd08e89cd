"""Rendering a report to PDF with WeasyPrint: tagged, offline, in bounded memory, and byte-for-byte reproducible.

- Tagged: a report of up to settings.REPORTS_PDF_SINGLE_MAX commitments (real plans have tens) is laid out as one
  document and written as a tagged PDF/UA-1 (conecta.printable): its structure tree in reading order, /Lang from
  <html lang> and on each Spanish stand-in of a Kichwa PDF, headings, table headers with their scope, an /Alt for
  every chart, the title shown by viewers. What runs on every page (title, "page 3 of 12", the DRAFT mark) is in
  the margins or aria-hidden: outside the structure tree.
- Bounded memory: WeasyPrint keeps every box of a document until it writes it, about 1.5 MB per commitment (2 MB
  tagged). A larger report is laid out in parts of settings.REPORTS_PDF_CHUNK commitments (the first part with the
  cover and the summary), each written and freed before the next; pypdf joins them, and a last light document of
  as many pages, laid over them, adds what runs on every page. Joining drops the structure tree: such a PDF is not
  tagged (the accessibility statement says so), though it keeps its title and language.
- Offline: the only URLs WeasyPrint may open are files under static/ (the PDF stylesheet); anything else,
  http(s) included, is refused, so a render never waits on the network or leaks a request (conecta.printable,
  which every PDF of the portal shares).
- Reproducible: the PDF's dates are the report's publication time (the snapshot's for a draft), never "now", and
  neither WeasyPrint nor pypdf writes a random identifier: the same report renders to the same bytes, so its
  SHA-256 can be checked by anyone who renders it again.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from conecta.printable import html_document, html_to_pdf, local_fetcher

from .models import Report
from .selectors import report_context

# The fetcher every PDF of the portal uses (conecta.printable), by the name the reports' tests know it.
_local_fetcher = local_fetcher

# WeasyPrint styles an inline SVG only from a <style> inside it, not from the page's stylesheets: the charts
# (conecta/templatetags/charts.py) get these rules injected for the PDF.
SVG_STYLE = (
    "<style>.bar-label{font-family:'DejaVu Sans',sans-serif;font-size:9pt;fill:#1b1f23}"
    ".bar-bg{fill:#fff;stroke:#1b1f23;stroke-width:1}.bar-fg{fill:#0b5d3b}</style>"
)
_SVG_OPEN = re.compile(r"(<svg\b[^>]*>)")


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_counter_content() -> str:
    """The translated "Page 3 of 12" as a CSS `content` value with the page counters in place."""
    marker = "\x00"
    text = gettext("Page %(page)s of %(pages)s") % {"page": f"{marker}page{marker}", "pages": f"{marker}pages{marker}"}
    out = []
    for index, part in enumerate(text.split(marker)):
        if index % 2:
            out.append(f"counter({part})")
        elif part:
            out.append(_css_string(part))
    return " ".join(out)


def pdf_moment(report: Report):
    """The date and time the PDF says it was made: the publication, or the snapshot for a draft's preview."""
    moment = report.published_at or report.snapshot_taken_at or report.created_at or timezone.now()
    return timezone.localtime(moment).replace(microsecond=0)


def _chunks(items: list, size: int) -> list[list]:
    size = max(1, size)
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def is_single(report: Report) -> bool:
    """Whether `report` is laid out as one document, and so written as a tagged PDF (not joined from parts)."""
    return len(report.snapshot.get("commitments", [])) <= settings.REPORTS_PDF_SINGLE_MAX


def report_parts_html(report: Report, language: str) -> tuple[list[str], dict]:
    """The HTML of each part of the PDF, in `language`, and the context they share: one part, with what runs on
    every page, when the report is laid out as one document (`is_single`)."""
    with translation.override(language):
        context = report_context(report, language)
        moment = pdf_moment(report)
        context.update(
            pdf_moment=moment,
            pdf_moment_iso=moment.isoformat(),
            draft_word=gettext("DRAFT"),
            site_url=settings.SITE_URL.rstrip("/"),
        )
        # One document carries what runs on every page itself (in its margins); parts have it laid over them.
        context["furniture"] = is_single(report)
        if context["furniture"]:
            parts = [context["commitments"]]
            context.update(_furniture_context(report, context))
        else:
            parts = _chunks(context["commitments"], settings.REPORTS_PDF_CHUNK)
        # The summary's table links to the commitments laid out with it; the other parts are other documents.
        context["linked_codes"] = {c["code"] for c in parts[0]}
        html = [
            render_to_string("reports/pdf.html", {**context, "commitments": part, "front": index == 0})
            for index, part in enumerate(parts)
        ]
    return [_SVG_OPEN.sub(lambda m: m.group(1) + SVG_STYLE, text) for text in html], context


def report_html(report: Report, language: str) -> str:
    """All the PDF's HTML in one string (for tests and for looking at it)."""
    return "\n".join(report_parts_html(report, language)[0])


def _furniture_context(report: Report, context: dict) -> dict:
    """What reports/includes/_pdf_furniture_css.html needs, in the active language."""
    return {
        "page_counter": _page_counter_content(),
        "running_title": _css_string(f"Conecta Pastaza · {context['title']} · v{report.version}"),
        # A draft of a period that has not ended says so at the foot of every page.
        "provisional_line": _css_string(gettext("Provisional: the period has not ended; figures may change.")),
    }


def _furniture_html(report: Report, language: str, context: dict, pages: int) -> str:
    with translation.override(language):
        return render_to_string(
            "reports/pdf_furniture.html",
            {**context, "pages": range(pages), **_furniture_context(report, context)},
        )


def render_pdf(report: Report, language: str, target: Path) -> int:
    """Write the PDF of `report` in `language` to `target`; return its page count.

    Up to REPORTS_PDF_SINGLE_MAX commitments: one document, one tagged PDF. Above: the parts (cover and summary
    first, then the commitments, a few dozen at a time) laid out and written one by one, joined, the page
    furniture laid over every page, the first part's metadata and outline kept.
    """
    parts, context = report_parts_html(report, language)
    if context["furniture"]:
        document = html_document(parts[0])
        document.write_pdf(target)
        return len(document.pages)
    return _render_joined(report, language, target, parts, context)


def _render_joined(report: Report, language: str, target: Path, parts: list[str], context: dict) -> int:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import BooleanObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    metadata = {}
    for index, html in enumerate(parts):
        reader = PdfReader(io.BytesIO(html_to_pdf(html, tagged=False)))  # joining would drop the tags
        if index == 0:
            metadata = {key: value for key, value in (reader.metadata or {}).items()}
        writer.append(reader)
        del reader
    total = len(writer.pages)
    furniture = PdfReader(io.BytesIO(html_to_pdf(_furniture_html(report, language, context, total), tagged=False)))
    for page, overlay in zip(writer.pages, furniture.pages, strict=True):
        page.merge_page(overlay, over=False)  # beneath: the DRAFT mark never hides the text
        page.compress_content_streams()
    writer.compress_identical_objects()
    writer.add_metadata({**metadata, "/Producer": f"{metadata.get('/Producer', 'WeasyPrint')} + pypdf"})
    writer.root_object[NameObject("/Lang")] = TextStringObject(language)
    writer.root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)}
    )
    with open(target, "wb") as handle:
        writer.write(handle)
    return total
