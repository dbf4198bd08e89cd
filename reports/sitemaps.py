"""The sitemap section of the published reports of the current plan (the reports list is among conecta's pages)."""

from __future__ import annotations

from django.urls import reverse

from commitments.selectors import plan_current
from conecta.sitemaps import LocalizedSitemap

from .models import Report


class ReportSitemap(LocalizedSitemap):
    def items(self):
        plan = plan_current()
        if plan is None:
            return []
        return list(Report.objects.published().filter(plan=plan).only("pk", "slug", "published_at").newest_first())

    def location(self, report) -> str:
        return reverse("reports:detail", args=[report.slug])

    def lastmod(self, report):
        return report.published_at
