"""Atom feeds of published progress updates: the whole current plan's, and one commitment's.

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
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import get_language, gettext

from conecta.cache import public_page

from . import selectors
from .models import Commitment, ProgressUpdate

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
)


def updates_public() -> QuerySet[ProgressUpdate]:
    return (
        ProgressUpdate.objects.published()
        .select_related("commitment")
        .only(*_ITEM_FIELDS)
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
        title = f"{item.commitment.code} · {item.title}"
        if item.is_illustrative:
            title = f"{title} [{gettext('example data')}]"
        return title

    def item_description(self, item: ProgressUpdate) -> str:
        # Atom carries it as HTML: the staff's text is escaped, its paragraphs kept.
        return linebreaks(item.text, autoescape=True)

    def item_link(self, item: ProgressUpdate) -> str:
        return reverse("commitments:detail", kwargs={"code": item.commitment.code}) + f"#update-{item.pk}"

    def item_guid(self, item: ProgressUpdate) -> str:
        # One id per language, since each language's feed carries its own text of the entry.
        return _tag(f"update/{item.pk}/{get_language()}")

    def item_pubdate(self, item: ProgressUpdate) -> datetime:
        return datetime.combine(item.occurred_on, NOON, tzinfo=PASTAZA_TZ)

    def item_updateddate(self, item: ProgressUpdate) -> datetime:
        return item.updated_at


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
        return list(updates_public().filter(commitment__plan=plan)[:LATEST_UPDATES])


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
        return list(updates_public().filter(commitment=commitment))
