from celery import shared_task

from conecta.audit import acting_as

from . import services


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_update_submitted_task(self, update_id: int) -> bool:
    """Tell planners an update awaits review. Safe to run twice: the service claims the row first."""
    with acting_as(None, "task"):
        return services.update_notify_staff(update_id=update_id)


@shared_task(acks_late=True)
def notify_pending_updates_task() -> int:
    """Periodic sweep (Celery beat): notices that could not be queued when their update was saved."""
    with acting_as(None, "task"):
        return services.updates_notify_pending()


@shared_task(acks_late=True)
def sweep_import_uploads_task() -> int:
    """Daily (Celery beat): spreadsheet uploads previewed in the admin but never confirmed."""
    return services.import_uploads_sweep()
