"""The sitemap section of pages known by their URL names (no app is imported: names only)."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class LocalizedSitemap(Sitemap):
    """Every page in Spanish and Kichwa, each listing the other (hreflang) and the language picker (x-default)."""

    i18n = True
    languages = ["es", "qu"]
    alternates = True
    x_default = True


class StaticViewSitemap(LocalizedSitemap):
    url_names = (
        "commitments:home",
        "commitments:list",
        "commitments:territory",
        "roads:works",
        "roads:requests",
        "opendata:catalogue",
        "api_docs",
        "meetings:plan",
        "feedback:participate",
        "feedback:answers",
        "surveys:list",
        "meetings:list",
        "meetings:agreements",
        "reports:list",
        "accessibility",
        "privacy",
    )

    def items(self):
        return list(self.url_names)

    def location(self, item: str) -> str:
        return reverse(item)
