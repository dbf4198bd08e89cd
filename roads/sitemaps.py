"""Sitemap section of the road works: every published work, in Spanish and Kichwa."""

from __future__ import annotations

from conecta.sitemaps import LocalizedSitemap

from .models import RoadWork


class RoadWorkSitemap(LocalizedSitemap):
    def items(self):
        return list(RoadWork.objects.published().only("code", "updated_at").order_by("code"))

    def lastmod(self, work: RoadWork):
        return work.updated_at
