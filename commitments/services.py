"""Everything that changes the plan's state. Views, admin actions, commands and tasks call these."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from conecta.claims import claim, release
from conecta.mail import send_templated

from .models import (
    BudgetExecution,
    Commitment,
    Indicator,
    IndicatorValue,
    IndicatorVerification,
    IrmLevel,
    Milestone,
    MilestoneProgress,
    ProgressSource,
    ProgressUpdate,
)
from .roles import MONITOR, in_group, planner_emails

logger = logging.getLogger(__name__)


def commitment_save(
    *, commitment: Commitment, new: bool = False, by=None, source: str = ProgressSource.ADMIN, executed_on=None
) -> Commitment:
    """Save a commitment its admin form or a spreadsheet row has checked (`Commitment.clean`, and what the user
    may edit: commitments.roles.visible_commitments through the admin, which the import asks too). A `new` one is
    inserted, never written over a row that exists. A changed executed budget is recorded in its dated history
    (BudgetExecution) as of `executed_on` (by default today). The change history and the public pages' cache
    follow from the signals (commitments.signals)."""
    before = _stored(commitment, ("budget_executed",), new=new)
    commitment.save(force_insert=new)
    if commitment.budget_executed is not None and before != (commitment.budget_executed,):
        BudgetExecution.objects.create(
            commitment=commitment,
            observed_on=executed_on or timezone.localdate(),
            amount=commitment.budget_executed,
            source=source,
            recorded_by=_user(by),
        )
    return commitment


def milestone_save(
    *, milestone: Milestone, new: bool = False, by=None, source: str = ProgressSource.ADMIN, observed_on=None
) -> Milestone:
    """Save a milestone its admin form or a spreadsheet row has checked: `Milestone.clean`, its order
    (`Milestone.order_taken_error`) and what the user may edit (commitments.roles.visible_commitments, through the
    admin, which the import asks too). A `new` one is inserted, never written over a row that exists.

    A progress or level that differs from the stored one is an observation of its history (MilestoneProgress),
    dated `observed_on` (by default today) and recorded by `by` through `source`; the milestone then shows its
    latest observation (milestone_progress_refresh), so an observation dated before a later one enters the
    history without changing what the milestone shows. The change history and the public pages' cache follow
    from the signals (commitments.signals)."""
    before = _stored(milestone, ("progress", "level"), new=new)
    observed = before != (milestone.progress, milestone.level)
    today = timezone.localdate()
    observed_on = observed_on or today
    if observed and milestone.level == IrmLevel.COMPLETE and milestone.completed_on is None:
        milestone.completed_on = observed_on
    milestone.save(force_insert=new)
    if observed:
        MilestoneProgress.objects.create(
            milestone=milestone,
            observed_on=observed_on,
            progress=milestone.progress,
            level=milestone.level,
            source=source,
            recorded_by=_user(by),
            recorded_by_name=_user_name(by),
            is_illustrative=milestone.is_illustrative,
        )
        if observed_on < today:  # an observation of today is the latest: none is dated in the future
            milestone_progress_refresh(milestone=milestone)
    return milestone


def milestone_progress_refresh(*, milestone: Milestone) -> Milestone:
    """Make the milestone show its latest published observation (progress, level, and a completion date while it
    is complete: the observation's own date when none was given). Without any, it keeps what it holds."""
    latest = MilestoneProgress.objects.as_of(date.max).filter(milestone=milestone).first()
    if latest is None:
        return milestone
    completed_on = milestone.completed_on if latest.level == IrmLevel.COMPLETE else None
    if latest.level == IrmLevel.COMPLETE and completed_on is None:
        completed_on = latest.observed_on
    wanted = {"progress": latest.progress, "level": latest.level, "completed_on": completed_on}
    if any(getattr(milestone, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(milestone, name, value)
        milestone.save(update_fields=[*wanted, "updated_at"])
    return milestone


def _stored(instance, names: tuple[str, ...], *, new: bool):
    """The values of `names` as the row holds them before this save (None for a new row), from the values the
    instance was read with when it has them (RemembersLoadedRow), else from the database."""
    if new or instance.pk is None:
        return None
    loaded = instance.__dict__.get("_loaded_row")
    if loaded is not None and loaded.pk == instance.pk:
        values = dict(zip(loaded.field_names, loaded.values, strict=True))
        if all(name in values for name in names):
            return tuple(values[name] for name in names)
    return type(instance).objects.filter(pk=instance.pk).values_list(*names).first()


def _user(by):
    return by if by is not None and getattr(by, "pk", None) else None


def _user_name(by) -> str:
    user = _user(by)
    return user.get_username() if user is not None else ""


def update_save(*, update: ProgressUpdate, by) -> ProgressUpdate:
    """Save a progress update from the admin form; a new one is `by`'s, and one that awaits review is announced
    to the Planning Directorate after the commit (update_queue_staff_notification). A progress it reports for a
    milestone is that milestone's observation on the update's date (update_progress_record)."""
    created = update.pk is None
    if created:
        update.author = by
    update.save()
    update_progress_record(update=update)
    if created:
        update_queue_staff_notification(update=update)
    return update


def update_progress_record(*, update: ProgressUpdate) -> None:
    """Keep the observation an update reports in step with it: one on the update's date while it reports a
    milestone's progress, published while the update is; none otherwise. The milestone then shows its latest
    published observation."""
    observation = MilestoneProgress.objects.filter(update=update).first()
    touched = {observation.milestone_id} if observation is not None else set()
    if update.milestone_id is None or update.progress is None:
        if observation is not None:
            observation.delete()
    else:
        wanted = {
            "milestone_id": update.milestone_id,
            "observed_on": update.occurred_on,
            "progress": update.progress,
            "level": IrmLevel.for_progress(update.progress).value,
            "is_published": update.is_published,
            "is_illustrative": update.is_illustrative,
        }
        if observation is None:
            MilestoneProgress.objects.create(
                update=update,
                source=ProgressSource.UPDATE,
                recorded_by=update.author,
                recorded_by_name=_user_name(update.author),
                **wanted,
            )
        elif any(getattr(observation, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(observation, name, value)
            observation.save()
        touched.add(update.milestone_id)
    for milestone in Milestone.objects.filter(pk__in=touched):
        milestone_progress_refresh(milestone=milestone)


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


# Indicators: what a commitment measures, its measured values, and the monitor's word on them.


def indicator_save(*, indicator: Indicator, new: bool = False, by=None) -> Indicator:
    """Save an indicator its admin form or a spreadsheet row has checked (`Indicator.clean`, its order and what
    the user may edit, as for milestones). A `new` one is inserted, never written over a row that exists. The
    change history and the public pages' cache follow from the signals."""
    indicator.save(force_insert=new)
    return indicator


def indicator_value_save(
    *, value: IndicatorValue, by, source: str = ProgressSource.ADMIN, new: bool = False
) -> IndicatorValue:
    """Save a measured value its admin form or a spreadsheet row has checked (`IndicatorValue.clean`, its date
    and group unique for the indicator, what the user may edit). A `new` one records who entered it and through
    what (`entered_through`, `recorded_by`); a later change keeps them and is in the change history."""
    if new or value.pk is None:
        value.entered_through = source
        value.recorded_by = _user(by)
    else:
        value.refuse_change_after_check()
    value.save(force_insert=new)
    return value


def indicator_verification_save(*, verification: IndicatorVerification, by) -> IndicatorVerification:
    """Record the independent monitor's verdict on a measured value, as `by` gives it. Only the group "Monitor
    (FCD)" writes verifications: not the government's staff, not even a superuser of its admin."""
    if by is None or not in_group(by, MONITOR):
        raise PermissionDenied(_("Only the independent monitor (FCD) may change its records."))
    verification.checked_by = by
    verification.save()
    return verification
