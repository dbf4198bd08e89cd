"""Celery tasks of the open-data catalogue."""

import logging

from celery import shared_task

from conecta.audit import acting_as

from . import bundle

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def create_bundle_task() -> str:
    """Nightly (Celery beat): today's bundle of the whole catalogue, then the bundles no longer kept deleted.
    Safe to run twice: a day has one bundle, and a second run finds it made. Transient errors (OSError: a full
    disk, a lost mount) are retried with backoff; nothing is half written meanwhile (the bundle is linked to its
    name only once complete). Returns what it did, for the worker's log."""
    with acting_as(None, "task"):
        made, created = bundle.bundle_create()
        pruned = bundle.bundles_prune()
    summary = (
        f"{made.download_name}: {'made' if created else 'already made'}, {made.size} bytes, "
        f"sha256 {made.sha256}; {pruned} old bundle(s) deleted"
    )
    logger.info("Open data bundle %s", summary)
    return summary
