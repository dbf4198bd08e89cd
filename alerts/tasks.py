"""Celery tasks of the alerts. Each claims its row before it acts (conecta.claims), so that a task delivered twice,
or the sweep's copy of it, does its work once; the sweep (every ALERTS_SWEEP_MINUTES) also sends what a broker
outage held back."""

from __future__ import annotations

from celery import shared_task


@shared_task
def send_confirmation_task(subscription_id: int) -> None:
    """The double opt-in e-mail of one subscription, once."""
    from .services import send_confirmation

    send_confirmation(subscription_id=subscription_id)


@shared_task
def send_digests_task(digest_ids: list[int]) -> None:
    """A batch of alert e-mails over one SMTP connection; each claimed before it is sent."""
    from .digests import send_digests

    send_digests(digest_ids=digest_ids)


@shared_task
def alerts_sweep_task() -> None:
    """Notice the newly published changes, build the runs that are due, queue the e-mails not sent yet (and the
    confirmations the broker missed)."""
    from .digests import sweep

    sweep()


@shared_task
def alerts_anonymise_task() -> None:
    """Wipe the addresses that have had nothing active for ALERTS_RETENTION_MONTHS, and end the subscriptions never
    confirmed in time."""
    from .services import anonymise_expired

    anonymise_expired()
