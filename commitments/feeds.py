"""Atom feeds of published progress updates and of the milestones' dated progress (each new observation of a
milestone's progress is an entry: "Milestone 2: progress 40 % → 75 % (3 Nov 2026)"): the whole current plan's,
and one commitment's, by date.

Both are read in the page's language (Spanish where a Kichwa text is missing), hold only what the public pages
show (published updates of published commitments, about no milestone or a published one), and cost the same
few queries whatever the plan's size.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, linebreaks
from django.utils.translation import get_language, gettext, ngettext

from conecta.cache import public_page

from . import selectors
from .models import Commitment, Milestone, MilestoneProgress, ProgressUpdate

LATEST_UPDATES = 50
CODE = re.compile(r"[A-Z]{2,6}\d{4}")
# Updates are dated, not timed: an update "of 3 May" is published at noon of that day in Pastaza.
PASTAZA_TZ = ZoneInfo("America/Guayaquil")
NOON = time(12, 0)


def _translated(*names: str) -> list[str]:
    return [f"{name}_{code}" for name in names for code, _n in settings.LANGUAGES]


# What an entry reads: the update's own texts and dates, and its commitment's code.
_ITEM_FIELDS = (
    "pk",
    "occurred_on",
    "updated_at",
    "is_illustrative",
    "commitment__code",
    *_translated("title", "text"),
    "milestone__due_on",
    *_translated("milestone__title"),
)


def _milestone_schedule() -> dict:
    """Annotations of an entry about a milestone (`milestone_id`): whether that milestone is overdue today or was
    completed late (MilestoneQuerySet.with_schedule, in the same query), for _schedule_note and the titles."""
    schedule = Milestone.objects.filter(pk=OuterRef("milestone_id")).with_schedule()
    return {
        "milestone_overdue": Subquery(schedule.values("overdue")[:1]),
        "milestone_completed_late": Subquery(schedule.values("completed_late")[:1]),
    }


def updates_public() -> QuerySet[ProgressUpdate]:
    """Published updates, each with whether the milestone it concerns is overdue or was completed late."""
    return (
        ProgressUpdate.objects.published()
        .select_related("commitment", "milestone")
        .only(*_ITEM_FIELDS)
        .annotate(**_milestone_schedule())
        .order_by("-occurred_on", "-pk")
    )


def _tag(specific: str) -> str:
    """A tag URI (RFC 4151): an id that stays when the texts, the dates or the address the site is reached at
    change (SITE_URL names the site)."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},2024:conecta-pastaza/{specific}"


class _UpdatesFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        return public_page(super().__call__)(request, *args, **kwargs)

    def author_name(self):
        return gettext("Conecta Pastaza")

    def item_title(self, item: ProgressUpdate) -> str:
        if isinstance(item, MilestoneProgress):
            return _observation_title(item)
        return _tagged(
            f"{item.commitment.code} · {item.title}",
            overdue=getattr(item, "milestone_overdue", False),
            late=getattr(item, "milestone_completed_late", False),
            example=item.is_illustrative,
        )

    def item_description(self, item: ProgressUpdate) -> str:
        if isinstance(item, MilestoneProgress):
            return _observation_description(item)
        # Atom carries it as HTML: the staff's text is escaped, its paragraphs kept.
        return _schedule_note(item) + linebreaks(item.text, autoescape=True)

    def item_link(self, item: ProgressUpdate) -> str:
        if isinstance(item, MilestoneProgress):  # the milestone's history on the commitment's page
            code = item.milestone.commitment.code
            return reverse("commitments:detail", kwargs={"code": code}) + f"#milestone-{item.milestone_id}-history"
        return reverse("commitments:detail", kwargs={"code": item.commitment.code}) + f"#update-{item.pk}"

    def item_guid(self, item: ProgressUpdate) -> str:
        # One id per language, since each language's feed carries its own text of the entry.
        if isinstance(item, MilestoneProgress):
            return _tag(f"progress/{item.pk}/{get_language()}")
        return _tag(f"update/{item.pk}/{get_language()}")

    def item_pubdate(self, item: ProgressUpdate) -> datetime:
        return datetime.combine(_entry_day(item), NOON, tzinfo=PASTAZA_TZ)

    def item_updateddate(self, item: ProgressUpdate) -> datetime:
        return item.recorded_at if isinstance(item, MilestoneProgress) else item.updated_at


def _schedule_note(item) -> str:
    """A paragraph saying that the milestone the entry concerns is overdue (and by how many days) or was completed
    late; empty otherwise. Read from the annotations of updates_public()."""
    if getattr(item, "milestone_overdue", False):
        days = (timezone.localdate() - item.milestone.due_on).days
        text = ngettext(
            "The milestone “%(title)s” is overdue: %(days)s day past its due date.",
            "The milestone “%(title)s” is overdue: %(days)s days past its due date.",
            days,
        ) % {"title": item.milestone.title, "days": days}
    elif getattr(item, "milestone_completed_late", False):
        text = gettext("The milestone “%(title)s” was completed late, after its due date.") % {
            "title": item.milestone.title
        }
    else:
        return ""
    return format_html("<p><strong>{}</strong></p>", text)


# What an observation's entry reads: its date, progress and level, the progress before it, its milestone's order
# and title, and its commitment's code.
_OBSERVATION_FIELDS = (
    "pk",
    "observed_on",
    "progress",
    "level",
    "recorded_at",
    "is_illustrative",
    "update_id",
    "milestone__order",
    *_translated("milestone__title"),
    "milestone__commitment__code",
    "milestone__due_on",
)


def observations_public() -> QuerySet[MilestoneProgress]:
    """Published observations of the published milestones of published commitments, latest first, each with
    `progress_before`: its milestone's published progress before it (NULL for its first), read in the same query.

    A correlated subquery on the (milestone, date) index rather than a window over every observation of the plan:
    the feed keeps the 50 latest, and a window would number them all (7 times slower with 20 per milestone)."""
    earlier = (
        MilestoneProgress.objects.published()
        .filter(milestone=OuterRef("milestone"))
        .filter(
            Q(observed_on__lt=OuterRef("observed_on")) | Q(observed_on=OuterRef("observed_on"), pk__lt=OuterRef("pk"))
        )
        .order_by("-observed_on", "-pk")
    )
    return (
        MilestoneProgress.objects.published()
        .filter(milestone__is_published=True, milestone__commitment__is_published=True)
        .select_related("milestone__commitment")
        .only(*_OBSERVATION_FIELDS)
        .annotate(progress_before=Subquery(earlier.values("progress")[:1]), **_milestone_schedule())
        .order_by("-observed_on", "-pk")
    )


def _entry_day(item):
    return item.observed_on if isinstance(item, MilestoneProgress) else item.occurred_on


def by_date(updates, observations, limit: int | None = None) -> list:
    """Updates and observations in one list, latest first (on one day, an update before the progress it reports),
    at most `limit`."""
    entries = sorted(
        [*updates, *observations],
        key=lambda item: (_entry_day(item), isinstance(item, ProgressUpdate), item.pk),
        reverse=True,
    )
    return entries[:limit] if limit is not None else entries


def _observation_title(item: MilestoneProgress) -> str:
    values = {
        "order": item.milestone.order,
        "before": item.progress_before,
        "after": item.progress,
        "day": formats.date_format(item.observed_on, "DATE_FORMAT"),
    }
    if item.progress_before is None:
        change = gettext("Milestone %(order)s: progress %(after)s %% (%(day)s)") % values
    else:
        change = gettext("Milestone %(order)s: progress %(before)s %% → %(after)s %% (%(day)s)") % values
    title = _tagged(
        f"{item.milestone.commitment.code} · {change}",
        overdue=item.milestone_overdue,
        late=item.milestone_completed_late,
        example=item.is_illustrative,
    )
    return title


def _observation_description(item: MilestoneProgress) -> str:
    reported = format_html("<p>{}</p>", gettext("Reported by a progress update.")) if item.update_id else ""
    return _schedule_note(item) + format_html(
        "<p>{}</p><p>{}: {}</p>{}",
        item.milestone.title,
        gettext("IRM level"),
        item.get_level_display(),
        reported,
    )


class LatestUpdatesFeed(_UpdatesFeed):
    """The latest published updates of the current plan, across its published commitments."""

    def get_object(self, request):
        return selectors.plan_current()

    def title(self, plan) -> str:
        return gettext("Conecta Pastaza: latest updates")

    def subtitle(self, plan) -> str:
        return gettext("Progress updates of the commitments of Pastaza's open government action plan.")

    def link(self, plan) -> str:
        return reverse("commitments:home")

    def feed_guid(self, plan) -> str:
        return _tag(f"updates/{get_language()}")

    def items(self, plan) -> list[ProgressUpdate]:
        if plan is None:
            return []
        return by_date(
            updates_public().filter(commitment__plan=plan)[:LATEST_UPDATES],
            observations_public().filter(milestone__commitment__plan=plan)[:LATEST_UPDATES],
            LATEST_UPDATES,
        )


class CommitmentUpdatesFeed(_UpdatesFeed):
    """The published updates of one published commitment; any other code is a 404."""

    def get_object(self, request, code: str):
        code = code.upper()
        # Only what can be an OGP code reaches the database (a NUL byte, say, is an error on PostgreSQL).
        commitment = Commitment.objects.published().filter(code=code).first() if CODE.fullmatch(code) else None
        if commitment is None:
            raise Http404("unknown commitment")
        return commitment

    def title(self, commitment: Commitment) -> str:
        return gettext("Updates of %(code)s · %(title)s") % {"code": commitment.code, "title": commitment.title}

    def subtitle(self, commitment: Commitment) -> str:
        return gettext("Progress updates of commitment %(code)s.") % {"code": commitment.code}

    def link(self, commitment: Commitment) -> str:
        return commitment.get_absolute_url()

    def feed_guid(self, commitment: Commitment) -> str:
        return _tag(f"commitment/{commitment.code}/{get_language()}")

    def items(self, commitment: Commitment) -> list[ProgressUpdate]:
        return by_date(
            updates_public().filter(commitment=commitment),
            observations_public().filter(milestone__commitment=commitment),
        )


def _tagged(title: str, *, overdue: bool, late: bool, example: bool = False) -> str:
    """A feed entry's title with what a reader must know at a glance, in brackets (the gettext calls stay outside
    f-strings, where makemessages finds them)."""
    tags = []
    if overdue:
        tags.append(gettext("milestone overdue"))
    elif late:
        tags.append(gettext("milestone completed late"))
    if example:
        tags.append(gettext("example data"))
    return " ".join([title, *(f"[{tag}]" for tag in tags)])
