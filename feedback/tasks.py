"""Celery tasks of citizen participation: each takes an id (or nothing), calls a service, and is safe to run
twice (the services claim their work on the row first)."""

from smtplib import SMTPException

from celery import shared_task

from conecta.audit import acting_as

from . import services

RETRY = {"acks_late": True, "autoretry_for": (OSError, SMTPException), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY)
def send_suggestion_confirmation_task(suggestion_id: int) -> bool:
    """E-mail the tracking code to the person who gave an address."""
    with acting_as(None, "task"):
        return services.suggestion_send_confirmation(suggestion_id=suggestion_id)


@shared_task(**RETRY)
def notify_suggestion_answered_task(suggestion_id: int) -> bool:
    """Tell the person their message was answered (one e-mail, never two)."""
    with acting_as(None, "task"):
        return services.suggestion_notify_answered(suggestion_id=suggestion_id)


@shared_task(**RETRY)
def notify_comment_response_task(comment_id: int) -> bool:
    """Tell the author of an approved comment that it has an official response (one e-mail, never two)."""
    with acting_as(None, "task"):
        return services.comment_notify_response(comment_id=comment_id)


@shared_task(acks_late=True)
def notify_pending_comment_responses_task() -> int:
    """Periodic sweep (Celery beat): response e-mails that could not be queued when the broker was down."""
    with acting_as(None, "task"):
        return services.comments_notify_pending()


@shared_task(acks_late=True)
def notify_pending_suggestions_task() -> int:
    """Periodic sweep (Celery beat): e-mails that could not be queued when the broker was down."""
    with acting_as(None, "task"):
        return services.suggestions_notify_pending()


@shared_task(**RETRY)
def send_daily_digest_task() -> bool:
    """Daily (Celery beat): the planners' digest of new participation, once a day."""
    with acting_as(None, "task"):
        return services.digest_send()


@shared_task(acks_late=True)
def anonymise_expired_task() -> int:
    """Daily (Celery beat): anonymise the personal data kept long enough (see the privacy notice)."""
    with acting_as(None, "task"):
        return services.anonymise_expired().total
