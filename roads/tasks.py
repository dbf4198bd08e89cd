"""Celery tasks of road requests: each takes an id (or nothing), calls a service, and is safe to run twice (the
service claims the e-mail on the row first)."""

from celery import shared_task

from conecta.audit import acting_as
from feedback.tasks import RETRY

from . import request_services


@shared_task(**RETRY)
def send_request_confirmation_task(request_id: int) -> bool:
    """E-mail the tracking code to the person who gave an address."""
    with acting_as(None, "task"):
        return request_services.request_send_confirmation(request_id=request_id)


@shared_task(acks_late=True)
def send_pending_request_confirmations_task() -> int:
    """Periodic sweep (Celery beat): confirmations that could not be queued when the broker was down."""
    with acting_as(None, "task"):
        return request_services.requests_confirm_pending()
