"""The printable bulletin of a published quarterly report for one canton, in Spanish or Kichwa (issue 16).

One A4 sheet in landscape, printed on one side in black and white, holding the same A5 bulletin twice: cut along
the dashed line, one print gives two handouts. A community assembly needs many copies and prints them where it
can (a school's printer, a cyber café in Puyo, a photocopier), so two copies per sheet halve the paper and the
cost, and no duplex printing or folding is asked of anyone; each half stands alone, with its QR code and the ways
to take part. (Front and back halves of one leaflet would give one copy per sheet and need folding.)

What a bulletin says comes from the report's frozen snapshot, never from today's records, so a bulletin rendered
later says what the published report says: the plan's progress at the period's end (a bar of ten segments, the
milestones complete and overdue), the overdue milestones (most overdue first), the road works in the canton and
the road requests of its parishes (or that the snapshot did not record them), how to send a suggestion without
the internet (conecta.contact, and the traditional channels staff record), and a QR code of the report's page.

Fitting: large type on half a sheet holds little, so `STEPS` say how much each version shows and the first whose
half fits on one A5 page is printed (found by halving, as conecta.printable.one_page_pdf does); what is left out
is counted ("and 3 more") and is on the page the QR code opens. The sheet is then laid out once, its two halves
placed side by side at the size they were measured at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from commitments.models import Canton
from conecta.contact import contact_channels
from conecta.fallbacks import text_in
from conecta.printable import absolute_url, html_document, qr_svg

from .models import Report
from .pdf import pdf_moment
from .selectors import roads_context
from .snapshot import localized

SEGMENTS = 10
TITLE = re.compile(r"<title>.*?</title>", re.S)


@dataclass(frozen=True)
class Fit:
    """How much one version of the bulletin shows."""

    overdue: int  # overdue milestones listed
    works: int  # road works listed
    title_words: int  # words of each title
    requests: bool  # the road requests of the canton's parishes


STEPS = (
    Fit(overdue=5, works=4, title_words=14, requests=True),
    Fit(overdue=4, works=3, title_words=12, requests=True),
    Fit(overdue=3, works=3, title_words=10, requests=True),
    Fit(overdue=3, works=2, title_words=9, requests=False),
    Fit(overdue=2, works=2, title_words=8, requests=False),
    # The last resort, bounded whatever the snapshot holds: two short lines of each, the rest counted.
    Fit(overdue=2, works=1, title_words=6, requests=False),
)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def overdue_milestones(snapshot: dict, language: str) -> list[dict]:
    """Every milestone overdue at the period's end, the most overdue first (then by commitment and order)."""
    rows = []
    for commitment in snapshot.get("commitments", []):
        for milestone in commitment.get("milestones", []):
            if milestone.get("overdue"):
                rows.append(
                    {
                        "code": commitment["code"],
                        "title": localized(milestone["title"], language),
                        "due_on": _day(milestone.get("due_on")),
                        "days_overdue": milestone.get("days_overdue"),
                        "rank": (-(milestone.get("days_overdue") or 0), commitment.get("order", 0), milestone["order"]),
                    }
                )
    return sorted(rows, key=lambda row: row["rank"])


def canton_roads(snapshot: dict, canton: Canton, language: str) -> dict | None:
    """The snapshot's road works that run through `canton` and the road requests of its parishes (INEC codes start
    with the canton's); None when the snapshot did not record road works.

    The snapshot names a work's cantons, not their codes: a work is the canton's when one of its cantons' Spanish
    name is the canton's (canton names are INEC's and do not change)."""
    roads = roads_context(snapshot.get("roads"), language)
    if roads is None:
        return None
    name = (canton.name_es or canton.name).casefold()
    works = [
        {**work, "bar": segments_svg(work["physical_pct"], width="26mm", height="2.6mm")}
        for work, raw in zip(roads["works"], snapshot["roads"].get("works", []), strict=True)
        if any((c.get("es") or "").casefold() == name for c in raw.get("cantons", []) if isinstance(c, dict))
    ]
    parishes = [p for p in roads["parishes"] if str(p.get("code", "")).startswith(canton.code)]
    requests = {key: sum(p.get(key) or 0 for p in parishes) for key in ("received", "fixed", "open_at_end")}
    return {"works": works, "requests": requests, "has_requests": any(requests.values())}


def segments(value) -> list[float]:
    """How full each of the ten segments of a progress bar is (0 to 1), for `value` per cent."""
    value = max(0, min(100, value or 0))
    return [max(0.0, min(1.0, (value - 10 * index) / 10)) for index in range(SEGMENTS)]


def segments_svg(value, *, width: str, height: str) -> SafeString:
    """`value` per cent as ten outlined segments filled in black from the left: a pictogram that a photocopy keeps
    (no colour, no grey), beside the figure printed in words. Decorative for screen readers: the figure says it."""
    parts = []
    for index, full in enumerate(segments(value)):
        x = index * 10 + 0.5
        parts.append(f'<rect x="{x}" y="0.5" width="9" height="9" fill="#fff" stroke="#000" stroke-width="0.8"/>')
        if full:
            parts.append(f'<rect x="{x}" y="0.5" width="{9 * full:.2f}" height="9" fill="#000"/>')
    return mark_safe(
        f'<svg class="segments" aria-hidden="true" width="{width}" height="{height}" viewBox="0 0 100 10" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


@dataclass
class Bulletin:
    """What every version of one bulletin shares (read once; each step only cuts it shorter)."""

    report: Report
    canton: Canton
    language: str
    context: dict


def bulletin_prepare(report: Report, canton: Canton, language: str) -> Bulletin:
    """The bulletin's content, in `language`, from the report's snapshot. No query but the canton it is given."""
    snapshot = report.snapshot or {}
    with translation.override(language):
        totals = snapshot.get("totals", {})
        address = absolute_url(report.get_absolute_url())
        moment = pdf_moment(report)
        as_of = snapshot.get("as_of")
        canton_name = text_in(canton, "name", language)
        qr = qr_svg(address, title=gettext("QR code of the report's page"), size="28mm")
        context = {
            "report": report,
            "language": language,
            "title": report.title,
            "period_label": report.period_obj.label(),
            "period_starts_on": report.period_starts_on,
            "period_ends_on": report.period_ends_on,
            "as_of": datetime.fromisoformat(as_of).date() if as_of else None,
            "canton_name": canton_name,
            "plan_title": localized(snapshot.get("plan", {}).get("title"), language),
            "totals": totals,
            "progress_svg": segments_svg(totals.get("average_progress"), width="78mm", height="7.8mm"),
            "overdue": overdue_milestones(snapshot, language),
            "roads": canton_roads(snapshot, canton, language),
            "channels": contact_channels(),
            "address": address,
            "qr": qr,
            # The copy to cut off is hidden from assistive technology (an artifact of the tagged PDF, read once):
            # its QR code has no text alternative of its own, which would make it a figure of the structure tree.
            "qr_copy": mark_safe(TITLE.sub("", qr, count=1)),
            "moment_iso": moment.isoformat(),
            "has_example_data": bool(report.has_example_data),
            "doc_title": gettext("%(canton)s · %(title)s · bulletin to print")
            % {"canton": canton_name, "title": report.title},
        }
    return Bulletin(report=report, canton=canton, language=language, context=context)


def bulletin_html(bulletin: Bulletin, *, fit: Fit, sheet: bool) -> str:
    """The bulletin's HTML showing what `fit` allows: one A5 half to measure, or the A4 sheet with two."""
    context = bulletin.context
    roads = context["roads"]
    with translation.override(bulletin.language):
        return render_to_string(
            "reports/bulletin.html",
            {
                **context,
                "fit": fit,
                "sheet": sheet,
                "overdue_shown": context["overdue"][: fit.overdue],
                "overdue_more": max(0, len(context["overdue"]) - fit.overdue),
                "works_shown": roads["works"][: fit.works] if roads else [],
                "works_more": max(0, len(roads["works"]) - fit.works) if roads else 0,
            },
        )


def fitting_step(bulletin: Bulletin) -> int:
    """The index of the first of STEPS whose half fits on one A5 page (by halving once the first does not fit);
    the last step when none does (bounded: it always does with the portal's texts)."""
    if len(html_document(bulletin_html(bulletin, fit=STEPS[0], sheet=False)).pages) == 1:
        return 0
    fitting, low, high = len(STEPS) - 1, 1, len(STEPS) - 1
    while low <= high:
        middle = (low + high) // 2
        if len(html_document(bulletin_html(bulletin, fit=STEPS[middle], sheet=False)).pages) == 1:
            fitting, high = middle, middle - 1
        else:
            low = middle + 1
    return fitting


def bulletin_pdf(report: Report, canton: Canton, language: str) -> bytes:
    """The PDF of the bulletin of `report` for `canton` in `language`: one A4 landscape page, two A5 halves."""
    bulletin = bulletin_prepare(report, canton, language)
    fit = STEPS[fitting_step(bulletin)]
    # Each half was measured on an A5 page of its size: side by side on the sheet they fit as they did there.
    return html_document(bulletin_html(bulletin, fit=fit, sheet=True)).write_pdf()
