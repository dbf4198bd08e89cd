"""The one-page summary of a published road work, to print and pin on a community's notice board: A4, large type,
its status and physical progress as a bar that prints in black and white, its length and places, who executes it,
its budget and what has been paid, its dates (late said in words), the latest progress note, how to report a
road problem without the internet, and a QR code of its page.

It must fit on one sheet: `STEPS` say how much each version shows, and the first that fits is printed
(conecta.printable.one_page_pdf); what is left out is on the page the QR code opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, OuterRef, Subquery
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from conecta.contact import contact_channels
from conecta.fallbacks import text_in
from conecta.printable import absolute_url, cached_pdf, one_page_pdf, pdf_response, qr_svg

from . import selectors
from .models import RoadProgress, RoadWork


@dataclass(frozen=True)
class Fit:
    """How much one version of the summary shows (None: all of it)."""

    name_words: int | None
    parishes: int
    place_words: int  # of the communities, the start and end references, the contractor and the partner
    latest: bool  # the latest progress report's date and figure
    note_words: int  # and this much of its note (0: none)


STEPS = (
    Fit(name_words=None, parishes=8, place_words=30, latest=True, note_words=50),
    Fit(name_words=None, parishes=5, place_words=15, latest=True, note_words=25),
    Fit(name_words=25, parishes=4, place_words=10, latest=True, note_words=12),
    Fit(name_words=25, parishes=3, place_words=8, latest=True, note_words=0),
    Fit(name_words=14, parishes=2, place_words=5, latest=True, note_words=0),
    # The last resort, bounded whatever the work holds.
    Fit(name_words=10, parishes=1, place_words=4, latest=False, note_words=0),
)

# Names longer than these (in characters) are set smaller, as commitments' titles are.
LONG_NAME, LONGER_NAME = 90, 170


def last_change(*, code: str) -> str | None:
    """When the published work `code` or its published progress last changed, as a key; None when there is no
    such published work. One query. (Its progress refreshes the work with a queryset update, which leaves
    `updated_at` alone: the figures it copies and the latest observation's creation stand for it. An edit
    that changes neither, a note corrected, moves the public pages' generation, which the cache key holds.)"""
    latest = RoadProgress.objects.filter(work=OuterRef("pk")).order_by().values("work")
    found = (
        RoadWork.objects.published()
        .filter(code=code)
        .annotate(progress_changed=Subquery(latest.annotate(latest=Max("created_at")).values("latest")[:1]))
        .values_list("updated_at", "progress_changed", "progress_on", "physical_pct", "paid_amount")
        .first()
    )
    if found is None:
        return None
    updated, progress_changed, progress_on, physical, paid = found
    moment = max(m for m in (updated, progress_changed) if m is not None)
    return f"{moment.isoformat()}:{progress_on}:{physical}:{paid}"


def name_size(work: RoadWork) -> str:
    length = len(text_in(work, "name"))
    return "longer" if length > LONGER_NAME else "long" if length > LONG_NAME else ""


def summary_html(work: RoadWork, *, fit: Fit, today: date) -> str:
    """The summary's HTML in the active language, showing what `fit` allows. `work` comes from
    selectors.work_public_detail, marked by selectors.schedule_mark."""
    parishes = list(work.parishes.all())
    address = absolute_url(work.get_absolute_url())
    return render_to_string(
        "roads/work_summary_pdf.html",
        {
            "work": work,
            "fit": fit,
            "today": today,
            "name_size": name_size(work),
            "cantons": list(work.cantons.all()),
            "parishes": parishes[: fit.parishes],
            "more_parishes": max(0, len(parishes) - fit.parishes),
            "latest": work.progress_list[-1] if work.progress_list else None,
            "address": address,
            "request_address": absolute_url(reverse("roads:request_new")),
            "qr": qr_svg(address, title=gettext("QR code of this road work's page")),
            "channels": contact_channels(),
        },
    )


def summary_pdf(work: RoadWork, *, today: date) -> bytes:
    """The one-page PDF of `work`, in the active language."""
    selectors.schedule_mark([work], today=today)
    return one_page_pdf(lambda step: summary_html(work, fit=STEPS[step], today=today), steps=len(STEPS))


def summary_pdf_cached(*, code: str, language: str) -> bytes | None:
    """The summary of the published work `code` in `language`, from the cache while nothing it shows has changed;
    None when there is no such published work."""
    changed = last_change(code=code)
    if changed is None:
        return None

    def build() -> bytes | None:
        work = selectors.work_public_detail(code=code)
        if work is None:
            return None
        return summary_pdf(work, today=timezone.localdate())

    with translation.override(language):
        return cached_pdf(key=f"road-work:{code}:{language}:{changed}", build=build)


def summary_response(*, code: str, language: str) -> HttpResponse | None:
    """The summary to open in the browser and print, named after the work; None when `code` is no published
    work."""
    content = summary_pdf_cached(code=code, language=language)
    if content is None:
        return None
    return pdf_response(content, filename=f"{code}-resumen-{language}.pdf")
