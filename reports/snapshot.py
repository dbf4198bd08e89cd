"""The snapshot a report freezes: the plan as it stood at the last instant of the report's period in Pastaza
(America/Guayaquil), whenever it is taken. Every published commitment and milestone of the plan, each milestone's
progress and IRM level then (its dated history, commitments.models.milestone_progress_as_of), the published updates
dated within the period, the executed budget recorded by then, and each indicator's values measured by then.
Nothing in it depends on the day it is taken but `taken_at`: a report for a past quarter computed the day after
the quarter and a year later, with observations, updates, values and budget records added since, is the same.

Schema (version 3), everything JSON-native so that the JSON twin is the snapshot itself:

    {
      "schema": 3,
      "as_of": "2025-12-31T23:59:59-05:00",
      "taken_at": "2026-01-01T01:15:00-05:00",
      "plan": {"slug", "title": {"es", "qu"}, "starts_on", "ends_on"},
      "period": {"key": "2025-Q4", "kind": "quarterly", "starts_on", "ends_on", "time_zone"},
      "totals": {"commitments", "milestones", "milestones_complete", "milestones_overdue",
                 "milestones_completed_late", "updates", "indicators", "average_progress",
                 "levels": {irm level: commitments}, "budget_planned", "budget_executed", "has_example_data"},
      "commitments": [{
          "code", "order", "title": {"es", "qu"}, "axis", "lead_institution": {"es", "qu"},
          "lead_department": {"es", "qu"} | null, "starts_on", "ends_on",
          "budget_planned": "1234.00" | null, "budget_executed": (recorded by the end) | null,
          "budget_source": {"es", "qu"} (a text before schema 3),
          "progress": 0-100 | null, "irm_level", "overdue" (ended incomplete by the end),
          "milestones": [{"order", "title": {"es", "qu"}, "starts_on", "due_on", "completed_on" (by the end) | null,
                          "level", "progress", "weight", "overdue", "days_overdue", "completed_late",
                          "is_illustrative"}],
          "updates": [{"occurred_on", "title": {"es", "qu"}, "text": {"es", "qu"}, "progress",
                       "milestone_order", "is_illustrative"}],
          "indicators": [{"order", "name": {"es", "qu"}, "unit": {"es", "qu"}, "direction", "disaggregation",
                          "baseline_value", "baseline_on", "target_value", "target_on", "is_illustrative",
                          "values": [{"observed_on", "value", "group", "verification": "verified" | "disputed" |
                                      null, "is_illustrative"}]}]
      }],
      "feedback": {
          "groups": [{"key", "title": {"es", "qu"}}],
          "figures": [{"key": "channels.assembly", "group", "label": {"es", "qu"}, "value": 3}],
          "evaluations_by_commitment": {code: {"count", "average": 3.8 | null}}
      },
      "roads": {
          "works": [{"code", "name": {"es", "qu"}, "kind", "status": (at the end) | null, "commitment": code | null,
                     "cantons": [{"es", "qu"}], "length_km", "budget", "physical_pct": (by the end) | null,
                     "paid_amount": (by the end) | null, "progress_on": (its latest observation by the end) | null,
                     "url": {"es", "qu"}, "is_example"}],
          "requests": {"received", "fixed", "open_at_end", "median_days_to_fix": 12.5 | null,
                       "parishes": [{"code", "name": {"es", "qu"}, "received", "fixed", "open_at_end",
                                     "median_days_to_fix"}]}
      }
    }

As of the period's end (`as_of`, the last second of its last day):
- a milestone's progress and level are those of its latest published observation on or before the end; one that
  had not started by then, or of which nothing had been observed, is "not_started" at 0;
- it is overdue when its due date was before the period's last day while it was not complete then (one due on
  the last day is not late yet at "situation as of" that day, as on the public pages a milestone due today is
  not), and `days_overdue` counts from its due date to the last day; it was completed
  late when it was complete then with a completion date, on or before the end, after its due date;
- an indicator is listed when it is published and its baseline was set by the end; its values are the published
  ones measured on or before the end (total, and per group of its disaggregation), each with the monitor's
  verdict only when the monitor gave it by the end.

`feedback` (since schema 2) holds the citizen participation of the period, read from each participation app when
the snapshot is taken: evaluations, suggestions by kind, channel and language, answers and comments
(feedback.selectors.participation_figures), meetings and their attendance (meetings.selectors.meeting_figures),
survey responses (surveys.selectors.survey_response_count). Its labels are frozen in both languages with the
figures. Reports whose snapshot was taken before it existed (schema 1) hold `"feedback": null`, and their pages say
the figures were not recorded; a published snapshot is never recomputed. Snapshots of schemas 1 and 2 were taken
as the plan stood when they were taken (`taken_at`): they have no `as_of`, no indicators and no days overdue, and
their pages say "data as recorded on" that day.

`roads` (added to schema 3 with issue 13, see roads_of) holds the road works as they stood at the end and the
citizens' road requests of the period (median days to fix: a number with one decimal, or null). What has no
history is read as it is when the snapshot is taken: whether a work is published or a request counted
(moderation), and a status a work's dates do not tell (work_status_then). Snapshots taken before `roads` existed
have no such key, and their pages say the road works were not recorded; they are never recomputed either.

Texts carry both languages ({"es": ..., "qu": ...}); a missing Kichwa text is "" and readers fall back to Spanish
(`localized`). Dates are ISO strings, amounts and measured values decimal strings (never floats); an average score
is a number with one decimal, or null when nobody evaluated.
"""

from __future__ import annotations

import statistics
import zoneinfo
from collections import Counter, defaultdict
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, CharField, DateField, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from commitments.models import (
    ActionPlan,
    Commitment,
    Indicator,
    IndicatorValue,
    IrmLevel,
    Milestone,
    ProgressUpdate,
    budget_executed_as_of,
    milestone_completed_late,
    milestone_overdue,
    milestone_progress_as_of,
)
from conecta import fallbacks
from feedback.models import Evaluation, Language, Suggestion
from feedback.selectors import day_bounds, participation_figures
from meetings.models import Meeting
from meetings.selectors import meeting_figures
from roads.models import RoadProgress, RoadRequest, RoadRequestChange, RoadWork, WorkStatus, road_progress_as_of
from surveys.selectors import survey_response_count

from .periods import Period

SCHEMA_VERSION = 3
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def _both(obj, name: str) -> dict[str, str]:
    return {code: getattr(obj, f"{name}_{code}") or "" for code in LANGUAGES}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def period_end_instant(period: Period) -> datetime:
    """The last instant (to the second) of `period` in Pastaza: 2025-12-31T23:59:59-05:00."""
    return datetime.combine(period.ends_on, time(23, 59, 59), zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _milestones_at(end: date):
    """The published milestones with their state at the end of `end` (annotations ending in `_then`)."""
    progress, level = milestone_progress_as_of(end)
    complete_then = Q(level_then=IrmLevel.COMPLETE) & Q(completed_on__lte=end)
    return (
        Milestone.objects.filter(is_published=True)
        .annotate(progress_then=progress, level_then=level)
        .annotate(
            completed_on_then=Case(When(complete_then, then=F("completed_on")), default=None, output_field=DateField())
        )
        .annotate(
            overdue_then=milestone_overdue(today=end, level="level_then"),
            completed_late_then=milestone_completed_late(level="level_then", completed_on="completed_on_then"),
        )
        .order_by("order")
    )


def _indicators_at(end: date):
    values = (
        IndicatorValue.objects.filter(is_published=True, observed_on__lte=end)
        .select_related("verification")
        .order_by("observed_on", "group", "pk")
    )
    return (
        Indicator.objects.filter(is_published=True, baseline_on__lte=end)
        .prefetch_related(Prefetch("values", queryset=values))
        .order_by("order", "pk")
    )


def _verdict(value: IndicatorValue, instant: datetime) -> str | None:
    """The monitor's verdict on a value, when it was given by `instant` (a later one is not in the snapshot)."""
    verification = getattr(value, "verification", None)
    if verification is None or verification.checked_at > instant:
        return None
    return verification.status


def snapshot_build(*, plan: ActionPlan, period: Period) -> dict:
    """The snapshot of `plan` as of the end of `period`, read in a fixed number of queries whatever the plan's size."""
    end = period.ends_on
    instant = period_end_instant(period)
    updates_in_period = (
        ProgressUpdate.objects.published()
        .filter(occurred_on__gte=period.starts_on, occurred_on__lte=end)
        .select_related("milestone")
        .order_by("occurred_on", "pk")
    )
    commitments = (
        Commitment.objects.published()
        .in_plan(plan)
        .with_progress(as_of=end)
        .annotate(budget_executed_then=budget_executed_as_of(end))
        .select_related("lead_institution", "lead_department")
        .prefetch_related(
            Prefetch("milestones", queryset=_milestones_at(end)),
            Prefetch("updates", queryset=updates_in_period),
            Prefetch("indicators", queryset=_indicators_at(end)),
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
                "completed_on": _iso(m.completed_on_then),
                "level": m.level_then,
                "progress": m.progress_then,
                "weight": m.weight,
                "overdue": bool(m.overdue_then),
                "days_overdue": (end - m.due_on).days if m.overdue_then else 0,
                "completed_late": bool(m.completed_late_then),
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
        indicators = [
            {
                "order": i.order,
                "name": _both(i, "name"),
                "unit": _both(i, "unit"),
                "direction": i.direction,
                "disaggregation": i.disaggregation,
                "baseline_value": _money(i.baseline_value),
                "baseline_on": _iso(i.baseline_on),
                "target_value": _money(i.target_value),
                "target_on": _iso(i.target_on),
                "is_illustrative": i.is_illustrative,
                "values": [
                    {
                        "observed_on": _iso(v.observed_on),
                        "value": _money(v.value),
                        "group": v.group,
                        "verification": _verdict(v, instant),
                        "is_illustrative": v.is_illustrative,
                    }
                    for v in i.values.all()
                ],
            }
            for i in c.indicators.all()
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
                "budget_executed": _money(c.budget_executed_then),
                "budget_source": _both(c, "budget_source"),
                "progress": c.progress,
                "irm_level": c.irm_level.value,
                "overdue": bool(c.overdue),
                "milestones": milestones,
                "updates": updates,
                "indicators": indicators,
            }
        )
    return {
        "schema": SCHEMA_VERSION,
        "as_of": instant.isoformat(),
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
            "ends_on": _iso(end),
            "time_zone": settings.TIME_ZONE,
        },
        "totals": totals_of(rows),
        "commitments": rows,
        "feedback": feedback_of(plan=plan, period=period, codes=[row["code"] for row in rows]),
        "roads": roads_of(plan=plan, period=period),
    }


def _labels(label) -> dict[str, str]:
    """A lazily translated label in every language of the portal."""
    out = {}
    for code in LANGUAGES:
        with translation.override(code):
            out[code] = str(label)
    return out


# Plural names of what citizens send, for the report's rows (the models' choices are singular).
_KIND_ROWS = {
    Suggestion.Kind.SUGGESTION: _("Suggestions"),
    Suggestion.Kind.COMPLAINT: _("Complaints"),
    Suggestion.Kind.QUESTION: _("Questions"),
}
_GROUPS = {
    "evaluations": _("Citizens' evaluations of progress"),
    "suggestions": _("Suggestions, complaints and questions"),
    "channels": _("Suggestions, complaints and questions by channel"),
    "languages": _("Suggestions, complaints and questions by language"),
    "comments": _("Comments on the commitments"),
    "meetings": _("Meetings of the participation spaces"),
    "surveys": _("Surveys"),
}


def feedback_of(*, plan: ActionPlan, period: Period, codes: list[str]) -> dict:
    """The participation part of the snapshot: figures of the period with their labels in both languages.

    Every kind, channel, language and meeting kind has its row, zero included, so that traditional channels
    show even in a quarter without them and two reports read alike."""
    figures = participation_figures(start=period.starts_on, end=period.ends_on, codes=codes)
    meetings = meeting_figures(start=period.starts_on, end=period.ends_on, plan=plan)
    since, until = day_bounds(period.starts_on, period.ends_on)
    survey_responses = survey_response_count(since=since, until=until, plan=plan)
    total = figures.evaluations[""]
    rows: list[dict] = []

    def add(group: str, key: str, label, value) -> None:
        rows.append({"key": f"{group}.{key}", "group": group, "label": _labels(label), "value": value})

    add("evaluations", "count", _("Evaluations received"), total.count)
    add("evaluations", "average", _("Average score (1 to 5)"), total.average)
    for score in range(5, 0, -1):
        add("evaluations", f"score_{score}", Evaluation.Score(score).label, total.distribution.get(score, 0))
    add("suggestions", "received", _("Received"), figures.suggestions_received)
    for kind, label in _KIND_ROWS.items():
        add("suggestions", f"kind.{kind}", label, figures.suggestions["kind"].get(kind, 0))
    add("suggestions", "answered", _("Answered in the period"), figures.suggestions_answered)
    for channel in Suggestion.Channel:
        add("channels", channel.value, channel.label, figures.suggestions["channel"].get(channel.value, 0))
    for language in Language:
        add("languages", language.value, language.label, figures.suggestions["language"].get(language.value, 0))
    add("comments", "received", _("Received"), figures.comments_received)
    add("comments", "approved", _("Approved and published"), figures.comments_approved)
    add("meetings", "held", _("Meetings held"), meetings.total)
    for kind in Meeting.Kind:
        add("meetings", f"kind.{kind.value}", kind.label, meetings.held.get(kind.value, 0))
    add("meetings", "attendance", _("People who attended"), meetings.attendance)
    add("surveys", "responses", _("Survey responses"), survey_responses)
    return {
        "groups": [{"key": key, "title": _labels(title)} for key, title in _GROUPS.items()],
        "figures": rows,
        "evaluations_by_commitment": {
            code: {"count": figures.evaluations[code].count, "average": figures.evaluations[code].average}
            for code in codes
        },
    }


def work_status_then(work: RoadWork, end: date) -> str | None:
    """A road work's status at the end of `end`, from its dates, as no history of its status is kept:

    1. a cancelled work is cancelled (its current status: when it was cancelled is not recorded);
    2. one that had actually ended by then was completed, one that had actually started was under way;
    3. one that had not started is in its current status when that is identification or preparation; otherwise
       (it is under way or finished now, and its actual start is later or missing) its stage then is not
       recorded: None, which the report says as such."""
    if work.status == WorkStatus.CANCELLED:
        return WorkStatus.CANCELLED
    if work.actual_end is not None and work.actual_end <= end:
        return WorkStatus.COMPLETION
    if work.actual_start is not None and work.actual_start <= end:
        return WorkStatus.IMPLEMENTATION
    if work.status in (WorkStatus.IDENTIFICATION, WorkStatus.PREPARATION):
        return work.status
    return None


def _work_urls(work: RoadWork) -> dict[str, str]:
    out = {}
    for code in LANGUAGES:
        with translation.override(code):
            out[code] = work.get_absolute_url()
    return out


def _median_days(days: list[int]) -> float | None:
    return round(statistics.median(days), 1) if days else None


def road_requests_of(*, period: Period, instant: datetime) -> dict:
    """The citizens' road requests of the period, counted as feedback counts contributions (all but what
    moderators rejected or hid), in one query:

    - received: received on a day of the period; fixed: fixed (`fixed_on`) on a day of the period, with the
      median of the days from receipt to fix among them;
    - open at the end: received by the period's last day, not fixed by then, and not closed by a status change
      made by its last instant (closed, or not for the provincial government); a change made later does not
      reach a past period.
    Totals, and the same figures per parish (those with any of them, in INEC code order)."""
    start, end = period.starts_on, period.ends_on
    status_then = (
        RoadRequestChange.objects.filter(request=OuterRef("pk"), changed_at__lte=instant)
        .order_by("-changed_at", "-pk")
        .values("status")[:1]
    )
    rows = (
        RoadRequest.objects.counted()  # all but what moderators rejected or hid: feedback's rule
        .filter(received_on__lte=end)
        .exclude(fixed_on__lt=start)  # fixed before the period: none of its figures
        .annotate(
            status_then=Coalesce(
                Subquery(status_then, output_field=CharField()), Value(RoadRequest.Status.RECEIVED.value)
            )
        )
        .values_list("received_on", "fixed_on", "status_then", "parish__code", "parish__name_es", "parish__name_qu")
        .order_by("parish__code", "received_on", "pk")
    )
    closed = {str(status) for status in RoadRequest.CLOSED_STATUSES}
    empty = {"received": 0, "fixed": 0, "open_at_end": 0}
    totals, days = dict(empty), []
    parishes: dict[str, dict] = {}
    parish_days: dict[str, list[int]] = defaultdict(list)
    for received_on, fixed_on, status, code, name_es, name_qu in rows:
        fixed_then = fixed_on is not None and fixed_on <= end
        figures = {
            "received": received_on >= start,
            "fixed": fixed_then and fixed_on >= start,
            "open_at_end": not fixed_then and status not in closed,
        }
        if not any(figures.values()):
            continue
        parish = parishes.setdefault(code, {"code": code, "name": {"es": name_es or "", "qu": name_qu or ""}, **empty})
        for key, counts in figures.items():
            totals[key] += counts
            parish[key] += counts
        if figures["fixed"]:
            days.append((fixed_on - received_on).days)
            parish_days[code].append((fixed_on - received_on).days)
    return {
        **totals,
        "median_days_to_fix": _median_days(days),
        "parishes": [{**row, "median_days_to_fix": _median_days(parish_days[code])} for code, row in parishes.items()],
    }


def roads_of(*, plan: ActionPlan, period: Period) -> dict:
    """The road works of the plan's commitments (and those tied to no commitment) as they stood at the end of
    `period`, and the road requests of the period; three queries whatever the number of works.

    A work is listed when it is published and was recorded by the period's last instant (`created_at`); its
    physical progress and amount paid are those of its latest published observation on or before the last day
    (roads.models.road_progress_as_of), never a later one; its status then follows work_status_then."""
    end = period.ends_on
    instant = period_end_instant(period)
    physical, paid = road_progress_as_of(end)
    observed = (
        RoadProgress.objects.filter(work=OuterRef("pk"), is_published=True, observed_on__lte=end)
        .order_by("-observed_on")
        .values("observed_on")[:1]
    )
    works = (
        RoadWork.objects.published()
        .filter(created_at__lte=instant)
        .filter(Q(commitment__plan=plan) | Q(commitment__isnull=True))
        .annotate(physical_then=physical, paid_then=paid, progress_on_then=Subquery(observed, output_field=DateField()))
        .select_related("commitment")
        .prefetch_related("cantons")
        .defer("geometry", "search_text")  # the lines are the map's, not the report's
        .order_by("code")
    )
    return {
        "works": [
            {
                "code": w.code,
                "name": _both(w, "name"),
                "kind": w.kind,
                "status": work_status_then(w, end),
                "commitment": w.commitment.code if w.commitment_id else None,
                "cantons": [_both(c, "name") for c in w.cantons.all()],
                "length_km": _money(w.length_km),
                "budget": _money(w.budget),
                "physical_pct": w.physical_then,
                "paid_amount": _money(w.paid_then),
                "progress_on": _iso(w.progress_on_then),
                "url": _work_urls(w),
                "is_example": w.is_example,
            }
            for w in works
        ],
        "requests": road_requests_of(period=period, instant=instant),
    }


def totals_of(rows: list[dict]) -> dict:
    milestones = [m for row in rows for m in row["milestones"]]
    indicators = [i for row in rows for i in row.get("indicators", [])]
    measured = [row["progress"] for row in rows if row["progress"] is not None]
    levels = Counter(row["irm_level"] for row in rows)
    planned = [Decimal(row["budget_planned"]) for row in rows if row["budget_planned"] is not None]
    executed = [Decimal(row["budget_executed"]) for row in rows if row["budget_executed"] is not None]
    return {
        "commitments": len(rows),
        "milestones": len(milestones),
        "milestones_complete": sum(1 for m in milestones if m["level"] == IrmLevel.COMPLETE),
        "milestones_overdue": sum(1 for m in milestones if m["overdue"]),
        "milestones_completed_late": sum(1 for m in milestones if m.get("completed_late")),
        "updates": sum(len(row["updates"]) for row in rows),
        "indicators": len(indicators),
        "average_progress": round(sum(measured) / len(measured)) if measured else None,
        "levels": {level.value: levels.get(level.value, 0) for level in IrmLevel},
        "budget_planned": _money(sum(planned)) if planned else None,
        "budget_executed": _money(sum(executed)) if executed else None,
        "has_example_data": any(m["is_illustrative"] for m in milestones)
        or any(u["is_illustrative"] for row in rows for u in row["updates"])
        or any(i["is_illustrative"] or any(v["is_illustrative"] for v in i["values"]) for i in indicators),
    }


def localized(value, language: str) -> str:
    """The text of a {"es": ..., "qu": ...} pair in `language`, Spanish when that one is empty (then a
    SpanishFallback, which the pages and the PDF mark as Spanish)."""
    return fallbacks.pick(value, language)
