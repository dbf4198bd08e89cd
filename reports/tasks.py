import logging

from celery import shared_task

from conecta.audit import acting_as

from . import services

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


def _may_retry(task) -> bool:
    # Run in-process (no broker) a retry would not wait for anything: fail at once, for the staff member who
    # is waiting to see it and render again.
    return not task.request.is_eager and task.request.retries < task.max_retries


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=MAX_RETRIES,
)
def render_report_pdfs_task(self, report_id: int) -> str:
    """Render a report's PDFs (Spanish and Kichwa) and, once a quarterly report is published, its bulletins and
    radio pack (services.report_render). Safe to run twice: the service claims the report first, and
    a second delivery of a finished task finds nothing to do.

    Transient errors (OSError: a full disk, a lost NFS mount, a font file being replaced) are retried with
    backoff; the last failure, and any other error at once, is recorded on the report for staff to see.
    """
    with acting_as(None, "task"):
        try:
            return services.report_render(report_id=report_id, task_id=self.request.id or "")
        except OSError as exc:
            if _may_retry(self):
                services.report_render_retrying(report_id=report_id, task_id=self.request.id or "", error=str(exc))
                raise
            logger.exception("Rendering report %s failed for good", report_id)
            services.report_render_failed(report_id=report_id, error=f"{exc.__class__.__name__}: {exc}")
            return "failed"
        except Exception as exc:  # noqa: BLE001 - a template or data error: retrying would fail the same way
            logger.exception("Rendering report %s failed", report_id)
            services.report_render_failed(report_id=report_id, error=f"{exc.__class__.__name__}: {exc}")
            return "failed"


@shared_task(acks_late=True)
def requeue_stuck_renders_task() -> int:
    """Periodic sweep (Celery beat, every 10 minutes): PDFs that could not be queued, or whose worker died; and the
    published quarterly reports whose bulletins are missing or whose radio pack is behind their recordings."""
    with acting_as(None, "task"):
        return services.reports_requeue_stuck() + services.reports_queue_outreach()


@shared_task(acks_late=True)
def create_period_drafts_task() -> list[str]:
    """Daily (Celery beat): the draft of every period that has ended and has no report yet."""
    with acting_as(None, "task"):
        return [report.slug for report in services.period_drafts_create()]
