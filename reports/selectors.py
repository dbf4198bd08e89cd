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
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from commitments.models import ActionPlan, Axis, IrmLevel
from conecta.fallbacks import text_in
from conecta.spreadsheet import safe_cell
from roads.models import WorkKind, WorkStatus

from .models import GovernmentReply, MonitorAssessment, MonitorDocument, Report, ReportFile, ReportOutreachFile
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
            Prefetch(
                "outreach_files",
                queryset=ReportOutreachFile.objects.filter(withdrawn_at=None)
                .select_related("canton")
                .order_by("kind", "canton__code", "language", "-version"),
            ),
        )
        .first()
    )


def outreach_public(report: Report) -> dict:
    """The report's outreach files its page lists (prefetched by report_public: no query): the bulletins grouped
    by canton, in the cantons' INEC order, and the radio pack's versions, the newest first."""
    bulletins: dict[int, dict] = {}
    packs = []
    for row in report.outreach_files.all():
        row.report = report  # the download name and address read it: no query per row
        if row.is_bulletin:
            bulletins.setdefault(row.canton_id, {"canton": row.canton, "files": []})["files"].append(row)
        else:
            packs.append(row)
    return {"bulletins": list(bulletins.values()), "radio_packs": packs}


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


# The monitor's verdicts and the directions of an indicator, as the report says them.
_VERDICTS = {"verified": _("verified by the monitor (FCD)"), "disputed": _("disputed by the monitor (FCD)")}
_DIRECTIONS = {"increase": _("higher is better"), "decrease": _("lower is better")}


def _amount(value: str | None) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


def _indicators_of(row: dict, language: str) -> list[dict]:
    """The snapshot's indicators of a commitment (schema 3; none before) for the page and the PDF: baseline, the
    values measured by the period's end (the latest total first named `latest`), and target."""
    indicators = []
    for i in row.get("indicators") or []:
        values = [
            {
                **v,
                "observed_on": _day(v["observed_on"]),
                "value": _amount(v["value"]),
                "verification_label": _VERDICTS.get(v.get("verification") or "", ""),
            }
            for v in i.get("values", [])
        ]
        totals = [v for v in values if not v["group"]]
        indicators.append(
            {
                **i,
                "name": localized(i["name"], language),
                "unit": localized(i["unit"], language),
                "direction_label": _DIRECTIONS.get(i.get("direction"), ""),
                "baseline_value": _amount(i["baseline_value"]),
                "baseline_on": _day(i["baseline_on"]),
                "target_value": _amount(i["target_value"]),
                "target_on": _day(i["target_on"]),
                "values": values,
                "latest": totals[-1] if totals else None,
            }
        )
    return indicators


def _choice_label(choices, code: str | None) -> str:
    try:
        return choices(code).label if code else ""
    except ValueError:
        return code


def roads_context(roads, language: str) -> dict | None:
    """The snapshot's road works and road requests (schema 3 since issue 13) for the page and the PDF; None when
    the snapshot did not record them (taken before the portal followed road works)."""
    if not isinstance(roads, dict):
        return None
    works = [
        {
            **w,
            "name": localized(w["name"], language),
            "kind_label": _choice_label(WorkKind, w.get("kind")),
            "status_label": _choice_label(WorkStatus, w.get("status")),
            "cantons": [localized(c, language) for c in w.get("cantons", [])],
            "length_km": _amount(w.get("length_km")),
            "budget": _amount(w.get("budget")),
            "paid_amount": _amount(w.get("paid_amount")),
            "progress_on": _day(w.get("progress_on")),
            "url": localized(w.get("url"), language),
        }
        for w in roads.get("works", [])
    ]
    requests = roads.get("requests") or {}
    return {
        "works": works,
        "requests": requests,
        "parishes": [{**p, "name": localized(p["name"], language)} for p in requests.get("parishes", [])],
        "has_example_data": any(w["is_example"] for w in works),
    }


def _as_of(snapshot: dict) -> date | None:
    """The day a snapshot tells the plan's state at the end of (schema 3); None for older snapshots, which were
    taken as the plan stood on the day they were taken."""
    value = snapshot.get("as_of")
    return datetime.fromisoformat(value).date() if value else None


def report_context(report: Report, language: str) -> dict:
    """What the page and the PDF show, in `language` (call inside translation.override(language) so that
    labels and dates follow it). Costs one query for the narratives unless they are prefetched."""
    snapshot = report.snapshot or {}
    narratives = {n.commitment_code: text_in(n, "text", language) for n in report.narratives.all()}
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
                # Days overdue and completed late are recorded since schema 3.
                "days_overdue": m.get("days_overdue"),
                "completed_late": bool(m.get("completed_late")),
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
        indicators = _indicators_of(row, language)
        if row["progress"] is not None:
            by_axis[row["axis"]].append(row["progress"])
        commitments.append(
            {
                **row,
                "title": localized(row["title"], language),
                "axis_label": _axis_label(row["axis"]),
                "lead_institution": localized(row["lead_institution"], language),
                "lead_department": localized(row["lead_department"], language) if row["lead_department"] else "",
                "budget_source": localized(row.get("budget_source"), language),
                "starts_on": _day(row["starts_on"]),
                "ends_on": _day(row["ends_on"]),
                "irm_label": _level_label(row["irm_level"]),
                "narrative": narratives.get(row["code"], ""),
                # Citizens' evaluations in the period ({"count", "average"}); None when not recorded.
                "evaluation": evaluated.get(row["code"]),
                "overdue": bool(row.get("overdue")),
                "milestones": milestones,
                "updates": updates,
                "indicators": indicators,
                "has_example_data": any(m["is_illustrative"] for m in milestones)
                or any(u["is_illustrative"] for u in updates)
                or any(i["is_illustrative"] or any(v["is_illustrative"] for v in i["values"]) for i in indicators),
                # When every milestone, update and indicator is example data, the section's heading says so once.
                "all_example_data": bool(milestones or updates or indicators)
                and all(m["is_illustrative"] for m in milestones)
                and all(u["is_illustrative"] for u in updates)
                and all(i["is_illustrative"] for i in indicators),
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
    roads = roads_context(snapshot.get("roads"), language)
    return {
        "report": report,
        "title": report.title,
        "period_label": report.period_obj.label(),
        "period_starts_on": report.period_starts_on,
        "period_ends_on": report.period_ends_on,
        "plan_title": localized(plan.get("title"), language),
        "taken_at": datetime.fromisoformat(taken_at) if taken_at else None,
        # The day the figures tell the state at the end of (schema 3); older snapshots say when they were taken.
        "as_of": _as_of(snapshot),
        "totals": totals,
        "level_rows": level_rows,
        "axis_rows": axis_rows,
        "progress_rows": progress_rows if len(progress_rows) <= CHART_COMMITMENTS_MAX else None,
        "commitments": commitments,
        "all_commitments": commitments,
        # Citizen participation in the period, or None for a report whose snapshot predates it.
        "participation": participation_of(feedback, language),
        # Road works and road requests, or None for a report whose snapshot predates them.
        "roads": roads,
        "has_example_data": bool(totals.get("has_example_data")) or bool(roads and roads["has_example_data"]),
        "is_draft": not report.is_published,
        # A draft of a period that has not ended: every page and PDF of it says its figures may change.
        "is_provisional": report.is_provisional,
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
    # Since schema 3: the state at the period's end (days overdue, completed late) and the indicators.
    "days_overdue",
    "completed_late",
    "group",
    "unit_es",
    "unit_qu",
    "direction",
    "baseline_value",
    "baseline_on",
    "target_value",
    "target_on",
    "verification",
    # Since issue 13: the road works at the period's end.
    "road_work_code",
    "kind",
    "status",
    "cantons",
    "length_km",
    "budget",
    "paid_amount",
    "url",
]


def report_data_csv(report: Report) -> str:
    """One row per commitment, milestone, update, indicator and indicator value of the snapshot, and one per
    participation figure of the period and per commitment's evaluations (the `record` column says which; `figure`
    names a figure). Progress, levels, overdue and budget are those at the period's end (schema 3). An indicator's
    row holds its name in the title columns, its unit, direction, baseline and target; each value's row its date,
    value, group (empty for the total) and the monitor's verdict given by the period's end. Texts that start like
    a spreadsheet formula are quoted (conecta.spreadsheet).

    Road works (since issue 13) have a `road_work` row each: its commitment, its name in the title columns, kind,
    status at the period's end (empty when not recorded), cantons (Spanish names, separated by "; "), length,
    budget, physical % in `progress`, amount paid and the date of its latest observation by the end in `date`,
    and the Spanish page's address. The road requests' figures are `road_requests` rows (`figure` names them):
    totals with an empty `group`, and per parish with its INEC code in `group` and its name in the title columns."""
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
                "overdue": row.get("overdue", ""),
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
                    "days_overdue": m.get("days_overdue", ""),
                    "completed_late": m.get("completed_late", ""),
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
        for i in row.get("indicators") or []:
            indicator = {
                **common,
                "item_order": i["order"],
                "title_es": safe_cell(i["name"].get("es", "")),
                "title_qu": safe_cell(i["name"].get("qu", "")),
                "unit_es": safe_cell(i["unit"].get("es", "")),
                "unit_qu": safe_cell(i["unit"].get("qu", "")),
            }
            writer.writerow(
                {
                    **indicator,
                    "record": "indicator",
                    "direction": i["direction"],
                    "baseline_value": i["baseline_value"],
                    "baseline_on": i["baseline_on"],
                    "target_value": i["target_value"],
                    "target_on": i["target_on"],
                    "is_illustrative": i["is_illustrative"],
                }
            )
            for v in i["values"]:
                writer.writerow(
                    {
                        **indicator,
                        "record": "indicator_value",
                        "date": v["observed_on"],
                        "value": v["value"],
                        "group": safe_cell(v["group"]),
                        "verification": v["verification"] or "",
                        "is_illustrative": v["is_illustrative"],
                    }
                )
        for name, value in (evaluated.get(row["code"]) or {}).items():
            writer.writerow({**common, "record": "participation", "figure": f"evaluations.{name}", "value": value})
    _write_roads(writer, snapshot.get("roads"))
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


def _write_roads(writer: csv.DictWriter, roads) -> None:
    if not isinstance(roads, dict):
        return
    for w in roads.get("works", []):
        writer.writerow(
            {
                "record": "road_work",
                "commitment_code": w.get("commitment") or "",
                "road_work_code": w["code"],
                "title_es": safe_cell(w["name"].get("es", "")),
                "title_qu": safe_cell(w["name"].get("qu", "")),
                "kind": w["kind"],
                "status": w["status"] or "",
                "cantons": safe_cell("; ".join(c.get("es", "") for c in w["cantons"])),
                "length_km": w["length_km"],
                "budget": w["budget"],
                "progress": w["physical_pct"],
                "paid_amount": w["paid_amount"],
                "date": w["progress_on"],
                "url": (w.get("url") or {}).get("es", ""),
                "is_illustrative": w["is_example"],
            }
        )
    requests = roads.get("requests") or {}
    names = ("received", "fixed", "open_at_end", "median_days_to_fix")
    for name in names:
        writer.writerow({"record": "road_requests", "figure": f"road_requests.{name}", "value": requests.get(name)})
    for parish in requests.get("parishes", []):
        for name in names:
            writer.writerow(
                {
                    "record": "road_requests",
                    "title_es": safe_cell(parish["name"].get("es", "")),
                    "title_qu": safe_cell(parish["name"].get("qu", "") or parish["name"].get("es", "")),
                    "figure": f"road_requests.{name}",
                    "group": parish["code"],
                    "value": parish.get(name),
                }
            )


def _joined(*parts) -> str:
    return " · ".join(part for part in parts if part)
