"""Everything that changes the plan's state. Views, admin actions, commands and tasks call these."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models.signals import pre_delete
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from conecta.queue import enqueue_on_commit

from .models import Commitment, Evidence, Milestone, ProgressUpdate
from .roles import planner_emails

logger = logging.getLogger(__name__)


class PublishedRecordProtected(models.ProtectedError):
    """Raised when something tries to delete a published commitment, milestone or update."""


def guard_published_deletion(sender, instance, **kwargs):
    """The last line of defence: the admin never offers the deletion, and nothing else may do it either."""
    if getattr(instance, "is_published", False):
        raise PublishedRecordProtected(
            _("“%(record)s” is published and cannot be deleted; unpublish it first.") % {"record": instance},
            {instance},
        )


for _model in (Commitment, Milestone, ProgressUpdate):
    pre_delete.connect(guard_published_deletion, sender=_model, dispatch_uid=f"guard-published-{_model.__name__}")


def guard_public_evidence_deletion(sender, instance, **kwargs):
    """Evidence is published by default and public only with its milestone or update: what the public sees stays
    (a planner unpublishes it instead); evidence of a draft may go."""
    if instance.is_public:
        raise PublishedRecordProtected(
            _("“%(record)s” is published and cannot be deleted; unpublish it first.") % {"record": instance},
            {instance},
        )


pre_delete.connect(guard_public_evidence_deletion, sender=Evidence, dispatch_uid="guard-published-Evidence")


def update_queue_staff_notification(*, update: ProgressUpdate) -> None:
    """After commit, tell the Planning Directorate that an unpublished update awaits review."""
    from .tasks import notify_update_submitted_task

    if update.is_published or update.staff_notified_at:
        return
    enqueue_on_commit(notify_update_submitted_task, update.pk)


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
    claimed = ProgressUpdate.objects.filter(pk=update_id, staff_notified_at=None, is_published=False).update(
        staff_notified_at=timezone.now()
    )
    if claimed != 1:
        return False
    update = ProgressUpdate.objects.select_related("commitment", "milestone", "author").get(pk=update_id)
    recipients = planner_emails()
    if not recipients:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Progress update awaiting review: %(code)s") % {"code": update.commitment.code}
        body = render_to_string(
            "commitments/email/update_submitted.txt", {"update": update, "site_url": settings.SITE_URL}
        )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return True


@transaction.atomic
def milestone_set_progress(*, milestone: Milestone, progress: int, level: str, completed_on=None) -> Milestone:
    """Set a milestone's progress and IRM level together, validated as one."""
    milestone.progress, milestone.level, milestone.completed_on = progress, level, completed_on
    milestone.full_clean()
    milestone.save(update_fields=["progress", "level", "completed_on", "updated_at"])
    return milestone


def commitment_publish(*, commitment: Commitment, published: bool = True) -> Commitment:
    commitment.is_published = published
    commitment.save(update_fields=["is_published", "updated_at"])
    return commitment


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
