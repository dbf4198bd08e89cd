"""Sitemap sections of participation: the published meetings and the published surveys."""

from __future__ import annotations

from django.urls import reverse

from conecta.sitemaps import LocalizedSitemap

from .meeting_selectors import meetings_for_sitemap


class MeetingSitemap(LocalizedSitemap):
    def items(self):
        return list(meetings_for_sitemap())

    def location(self, meeting) -> str:
        return reverse("feedback:meeting", args=[meeting.slug])

    def lastmod(self, meeting):
        return meeting.updated_at
