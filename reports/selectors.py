"""Reads for the reports pages, feed and files, and the one context both the HTML page and the PDF render from.

Everything a report shows comes from its frozen snapshot and texts, never from today's commitments: the page
and the PDF of a published report stay what they were whatever staff change later.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import date, datetime

from django.db.models import Prefetch

from commitments.models import ActionPlan, Axis, IrmLevel
from conecta.spreadsheet import safe_cell

from .models import GovernmentReply, MonitorAssessment, MonitorDocument, Report, ReportFile
from .snapshot import localized

# Above this many commitments the summary draws progress by axis only; each commitment keeps its own bar.
CHART_COMMITMENTS_MAX = 30


def reports_public(*, plan: ActionPlan | None) -> list[Report]:
    if plan is None:
        return []
    return list(
        Report.objects.published()
        .filter(plan=plan)
        .select_related("superseded_by")
        .prefetch_related(Prefetch("files", queryset=ReportFile.objects.order_by("language")))
        .defer("snapshot")
        .newest_first()
    )


def report_public(*, plan: ActionPlan | None, slug: str) -> Report | None:
    if plan is None:
        return None
    return (
        Report.objects.published()
        .filter(plan=plan, slug=slug)
        .select_related("plan", "supersedes", "superseded_by")
        .prefetch_related(
            Prefetch("files", queryset=ReportFile.objects.order_by("language")),
            "narratives",
        )
        .first()
    )


def monitoring_public(*, plan: ActionPlan | None) -> dict:
    """The monitor's published documents and assessments, each with the government's published replies."""
    replies = Prefetch("replies", queryset=GovernmentReply.objects.filter(is_published=True).order_by("published_at"))
    documents = list(
        MonitorDocument.objects.filter(is_published=True).prefetch_related(replies).order_by("-published_at", "-pk")
    )
    assessments = []
    if plan is not None:
        assessments = list(
            MonitorAssessment.objects.filter(is_published=True, commitment__plan=plan, commitment__is_published=True)
            .select_related("commitment")
            .prefetch_related(replies)
            .order_by("commitment__order", "commitment__code", "-assessed_on", "-pk")
        )
    return {"documents": documents, "assessments": assessments}


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _level_label(code: str) -> str:
    try:
        return IrmLevel(code).label
    except ValueError:
        return code


def _axis_label(code: str) -> str:
    try:
        return Axis(code).label
    except ValueError:
        return code


def report_context(report: Report, language: str) -> dict:
    """What the page and the PDF show, in `language` (call inside translation.override(language) so that
    labels and dates follow it). Costs one query for the narratives unless they are prefetched."""
    snapshot = report.snapshot or {}
    narratives = {n.commitment_code: n.text for n in report.narratives.all()}
    feedback = snapshot.get("feedback")
    evaluated = feedback.get("evaluations_by_commitment", {}) if isinstance(feedback, dict) else {}
    commitments = []
    by_axis: dict[str, list[int]] = defaultdict(list)
    for row in snapshot.get("commitments", []):
        milestones = [
            {
                **m,
                "title": localized(m["title"], language),
                "starts_on": _day(m["starts_on"]),
                "due_on": _day(m["due_on"]),
                "completed_on": _day(m["completed_on"]),
                "level_label": _level_label(m["level"]),
            }
            for m in row["milestones"]
        ]
        updates = [
            {
                **u,
                "title": localized(u["title"], language),
                "text": localized(u["text"], language),
                "occurred_on": _day(u["occurred_on"]),
            }
            for u in row["updates"]
        ]
        if row["progress"] is not None:
            by_axis[row["axis"]].append(row["progress"])
        commitments.append(
            {
                **row,
                "title": localized(row["title"], language),
                "axis_label": _axis_label(row["axis"]),
                "lead_institution": localized(row["lead_institution"], language),
                "lead_department": localized(row["lead_department"], language) if row["lead_department"] else "",
                "starts_on": _day(row["starts_on"]),
                "ends_on": _day(row["ends_on"]),
                "irm_label": _level_label(row["irm_level"]),
                "narrative": narratives.get(row["code"], ""),
                # Citizens' evaluations in the period ({"count", "average"}); None when not recorded.
                "evaluation": evaluated.get(row["code"]),
                "milestones": milestones,
                "updates": updates,
                "has_example_data": any(m["is_illustrative"] for m in milestones)
                or any(u["is_illustrative"] for u in updates),
                # When every milestone and update is example data, the section's heading says so once.
                "all_example_data": bool(milestones or updates)
                and all(m["is_illustrative"] for m in milestones)
                and all(u["is_illustrative"] for u in updates),
            }
        )
    totals = snapshot.get("totals", {})
    level_rows = [(_level_label(code), count) for code, count in totals.get("levels", {}).items()]
    axis_rows = [
        (Axis(code).label, round(sum(values) / len(values)) if values else None)
        for code in Axis.values
        if (values := by_axis.get(code)) is not None
    ]
    progress_rows = [(c["code"], c["progress"]) for c in commitments]
    plan = snapshot.get("plan", {})
    taken_at = snapshot.get("taken_at")
    return {
        "report": report,
        "title": report.title,
        "period_label": report.period_obj.label(),
        "period_starts_on": report.period_starts_on,
        "period_ends_on": report.period_ends_on,
        "plan_title": localized(plan.get("title"), language),
        "taken_at": datetime.fromisoformat(taken_at) if taken_at else None,
        "totals": totals,
        "level_rows": level_rows,
        "axis_rows": axis_rows,
        "progress_rows": progress_rows if len(progress_rows) <= CHART_COMMITMENTS_MAX else None,
        "commitments": commitments,
        "all_commitments": commitments,
        # Citizen participation in the period, or None for a report whose snapshot predates it.
        "participation": participation_of(feedback, language),
        "has_example_data": bool(totals.get("has_example_data")),
        "is_draft": not report.is_published,
        "language": language,
    }


def participation_of(feedback, language: str) -> dict | None:
    """The snapshot's participation figures for the page and the PDF: `groups` of (label, value) rows under
    their titles, the rows of the channels' chart, and the groups its table shows. None when the snapshot did
    not record them."""
    if not isinstance(feedback, dict):
        return None
    rows: dict[str, list[tuple[str, object]]] = defaultdict(list)
    for figure in feedback.get("figures", []):
        rows[figure.get("group", "")].append((localized(figure.get("label"), language), figure.get("value")))
    titles = [(g.get("key", ""), localized(g.get("title"), language)) for g in feedback.get("groups", [])]
    known = {key for key, _title in titles}
    titles += [(key, "") for key in rows if key not in known]
    groups = [{"key": key, "title": title, "rows": rows[key]} for key, title in titles if rows.get(key)]
    channels = rows.get("channels") or None
    return {
        "groups": groups,
        # The channels are drawn as a chart (with its own data table); the table holds the other groups.
        "channel_rows": channels,
        "table_groups": [g for g in groups if g["key"] != "channels" or not channels],
    }


# The machine-readable twin: the same snapshot as JSON and CSV.


def report_data_json(report: Report) -> str:
    """The snapshot with the report's identity and texts, as stable, sorted JSON."""
    narratives = {n.commitment_code: {"es": n.text_es or "", "qu": n.text_qu or ""} for n in report.narratives.all()}
    document = {
        "report": {
            "slug": report.slug,
            "period": report.period,
            "kind": report.kind,
            "version": report.version,
            "status": report.status,
            "published_at": report.published_at.isoformat() if report.published_at else None,
            "supersedes": report.supersedes.slug if report.supersedes_id else None,
            "summary": {"es": report.summary_es or "", "qu": report.summary_qu or ""},
            "correction_note": {"es": report.correction_note_es or "", "qu": report.correction_note_qu or ""},
            "narratives": narratives,
            "files": [
                {"language": f.language, "name": f.download_name, "size": f.size, "pages": f.pages, "sha256": f.sha256}
                for f in report.files.all()
            ],
        },
        "snapshot": report.snapshot,
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


CSV_COLUMNS = [
    "record",
    "commitment_code",
    "commitment_title_es",
    "commitment_title_qu",
    "item_order",
    "title_es",
    "title_qu",
    "date",
    "starts_on",
    "due_on",
    "completed_on",
    "irm_level",
    "progress",
    "weight",
    "overdue",
    "budget_planned",
    "budget_executed",
    "is_illustrative",
    "figure",
    "value",
]


def report_data_csv(report: Report) -> str:
    """One row per commitment, milestone and update of the snapshot, and one per participation figure of the
    period and per commitment's evaluations (the `record` column says which; `figure` names a figure). Titles
    that start like a spreadsheet formula are quoted (conecta.spreadsheet)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    snapshot = report.snapshot or {}
    feedback = snapshot.get("feedback")
    evaluated = feedback.get("evaluations_by_commitment", {}) if isinstance(feedback, dict) else {}
    for row in snapshot.get("commitments", []):
        common = {
            "commitment_code": row["code"],
            "commitment_title_es": safe_cell(row["title"].get("es", "")),
            "commitment_title_qu": safe_cell(row["title"].get("qu", "")),
        }
        writer.writerow(
            {
                **common,
                "record": "commitment",
                "starts_on": row["starts_on"],
                "due_on": row["ends_on"],
                "irm_level": row["irm_level"],
                "progress": row["progress"],
                "budget_planned": row["budget_planned"],
                "budget_executed": row["budget_executed"],
            }
        )
        for m in row["milestones"]:
            writer.writerow(
                {
                    **common,
                    "record": "milestone",
                    "item_order": m["order"],
                    "title_es": safe_cell(m["title"].get("es", "")),
                    "title_qu": safe_cell(m["title"].get("qu", "")),
                    "starts_on": m["starts_on"],
                    "due_on": m["due_on"],
                    "completed_on": m["completed_on"],
                    "irm_level": m["level"],
                    "progress": m["progress"],
                    "weight": m["weight"],
                    "overdue": m["overdue"],
                    "is_illustrative": m["is_illustrative"],
                }
            )
        for u in row["updates"]:
            writer.writerow(
                {
                    **common,
                    "record": "update",
                    "item_order": u["milestone_order"],
                    "title_es": safe_cell(u["title"].get("es", "")),
                    "title_qu": safe_cell(u["title"].get("qu", "")),
                    "date": u["occurred_on"],
                    "progress": u["progress"],
                    "is_illustrative": u["is_illustrative"],
                }
            )
        for name, value in (evaluated.get(row["code"]) or {}).items():
            writer.writerow({**common, "record": "participation", "figure": f"evaluations.{name}", "value": value})
    if isinstance(feedback, dict):
        titles = {g.get("key"): g.get("title", {}) for g in feedback.get("groups", [])}
        for figure in feedback.get("figures", []):
            title = titles.get(figure.get("group"), {})
            label = figure.get("label", {})
            writer.writerow(
                {
                    "record": "participation",
                    "title_es": _joined(title.get("es"), label.get("es")),
                    "title_qu": _joined(title.get("qu") or title.get("es"), label.get("qu") or label.get("es")),
                    "figure": figure.get("key"),
                    "value": figure.get("value"),
                }
            )
    return out.getvalue()


def _joined(*parts) -> str:
    return " · ".join(part for part in parts if part)
