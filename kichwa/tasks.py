"""The conversion of recordings (Celery), and the sweep that queues again what was never converted."""

import logging

from celery import shared_task

from conecta.audit import acting_as

from . import services

logger = logging.getLogger(__name__)


def _may_retry(task) -> bool:
    # Run in-process (no broker) a retry would not wait for anything: fail at once, for the staff member waiting.
    return not task.request.is_eager and task.request.retries < task.max_retries


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=3,
)
def convert_recording_task(self, recording_id: int) -> str:
    """Convert a recording to Opus and MP3. Safe to run twice: the service claims the recording first, and a ready
    one is never converted again. A failure of ffmpeg is recorded at once (retrying would fail the same way); an
    error of the disk (OSError) is retried with backoff, and its last failure recorded."""
    with acting_as(None, "task"):
        try:
            return services.recording_convert(recording_id=recording_id)
        except OSError as exc:
            if _may_retry(self):
                raise
            logger.exception("Converting recording %s failed for good", recording_id)
            services.recording_convert_failed(
                recording_id=recording_id,
                reason=services.storage_failure_reason(),
                detail=f"{exc.__class__.__name__}: {exc}",
            )
            return "failed"


@shared_task(acks_late=True)
def requeue_stuck_recordings_task() -> int:
    """Periodic sweep (Celery beat, every 10 minutes): recordings never converted, or whose worker died."""
    with acting_as(None, "task"):
        return services.recordings_requeue_stuck()
