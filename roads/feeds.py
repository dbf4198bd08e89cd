"""The Atom feeds of road works (/vias/feed/) and of road requests (/vias/solicitudes/feed/, RoadRequestsFeed).

Road works: each published progress observation of a published work ("VIA-2025-001
· physical progress 40 % → 55 % (30 June 2025)"), and each work's start and completion, newest first.

A work has no record of its status changes, only their dates: the actual start (the work is under way) and the
actual end (it is completed) are the changes the feed can date. It is read in the page's language (Spanish where a
Kichwa text is missing), holds only what the public pages show, and costs three queries whatever the number of works.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, linebreaks
from django.utils.translation import get_language, gettext

from conecta.cache import public_page
from conecta.fallbacks import text_in

from .models import RoadProgress, RoadRequest, RoadRequestChange, RoadWork
from .selectors import progress_published

LATEST = 50
# Progress is dated, not timed: an observation "of 30 June" is published at noon of that day in Pastaza.
PASTAZA_TZ = ZoneInfo("America/Guayaquil")
NOON = time(12, 0)
STARTED, COMPLETED, PROGRESS = "started", "completed", "progress"


@dataclass(frozen=True)
class Entry:
    """One entry of the feed: what happened (`what`) to a work on a day; `progress` for an observation."""

    what: str
    day: date
    work: RoadWork
    progress: RoadProgress | None = None

    @property
    def order(self) -> tuple:
        # On one day: a completion, then the progress that reached it, then a start.
        rank = {COMPLETED: 2, PROGRESS: 1, STARTED: 0}[self.what]
        return (self.day, rank, self.progress.pk if self.progress else self.work.pk)


def _tag(specific: str) -> str:
    """A tag URI (RFC 4151), as commitments.feeds makes them: an id that stays when texts, dates or the site's
    address change."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},2024:conecta-pastaza/{specific}"


def _money(amount: Decimal) -> str:
    return formats.number_format(amount, 2, use_l10n=True, force_grouping=True)


def entries(limit: int = LATEST) -> list[Entry]:
    """The `limit` newest entries: the latest observations, starts and completions of published works."""
    works = RoadWork.objects.published().only(
        "code", "name_es", "name_qu", "status", "actual_start", "actual_end", "planned_end", "is_example", "updated_at"
    )
    found = [Entry(PROGRESS, p.observed_on, p.work, p) for p in progress_published()[:limit]]
    found += [
        Entry(STARTED, w.actual_start, w)
        for w in works.filter(actual_start__isnull=False).order_by("-actual_start", "-pk")[:limit]
    ]
    found += [
        Entry(COMPLETED, w.actual_end, w)
        for w in works.filter(actual_end__isnull=False).order_by("-actual_end", "-pk")[:limit]
    ]
    return sorted(found, key=lambda entry: entry.order, reverse=True)[:limit]


class AtomFeed(Feed):
    """What both feeds share: Atom, cached as a public page, written by the portal."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        return public_page(super().__call__)(request, *args, **kwargs)

    def author_name(self):
        return gettext("Conecta Pastaza")


class RoadWorksFeed(AtomFeed):
    def title(self):
        return gettext("Conecta Pastaza: road works")

    def subtitle(self):
        return gettext("Progress, starts and completions of the provincial government's road works.")

    def link(self):
        return reverse("roads:works")

    def feed_guid(self):
        return _tag(f"road-works/{get_language()}")

    def items(self) -> list[Entry]:
        return entries()

    def item_title(self, item: Entry) -> str:
        values = {"day": formats.date_format(item.day, "DATE_FORMAT")}
        if item.what == PROGRESS:
            values.update(before=item.progress.pct_before, after=item.progress.physical_pct)
            if item.progress.pct_before is None:
                change = gettext("Physical progress %(after)s %% (%(day)s)") % values
            else:
                change = gettext("Physical progress %(before)s %% → %(after)s %% (%(day)s)") % values
        elif item.what == STARTED:
            change = gettext("The work started (%(day)s)") % values
        else:
            change = gettext("The work was completed (%(day)s)") % values
        tags = []
        if item.what == COMPLETED and item.work.planned_end and item.day > item.work.planned_end:
            tags.append(gettext("completed late"))
        if item.work.is_example:
            tags.append(gettext("example data"))
        return " ".join([f"{item.work.code} · {change}", *(f"[{tag}]" for tag in tags)])

    def item_description(self, item: Entry) -> str:
        # Atom carries it as HTML: every text is escaped, a note's paragraphs kept.
        text = format_html("<p>{}</p>", text_in(item.work, "name"))
        progress = item.progress
        if progress is not None and progress.paid_amount is not None:
            text += format_html(
                "<p>{}</p>", gettext("Amount paid to date: USD %(amount)s") % {"amount": _money(progress.paid_amount)}
            )
        if progress is not None and progress.note:
            text += linebreaks(text_in(progress, "note"), autoescape=True)
        return text

    def item_link(self, item: Entry) -> str:
        anchor = "#progress" if item.what == PROGRESS else "#dates"
        return reverse("roads:work", kwargs={"code": item.work.code}) + anchor

    def item_guid(self, item: Entry) -> str:
        # One id per language, since each language's feed carries its own text of the entry.
        if item.progress is not None:
            return _tag(f"road-progress/{item.progress.pk}/{get_language()}")
        return _tag(f"road-work/{item.work.pk}/{item.what}/{get_language()}")

    def item_pubdate(self, item: Entry) -> datetime:
        return datetime.combine(item.day, NOON, tzinfo=PASTAZA_TZ)

    def item_updateddate(self, item: Entry) -> datetime:
        return item.progress.created_at if item.progress is not None else item.work.updated_at


class RoadRequestsFeed(AtomFeed):
    """The Atom feed of road requests (/vias/solicitudes/feed/): each change of a published request's status, with
    its public note, newest first (LATEST of them, in two queries). Never the sender's name, contact or text: the
    problem, the place, the status and what the provincial government wrote."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        return public_page(super().__call__)(request, *args, **kwargs)

    def author_name(self):
        return gettext("Conecta Pastaza")

    def title(self):
        return gettext("Conecta Pastaza: road requests")

    def subtitle(self):
        return gettext("What happens to the road problems people reported: each change of status, with its note.")

    def link(self):
        return reverse("roads:requests")

    def feed_guid(self):
        return _tag(f"road-requests/{get_language()}")

    def items(self) -> list[RoadRequestChange]:
        return list(
            RoadRequestChange.objects.filter(request__in=RoadRequest.objects.public())
            .select_related("request__parish")
            .only(
                "status",
                "note_es",
                "note_qu",
                "changed_at",
                "request__tracking_code",
                "request__kind",
                "request__community",
                "request__parish__name_es",
                "request__parish__name_qu",
            )
            .order_by("-changed_at", "-pk")[:LATEST]
        )

    def item_title(self, item: RoadRequestChange) -> str:
        day = formats.date_format(timezone.localtime(item.changed_at), "DATE_FORMAT")
        return f"{item.request.tracking_code} · {item.get_status_display()} ({day})"

    def item_description(self, item: RoadRequestChange) -> str:
        where = ", ".join(part for part in (text_in(item.request.parish, "name"), item.request.community) if part)
        text = format_html("<p>{} · {}</p>", item.request.get_kind_display(), where)
        note = text_in(item, "note")
        if note:
            text += linebreaks(note, autoescape=True)
        return text

    def item_link(self, item: RoadRequestChange) -> str:
        return reverse("roads:request", kwargs={"code": item.request.tracking_code})

    def item_guid(self, item: RoadRequestChange) -> str:
        return _tag(f"road-request-change/{item.pk}")

    item_guid_is_permalink = False

    def item_updateddate(self, item: RoadRequestChange) -> datetime:
        return item.changed_at
