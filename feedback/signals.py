"""Cached public pages go when staff change what citizens sent (an approval, a response, a public answer), but not
when a citizen sends something: nothing new is public before moderation, and a form anyone may send must not be
a way to empty everyone's cache. A new evaluation's score reaches the cached commitment page within
PUBLIC_PAGE_CACHE_SECONDS."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from conecta.cache import bump_generation


def _staff_change(sender, instance=None, created=False, **kwargs) -> None:
    if created and getattr(instance, "submission_token", None):
        return
    transaction.on_commit(bump_generation)


def connect_contribution(model) -> None:
    """Drop the cached pages when staff change a contribution of `model` (feedback.contributions registers it)."""
    label = model._meta.label_lower
    post_save.connect(_staff_change, sender=model, dispatch_uid=f"feedback-cache-save-{label}")
    post_delete.connect(_staff_change, sender=model, dispatch_uid=f"feedback-cache-delete-{label}")


def connect() -> None:
    """Called from FeedbackConfig.ready(): a suggestion's links to the commitments it changed are shown too."""
    from .models import Suggestion

    m2m_changed.connect(
        _staff_change, sender=Suggestion.changed_commitments.through, dispatch_uid="feedback-cache-changed-commitments"
    )
