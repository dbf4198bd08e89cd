"""Cached public pages are dropped as soon as anything they show changes (conecta.cache)."""

from __future__ import annotations

from conecta.cache import connect_invalidation

from .models import ActionPlan, Canton, Commitment, Evidence, Institution, Milestone, OgpValue, Parish, ProgressUpdate

# Everything a public page, feed or sitemap reads. Commitment's many-to-many links (OGP values, supporting
# institutions, cantons, parishes) are connected with it.
PUBLIC_MODELS = (ActionPlan, Institution, Canton, Parish, OgpValue, Commitment, Milestone, ProgressUpdate, Evidence)


def connect() -> None:
    connect_invalidation(*PUBLIC_MODELS)
