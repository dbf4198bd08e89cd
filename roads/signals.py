"""Cached public pages go when a road work, its progress or documents, or a road request change; published works,
progress and documents are never deleted."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from commitments.staff import guard_published_deletion
from conecta.cache import bump_generation


def _changed(sender, instance=None, created=False, **kwargs) -> None:
    # A citizen's new request is not public before moderation: it must not empty everyone's cache.
    if created and getattr(instance, "submission_token", None):
        return
    transaction.on_commit(bump_generation)


def connect() -> None:
    from .models import RoadDocument, RoadProgress, RoadRequest, RoadRequestChange, RoadWork

    for model in (RoadWork, RoadProgress, RoadDocument, RoadRequest, RoadRequestChange):
        label = model._meta.label_lower
        post_save.connect(_changed, sender=model, dispatch_uid=f"roads-cache-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"roads-cache-delete-{label}")
    # What the public sees is never deleted, whatever the path (the admin does not offer it): it is unpublished.
    for model in (RoadWork, RoadProgress, RoadDocument):
        pre_delete.connect(guard_published_deletion, sender=model, dispatch_uid=f"guard-published-{model.__name__}")
    for through in (RoadWork.cantons.through, RoadWork.parishes.through):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"roads-cache-m2m-{through._meta.label_lower}")
