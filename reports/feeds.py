"""The Atom feed of published reports (corrections included), in the page's language, with both PDFs as
enclosures."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.html import linebreaks
from django.utils.translation import get_language, gettext

from commitments.selectors import plan_current
from conecta.cache import public_page

from . import selectors
from .models import Report


class PublishedReportsFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        return public_page(super().__call__)(request, *args, **kwargs)

    def get_object(self, request):
        # The request travels with the plan (not on self: one feed instance serves every request at once), for
        # the enclosures' absolute addresses.
        return {"plan": plan_current(), "request": request}

    def title(self, obj) -> str:
        return gettext("Conecta Pastaza: progress reports")

    def subtitle(self, obj) -> str:
        return gettext("Quarterly and annual progress reports of Pastaza's open government action plan.")

    def link(self, obj) -> str:
        return reverse("reports:list")

    def author_name(self):
        return gettext("Conecta Pastaza")

    def items(self, obj) -> list[Report]:
        reports = selectors.reports_public(plan=obj["plan"])[:50]
        for report in reports:
            report.absolute_uri = obj["request"].build_absolute_uri
        return reports

    def item_title(self, item: Report) -> str:
        title = gettext("%(title)s, version %(version)s") % {"title": item.title, "version": item.version}
        if item.is_superseded:
            title = f"{title} [{gettext('superseded')}]"
        return title

    def item_description(self, item: Report) -> str:
        return linebreaks(item.summary, autoescape=True)

    def item_link(self, item: Report) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Report) -> str:
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"tag:{host},2024:conecta-pastaza/report/{item.plan_id}/{item.slug}/{get_language()}"

    def item_pubdate(self, item: Report):
        return item.published_at

    def item_updateddate(self, item: Report):
        return item.superseded_at or item.published_at

    def item_enclosures(self, item: Report) -> list[Enclosure]:
        return [
            Enclosure(
                url=item.absolute_uri(
                    reverse("reports:download", kwargs={"slug": item.slug, "filename": f.download_name})
                ),
                length=str(f.size),
                mime_type="application/pdf",
            )
            for f in item.files.all()
        ]
