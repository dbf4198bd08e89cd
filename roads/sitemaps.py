"""Sitemap sections of the road works and road requests: every published one, in Spanish and Kichwa."""

from __future__ import annotations

from conecta.sitemaps import LocalizedSitemap

from .models import RoadRequest, RoadWork


class RoadWorkSitemap(LocalizedSitemap):
    def items(self):
        return list(RoadWork.objects.published().only("code", "updated_at").order_by("code"))

    def lastmod(self, work: RoadWork):
        return work.updated_at


class RoadRequestSitemap(LocalizedSitemap):
    def items(self):
        return list(RoadRequest.objects.public().only("tracking_code", "updated_at").order_by("tracking_code"))

    def lastmod(self, road_request: RoadRequest):
        return road_request.updated_at
