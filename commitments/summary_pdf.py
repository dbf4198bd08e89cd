"""The one-page summary of a published commitment, to print and pin on a community's notice board: A4, large type,
its progress as a bar that prints in black and white, its milestones (overdue said in words), the latest update,
its indicators' latest values, how to take part without the internet, and a QR code of its page.

It must fit on one sheet: `STEPS` say how much each version shows, and the first that fits is printed
(conecta.printable.one_page_pdf); what is left out is counted ("and 4 more milestones") and is on the page the QR
code opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, OuterRef, Subquery
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from conecta.contact import contact_channels
from conecta.fallbacks import text_in
from conecta.printable import absolute_url, cached_pdf, one_page_pdf, pdf_response, qr_svg

from . import selectors
from .models import Commitment, Indicator, IndicatorValue, IrmLevel, Milestone, ProgressUpdate


@dataclass(frozen=True)
class Fit:
    """How much one version of the summary shows (None: all of it)."""

    title_words: int | None
    milestones: int
    milestone_words: int
    update: bool  # the latest update's date and title
    update_words: int  # and this much of its text (0: none)
    indicators: int


STEPS = (
    Fit(title_words=None, milestones=8, milestone_words=18, update=True, update_words=45, indicators=3),
    Fit(title_words=None, milestones=6, milestone_words=12, update=True, update_words=25, indicators=2),
    Fit(title_words=30, milestones=5, milestone_words=10, update=True, update_words=0, indicators=2),
    Fit(title_words=30, milestones=4, milestone_words=10, update=True, update_words=0, indicators=1),
    Fit(title_words=16, milestones=3, milestone_words=8, update=True, update_words=0, indicators=1),
    Fit(title_words=16, milestones=3, milestone_words=8, update=False, update_words=0, indicators=0),
    # The last resort, bounded whatever the commitment holds: a short title, two milestones, the rest counted.
    Fit(title_words=12, milestones=2, milestone_words=8, update=False, update_words=0, indicators=0),
)

# Titles longer than these (in characters) are set smaller, so that a long one takes three lines, not six.
LONG_TITLE, LONGER_TITLE = 90, 170


def _latest_change(model, link: str) -> Subquery:
    """The latest `updated_at` of the rows of `model` whose `link` is the commitment."""
    rows = model.objects.filter(**{link: OuterRef("pk")}).order_by().values(link)
    return Subquery(rows.annotate(latest=Max("updated_at")).values("latest")[:1])


def last_change(*, code: str) -> str | None:
    """When the published commitment `code` or anything its summary prints (milestones, updates, indicators and
    their values) last changed, as a key; None when there is no such published commitment. One query: all a
    cached summary costs. (Changes to what it prints of other records, an institution's name say, move the
    public pages' generation, which the cache key holds too.)"""
    found = (
        Commitment.objects.published()
        .filter(code=code)
        .annotate(
            milestones_changed=_latest_change(Milestone, "commitment"),
            updates_changed=_latest_change(ProgressUpdate, "commitment"),
            indicators_changed=_latest_change(Indicator, "commitment"),
            values_changed=_latest_change(IndicatorValue, "indicator__commitment"),
        )
        .values_list("updated_at", "milestones_changed", "updates_changed", "indicators_changed", "values_changed")
        .first()
    )
    if found is None:
        return None
    return max(moment for moment in found if moment is not None).isoformat()


def milestones_shown(milestones: list, limit: int) -> list:
    """At most `limit` milestones, in their order: first those overdue, then those still to do, then the
    completed ones, the soonest due first within each: what a reader of the notice board needs most."""

    def urgency(milestone):
        rank = 0 if milestone.is_overdue else 2 if milestone.level == IrmLevel.COMPLETE else 1
        return rank, milestone.due_on, milestone.order

    chosen = {id(milestone) for milestone in sorted(milestones, key=urgency)[:limit]}
    return [milestone for milestone in milestones if id(milestone) in chosen]


def indicator_lines(indicators: list) -> list[dict]:
    """Each indicator with its latest measured total (None before the first), from its published values
    prefetched in date order (selectors.commitment_public_detail)."""
    lines = []
    for indicator in indicators:
        totals = [value for value in indicator.values.all() if not value.group]
        lines.append({"indicator": indicator, "latest": totals[-1] if totals else None})
    return lines


def title_size(commitment: Commitment) -> str:
    length = len(text_in(commitment, "title"))
    return "longer" if length > LONGER_TITLE else "long" if length > LONG_TITLE else ""


def summary_html(commitment: Commitment, *, fit: Fit, today: date) -> str:
    """The summary's HTML in the active language, showing what `fit` allows."""
    milestones = list(commitment.milestones.all())
    shown = milestones_shown(milestones, fit.milestones)
    indicators = indicator_lines(list(commitment.indicators.all()))
    updates = list(commitment.updates.all())  # latest first
    address = absolute_url(commitment.get_absolute_url())
    return render_to_string(
        "commitments/summary_pdf.html",
        {
            "commitment": commitment,
            "fit": fit,
            "today": today,
            "title_size": title_size(commitment),
            "milestones": shown,
            "more_milestones": len(milestones) - len(shown),
            "overdue_count": sum(1 for milestone in milestones if milestone.is_overdue),
            "indicators": indicators[: fit.indicators],
            "more_indicators": max(0, len(indicators) - fit.indicators),
            "update": updates[0] if updates else None,
            "address": address,
            "qr": qr_svg(address, title=gettext("QR code of this commitment's page")),
            "channels": contact_channels(),
            "has_example_data": any(m.is_illustrative for m in milestones),
        },
    )


def summary_pdf(commitment: Commitment, *, today: date) -> bytes:
    """The one-page PDF of `commitment` (read by selectors.commitment_public_detail), in the active language."""
    return one_page_pdf(lambda step: summary_html(commitment, fit=STEPS[step], today=today), steps=len(STEPS))


def summary_pdf_cached(*, code: str, language: str) -> bytes | None:
    """The summary of the published commitment `code` in `language`, from the cache while nothing it shows has
    changed; None when there is no such published commitment."""
    changed = last_change(code=code)
    if changed is None:
        return None

    def build() -> bytes | None:
        commitment = selectors.commitment_public_detail(code=code)
        if commitment is None:
            return None
        return summary_pdf(commitment, today=timezone.localdate())

    with translation.override(language):
        return cached_pdf(key=f"commitment:{code}:{language}:{changed}", build=build)


def summary_response(*, code: str, language: str) -> HttpResponse | None:
    """The summary to open in the browser and print, named after the commitment; None when `code` is no
    published commitment."""
    content = summary_pdf_cached(code=code, language=language)
    if content is None:
        return None
    return pdf_response(content, filename=f"{code}-resumen-{language}.pdf")
