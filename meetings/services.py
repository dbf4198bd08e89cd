"""What protects the meetings' public record: a published meeting, and the agreements it reached, cannot be deleted
(the admin does not offer it, and these pre_delete guards stop anything else). Unpublish the meeting first.

The guards are connected by MeetingsConfig.ready() (`connect`), so they are on in every process that starts Django.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, pre_delete
from django.utils.translation import gettext as _

from commitments.staff import PublishedRecordProtected, guard_published_deletion

from .models import Agreement, Meeting


def agreement_guard_deletion(sender, instance: Agreement, **kwargs) -> None:
    """An agreement of a published meeting is part of its public record."""
    if Meeting.objects.filter(pk=instance.meeting_id, is_published=True).exists():
        raise PublishedRecordProtected(
            _("“%(record)s” belongs to a published meeting and cannot be deleted; unpublish the meeting first.")
            % {"record": instance},
            {instance},
        )


def meeting_remove_minutes(sender, instance: Meeting, **kwargs) -> None:
    """A deleted (so never published, or since unpublished) meeting's signed minutes go with it."""
    if instance.minutes_file:
        storage, name = instance.minutes_file.storage, instance.minutes_file.name
        transaction.on_commit(lambda: storage.delete(name))


def connect() -> None:
    """Called from MeetingsConfig.ready()."""
    pre_delete.connect(guard_published_deletion, sender=Meeting, dispatch_uid="guard-published-Meeting")
    pre_delete.connect(agreement_guard_deletion, sender=Agreement, dispatch_uid="guard-published-Agreement")
    post_delete.connect(meeting_remove_minutes, sender=Meeting, dispatch_uid="meetings-remove-minutes")
