"""Everything that changes the plan's state. Views, admin actions, commands and tasks call these."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from conecta.claims import claim, release
from conecta.mail import send_templated

from .models import Commitment, Milestone, ProgressUpdate
from .roles import planner_emails

logger = logging.getLogger(__name__)


def commitment_save(*, commitment: Commitment, new: bool = False) -> Commitment:
    """Save a commitment its admin form or a spreadsheet row has checked (`Commitment.clean`, and what the user
    may edit: commitments.roles.visible_commitments through the admin, which the import asks too). A `new` one is
    inserted, never written over a row that exists. The change history and the public pages' cache follow from
    the signals (commitments.signals)."""
    commitment.save(force_insert=new)
    return commitment


def milestone_save(*, milestone: Milestone, new: bool = False) -> Milestone:
    """Save a milestone its admin form or a spreadsheet row has checked: `Milestone.clean`, its order
    (`Milestone.order_taken_error`) and what the user may edit (commitments.roles.visible_commitments, through the
    admin, which the import asks too). A `new` one is inserted, never written over a row that exists. The change
    history and the public pages' cache follow from the signals (commitments.signals)."""
    milestone.save(force_insert=new)
    return milestone


def update_save(*, update: ProgressUpdate, by) -> ProgressUpdate:
    """Save a progress update from the admin form; a new one is `by`'s, and one that awaits review is announced
    to the Planning Directorate after the commit (update_queue_staff_notification)."""
    created = update.pk is None
    if created:
        update.author = by
    update.save()
    if created:
        update_queue_staff_notification(update=update)
    return update


def update_queue_staff_notification(*, update: ProgressUpdate) -> None:
    """After commit, tell the Planning Directorate that an unpublished update awaits review."""
    from .tasks import notify_update_submitted_task

    if update.is_published or update.staff_notified_at:
        return
    notify_update_submitted_task.enqueue_on_commit(update.pk)


def updates_notify_pending(*, older_than_minutes: int = 5) -> int:
    """Send the review notice for unpublished updates whose notice was never sent (the broker was down when
    they were saved). Returns how many notices this sweep sent."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    pending = ProgressUpdate.objects.filter(
        is_published=False, staff_notified_at=None, created_at__lte=cutoff
    ).values_list("pk", flat=True)
    return sum(update_notify_staff(update_id=pk) for pk in list(pending[:200]))


def update_notify_staff(*, update_id: int) -> bool:
    """E-mail planners about an update awaiting review, once: the claim on `staff_notified_at` makes a second
    run (a re-delivered task) send nothing. Returns whether this call sent the message."""
    claimed_at = claim(ProgressUpdate, pk=update_id, field="staff_notified_at", is_published=False)
    if claimed_at is None:
        return False
    update = ProgressUpdate.objects.select_related("commitment", "milestone", "author").get(pk=update_id)
    recipients = planner_emails()
    if not recipients:
        return False
    try:
        send_templated(
            to=recipients,
            template="commitments/email/update_submitted",
            context={"update": update, "site_url": settings.SITE_URL},
        )
    except Exception:
        # The task's retry (or the sweep) must find the notice still to send.
        release(ProgressUpdate, pk=update_id, field="staff_notified_at", claimed_at=claimed_at)
        raise
    return True


def import_uploads_sweep(*, max_age: timedelta | None = None) -> int:
    """Remove the spreadsheet uploads previewed but never confirmed, older than `max_age` (by default
    IMPORT_TMP_MAX_AGE_HOURS); returns how many. Idempotent: the daily beat task runs it."""
    from conecta.spreadsheet import import_tmp_sweep

    if max_age is None:
        max_age = timedelta(hours=settings.IMPORT_TMP_MAX_AGE_HOURS)
    removed = import_tmp_sweep(max_age_seconds=max_age.total_seconds())
    if removed:
        logger.info("Removed %s import upload(s) nobody confirmed", removed)
    return removed
