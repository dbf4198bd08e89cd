"""The sitemap section of the published surveys."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from conecta.sitemaps import LocalizedSitemap

from .models import Survey


class SurveySitemap(LocalizedSitemap):
    """Published surveys that are open or closed (a closed one's address leads to its results)."""

    def items(self):
        return list(
            Survey.objects.published()
            .filter(opens_at__lte=timezone.now())
            .only("pk", "slug", "updated_at")
            .order_by("-opens_at", "pk")
        )

    def location(self, survey) -> str:
        return reverse("surveys:detail", args=[survey.slug])

    def lastmod(self, survey):
        return survey.updated_at
