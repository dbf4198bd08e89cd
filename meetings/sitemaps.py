"""The sitemap section of the published meetings."""

from __future__ import annotations

from django.urls import reverse

from conecta.sitemaps import LocalizedSitemap

from .selectors import meetings_for_sitemap


class MeetingSitemap(LocalizedSitemap):
    def items(self):
        return list(meetings_for_sitemap())

    def location(self, meeting) -> str:
        return reverse("meetings:detail", args=[meeting.slug])

    def lastmod(self, meeting):
        return meeting.updated_at
