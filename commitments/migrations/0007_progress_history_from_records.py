"""Give every milestone the dated history of its progress, and every commitment the history of its executed
budget, from what the database already holds, honestly dated:

- each change record that set a milestone's progress or level is an observation on the day it was recorded
  (America/Guayaquil), by whoever recorded it;
- each progress update that reported a milestone's progress is an observation on the update's date, published
  with the update;
- a current value no record accounts for is observed on the day the milestone was last saved.

The milestone's current progress and level become its latest published observation (the rule from now on).
"""

from django.db import migrations
from django.utils import timezone

_LEVEL_FOR = ((lambda p: p <= 0, "not_started"), (lambda p: p >= 100, "complete"), (lambda p: p < 50, "limited"))


def _level_for(progress):
    for test, level in _LEVEL_FOR:
        if test(progress):
            return level
    return "substantial"


def _matches(progress, level):
    if level == "no_evidence":
        return True
    if level == "not_started":
        return progress == 0
    if level == "complete":
        return progress == 100
    return 0 < progress < 100


def forwards(apps, schema_editor):
    Milestone = apps.get_model("commitments", "Milestone")
    MilestoneProgress = apps.get_model("commitments", "MilestoneProgress")
    ProgressUpdate = apps.get_model("commitments", "ProgressUpdate")
    Commitment = apps.get_model("commitments", "Commitment")
    BudgetExecution = apps.get_model("commitments", "BudgetExecution")
    ChangeRecord = apps.get_model("commitments", "ChangeRecord")

    for milestone in Milestone.objects.order_by("pk").iterator():
        made = []
        state = {"progress": 0, "level": "not_started"}
        records = ChangeRecord.objects.filter(model="milestone", object_id=milestone.pk).order_by("at", "pk")
        for record in records:
            changes = record.changes or {}
            touched = set()
            for name in ("progress", "level"):
                pair = changes.get(name)
                if isinstance(pair, list) and len(pair) == 2 and pair[1] is not None:
                    state[name] = pair[1]
                    touched.add(name)
            if touched == {"progress"} and not _matches(int(state["progress"]), state["level"]):
                # A record older than the level's own (or one that only moved the progress): the level it read as.
                state["level"] = _level_for(int(state["progress"]))
            if touched and _matches(int(state["progress"]), state["level"]):
                made.append(
                    MilestoneProgress.objects.create(
                        milestone=milestone,
                        observed_on=timezone.localdate(record.at),
                        progress=int(state["progress"]),
                        level=state["level"],
                        source="history",
                        recorded_by_id=record.user_id,
                        recorded_by_name=record.user_display,
                    )
                )
        updates = ProgressUpdate.objects.filter(milestone=milestone, progress__isnull=False).order_by(
            "occurred_on", "pk"
        )
        for update in updates:
            made.append(
                MilestoneProgress.objects.create(
                    milestone=milestone,
                    observed_on=update.occurred_on,
                    progress=update.progress,
                    level=_level_for(update.progress),
                    source="update",
                    update=update,
                    recorded_by_id=update.author_id,
                    is_published=update.is_published,
                    is_illustrative=update.is_illustrative,
                )
            )
        current = (milestone.progress, milestone.level)
        if not any((o.progress, o.level) == current for o in made if o.is_published):
            MilestoneProgress.objects.create(
                milestone=milestone,
                observed_on=timezone.localdate(milestone.updated_at),
                progress=milestone.progress,
                level=milestone.level,
                source="history",
                is_illustrative=milestone.is_illustrative,
            )
        latest = (
            MilestoneProgress.objects.filter(milestone=milestone, is_published=True)
            .order_by("-observed_on", "-pk")
            .first()
        )
        if (latest.progress, latest.level) != current:
            completed_on = milestone.completed_on if latest.level == "complete" else None
            if latest.level == "complete" and completed_on is None:
                completed_on = latest.observed_on
            Milestone.objects.filter(pk=milestone.pk).update(
                progress=latest.progress, level=latest.level, completed_on=completed_on
            )

    for commitment in Commitment.objects.exclude(budget_executed=None).order_by("pk").iterator():
        records = ChangeRecord.objects.filter(model="commitment", object_id=commitment.pk).order_by("at", "pk")
        amounts = []
        for record in records:
            pair = (record.changes or {}).get("budget_executed")
            if isinstance(pair, list) and len(pair) == 2 and pair[1] not in (None, ""):
                amounts.append((timezone.localdate(record.at), pair[1], record.user_id))
        if not amounts or str(amounts[-1][1]) != str(commitment.budget_executed):
            amounts.append((timezone.localdate(commitment.updated_at), commitment.budget_executed, None))
        for day, amount, user_id in amounts:
            BudgetExecution.objects.create(
                commitment=commitment, observed_on=day, amount=amount, source="history", recorded_by_id=user_id
            )


class Migration(migrations.Migration):
    dependencies = [("commitments", "0006_progress_history_indicators")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
