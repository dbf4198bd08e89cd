"""Sitemap section of the open-data catalogue: each dataset's page, in Spanish and Kichwa."""

from __future__ import annotations

from django.urls import reverse

from conecta.sitemaps import LocalizedSitemap

from .datasets import all_datasets


class DatasetSitemap(LocalizedSitemap):
    def items(self):
        return [dataset.key for dataset in all_datasets()]

    def location(self, key: str) -> str:
        return reverse("opendata:dataset", kwargs={"key": key})
