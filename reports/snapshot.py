"""The snapshot a report freezes: every published commitment and milestone of the plan as recorded when the
snapshot is taken (the day after the period's end when Celery beat creates the draft), and the published
updates dated within the period.

Schema (version 1), everything JSON-native so that the JSON twin is the snapshot itself:

    {
      "schema": 1,
      "taken_at": "2025-10-01T01:15:00-05:00",
      "plan": {"slug", "title": {"es", "qu"}, "starts_on", "ends_on"},
      "period": {"key": "2025-Q3", "kind": "quarterly", "starts_on", "ends_on", "time_zone"},
      "totals": {"commitments", "milestones", "milestones_complete", "milestones_overdue", "updates",
                 "average_progress", "levels": {irm level: commitments}, "budget_planned", "budget_executed",
                 "has_example_data"},
      "commitments": [{
          "code", "order", "title": {"es", "qu"}, "axis", "lead_institution": {"es", "qu"},
          "lead_department": {"es", "qu"} | null, "starts_on", "ends_on",
          "budget_planned": "1234.00" | null, "budget_executed", "budget_source",
          "progress": 0-100 | null, "irm_level",
          "milestones": [{"order", "title": {"es", "qu"}, "starts_on", "due_on", "completed_on", "level",
                          "progress", "weight", "overdue", "is_illustrative"}],
          "updates": [{"occurred_on", "title": {"es", "qu"}, "text": {"es", "qu"}, "progress",
                       "milestone_order", "is_illustrative"}]
      }],
      "feedback": null
    }

Texts carry both languages ({"es": ..., "qu": ...}); a missing Kichwa text is "" and readers fall back to Spanish
(`localized`). Dates are ISO strings, amounts decimal strings (never floats).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from commitments.models import ActionPlan, Commitment, IrmLevel, Milestone, ProgressUpdate

from .periods import Period

SCHEMA_VERSION = 1
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def _both(obj, name: str) -> dict[str, str]:
    return {code: getattr(obj, f"{name}_{code}") or "" for code in LANGUAGES}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def snapshot_build(*, plan: ActionPlan, period: Period) -> dict:
    """The snapshot of `plan` for `period`, read in a fixed number of queries whatever the plan's size."""
    updates_in_period = (
        ProgressUpdate.objects.published()
        .filter(occurred_on__gte=period.starts_on, occurred_on__lte=period.ends_on)
        .select_related("milestone")
        .order_by("occurred_on", "pk")
    )
    commitments = (
        Commitment.objects.published()
        .in_plan(plan)
        .with_progress()
        .select_related("lead_institution", "lead_department")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.filter(is_published=True).order_by("order")),
            Prefetch("updates", queryset=updates_in_period),
        )
        .order_by("order", "code")
    )
    rows = []
    for c in commitments:
        milestones = [
            {
                "order": m.order,
                "title": _both(m, "title"),
                "starts_on": _iso(m.starts_on),
                "due_on": _iso(m.due_on),
                "completed_on": _iso(m.completed_on),
                "level": m.level,
                "progress": m.progress,
                "weight": m.weight,
                "overdue": m.level != IrmLevel.COMPLETE and m.due_on <= period.ends_on,
                "is_illustrative": m.is_illustrative,
            }
            for m in c.milestones.all()
        ]
        updates = [
            {
                "occurred_on": _iso(u.occurred_on),
                "title": _both(u, "title"),
                "text": _both(u, "text"),
                "progress": u.progress,
                "milestone_order": u.milestone.order if u.milestone_id else None,
                "is_illustrative": u.is_illustrative,
            }
            for u in c.updates.all()
        ]
        rows.append(
            {
                "code": c.code,
                "order": c.order,
                "title": _both(c, "title"),
                "axis": c.axis,
                "lead_institution": _both(c.lead_institution, "name"),
                "lead_department": _both(c.lead_department, "name") if c.lead_department_id else None,
                "starts_on": _iso(c.starts_on),
                "ends_on": _iso(c.ends_on),
                "budget_planned": _money(c.budget_planned),
                "budget_executed": _money(c.budget_executed),
                "budget_source": c.budget_source,
                "progress": c.progress,
                "irm_level": c.irm_level.value,
                "milestones": milestones,
                "updates": updates,
            }
        )
    return {
        "schema": SCHEMA_VERSION,
        "taken_at": timezone.localtime().isoformat(timespec="seconds"),
        "plan": {
            "slug": plan.slug,
            "title": _both(plan, "title"),
            "starts_on": _iso(plan.starts_on),
            "ends_on": _iso(plan.ends_on),
        },
        "period": {
            "key": period.key,
            "kind": period.kind,
            "starts_on": _iso(period.starts_on),
            "ends_on": _iso(period.ends_on),
            "time_zone": settings.TIME_ZONE,
        },
        "totals": totals_of(rows),
        "commitments": rows,
        # Citizen-feedback figures of the period: filled once the participation app (feedback) exposes them
        # through a selector this module may read. Until then there is nothing to report, and readers skip it.
        "feedback": None,
    }


def totals_of(rows: list[dict]) -> dict:
    milestones = [m for row in rows for m in row["milestones"]]
    measured = [row["progress"] for row in rows if row["progress"] is not None]
    levels = Counter(row["irm_level"] for row in rows)
    planned = [Decimal(row["budget_planned"]) for row in rows if row["budget_planned"] is not None]
    executed = [Decimal(row["budget_executed"]) for row in rows if row["budget_executed"] is not None]
    return {
        "commitments": len(rows),
        "milestones": len(milestones),
        "milestones_complete": sum(1 for m in milestones if m["level"] == IrmLevel.COMPLETE),
        "milestones_overdue": sum(1 for m in milestones if m["overdue"]),
        "updates": sum(len(row["updates"]) for row in rows),
        "average_progress": round(sum(measured) / len(measured)) if measured else None,
        "levels": {level.value: levels.get(level.value, 0) for level in IrmLevel},
        "budget_planned": _money(sum(planned)) if planned else None,
        "budget_executed": _money(sum(executed)) if executed else None,
        "has_example_data": any(m["is_illustrative"] for m in milestones)
        or any(u["is_illustrative"] for row in rows for u in row["updates"]),
    }


def localized(value, language: str) -> str:
    """The text of a {"es": ..., "qu": ...} pair in `language`, Spanish when that one is empty."""
    if not isinstance(value, dict):
        return value or ""
    return value.get(language) or value.get(settings.LANGUAGE_CODE) or ""
