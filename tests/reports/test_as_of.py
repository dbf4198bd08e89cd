"""Reports are as of the end of their period (issue 11): the snapshot tells the plan as it stood at the last
instant of the period in Pastaza, whatever day it is taken; a draft of a period that has not ended is provisional
and cannot be approved nor published."""

from __future__ import annotations

import csv
import io
import json
import zoneinfo
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from commitments.models import (
    BudgetExecution,
    Indicator,
    IndicatorValue,
    IndicatorVerification,
    IrmLevel,
    Milestone,
    MilestoneProgress,
    ProgressSource,
)
from commitments.services import update_progress_record
from reports import services
from reports.models import Report
from reports.pdf import report_html
from reports.periods import Period
from reports.services import ReportActionRefused
from reports.snapshot import snapshot_build
from tests.factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory, ProgressUpdateFactory

from .conftest import Q3, pdf_text

pytestmark = pytest.mark.django_db

PUYO = zoneinfo.ZoneInfo("America/Guayaquil")


def at(*args) -> datetime:
    """A moment in Puyo, as a frozen clock (time_machine) takes it."""
    return datetime(*args, tzinfo=PUYO)


def frozen(*args):
    return time_machine.travel(at(*args), tick=False)


def observe(milestone: Milestone, day: date, progress: int, *, published: bool = True) -> MilestoneProgress:
    return MilestoneProgress.objects.create(
        milestone=milestone,
        observed_on=day,
        progress=progress,
        level=IrmLevel.for_progress(progress),
        source=ProgressSource.ADMIN,
        is_published=published,
    )


def make_indicator(commitment, *, order: int = 1, **values) -> Indicator:
    fields = {
        "commitment": commitment,
        "order": order,
        "name_es": "Plantas producidas al año",
        "name_qu": "Watapi wiñachishka yurakuna",
        "unit_es": "plantas",
        "unit_qu": "yurakuna",
        "baseline_value": Decimal("60000"),
        "baseline_on": date(2024, 12, 31),
        "target_value": Decimal("120000"),
        "target_on": date(2027, 12, 31),
        "disaggregation": Indicator.Disaggregation.SEX,
        "is_published": True,
        **values,
    }
    return Indicator.objects.create(**fields)


def measure(indicator: Indicator, day: date, value, group: str = "", **extra) -> IndicatorValue:
    return IndicatorValue.objects.create(
        indicator=indicator, observed_on=day, value=Decimal(value), group=group, **{"is_published": True, **extra}
    )


@pytest.fixture
def third_quarter(plan, commitment, other_commitment):
    """The plan as the third quarter of 2025 left it, recorded on 1 October 2025 (Puyo), with:
    - milestone 1 of TEST0001, due 31 August, 60 % on 30 September: overdue 30 days on the quarter's last day;
    - milestone 2, due 31 July, complete on 10 September: completed late;
    - milestone 3, which starts on 15 October: not started then;
    - milestone 1 of TEST0002, complete on time (20 July, due 31 August);
    - an update of August, 1000 USD executed by 1 September, an indicator with three values of the quarter (one
      verified by the monitor on 20 September) and one after it."""
    with frozen(2025, 10, 1, 8):
        late = MilestoneFactory(
            commitment=commitment,
            order=1,
            title_es="Diagnóstico de fuentes de agua",
            title_qu="Yaku pukyukunata rikuna",
            due_on=date(2025, 8, 31),
            progress=60,
            observed=date(2025, 9, 30),
        )
        observe(late, date(2025, 3, 1), 30)
        MilestoneFactory(
            commitment=commitment,
            order=2,
            title_es="Vivero provincial",
            due_on=date(2025, 7, 31),
            progress=100,
            completed_on=date(2025, 9, 10),
            observed=date(2025, 9, 10),
        )
        MilestoneFactory(
            commitment=commitment,
            order=3,
            title_es="Plantación en cuencas",
            starts_on=date(2025, 10, 15),
            due_on=date(2026, 6, 30),
            progress=0,
            level=IrmLevel.NOT_STARTED,
        )
        MilestoneFactory(
            commitment=other_commitment,
            order=1,
            title_es="Mantenimiento de vías",
            due_on=date(2025, 8, 31),
            progress=100,
            completed_on=date(2025, 7, 20),
            observed=date(2025, 7, 20),
        )
        ProgressUpdateFactory(commitment=commitment, occurred_on=date(2025, 8, 15), title_es="Taller con comunidades")
        commitment.budget_planned, commitment.budget_executed = Decimal("5000"), Decimal("1000")
        commitment.budget_source_es, commitment.budget_source_qu = "Presupuesto provincial", "Markapak kullki"
        commitment.save()
        BudgetExecution.objects.create(
            commitment=commitment, observed_on=date(2025, 9, 1), amount=Decimal("1000"), source=ProgressSource.ADMIN
        )
        plants = make_indicator(commitment)
        make_indicator(commitment, order=2, name_es="Borrador", is_published=False)
        measure(plants, date(2025, 6, 30), "64000")
        measure(plants, date(2025, 9, 30), "71000")
        measure(plants, date(2025, 9, 30), "30500", group="Mujeres")
        measure(plants, date(2025, 8, 31), "1", is_published=False)
    with frozen(2025, 9, 20, 10):
        verify(IndicatorValue.objects.get(observed_on=date(2025, 6, 30)), "verified", "Actas de entrega.")
    return plan


def a_year_of_news(commitment, other_commitment) -> None:
    """What a year after the third quarter brings: progress observed since, the milestone completed, an update,
    budget and indicator values, and the monitor's word on a value of the quarter, all after its end."""
    late = commitment.milestones.get(order=1)
    observe(late, date(2025, 11, 1), 100)
    Milestone.objects.filter(pk=late.pk).update(progress=100, level="complete", completed_on=date(2025, 11, 1))
    observe(commitment.milestones.get(order=3), date(2025, 11, 1), 20)
    observe(other_commitment.milestones.get(order=1), date(2026, 2, 1), 100)
    update = ProgressUpdateFactory(
        commitment=commitment,
        milestone=commitment.milestones.get(order=3),
        occurred_on=date(2025, 12, 1),
        progress=35,
        title_es="Plantación de diciembre",
    )
    update_progress_record(update=update)
    BudgetExecution.objects.create(
        commitment=commitment, observed_on=date(2025, 10, 2), amount=Decimal("4000"), source=ProgressSource.ADMIN
    )
    BudgetExecution.objects.create(
        commitment=other_commitment, observed_on=date(2026, 1, 15), amount=Decimal("800"), source=ProgressSource.ADMIN
    )
    plants = Indicator.objects.get(commitment=commitment, order=1)
    measure(plants, date(2025, 12, 31), "90000")
    verify(IndicatorValue.objects.get(observed_on=date(2025, 9, 30), group=""), "disputed")


def verify(value: IndicatorValue, status: str, note: str = "") -> IndicatorVerification:
    """The monitor's verdict on a value, dated now (checked_at). Written without the change-history signals, which
    this test does not exercise."""
    return IndicatorVerification.objects.bulk_create([IndicatorVerification(value=value, status=status, note=note)])[0]


def without_taken_at(snapshot: dict) -> dict:
    return {key: value for key, value in snapshot.items() if key != "taken_at"}


def milestones_of(snapshot: dict, code: str) -> dict[int, dict]:
    row = next(c for c in snapshot["commitments"] if c["code"] == code)
    return {m["order"]: m for m in row["milestones"]}


def test_a_past_quarter_is_the_same_the_day_after_and_a_year_later(third_quarter, commitment, other_commitment):
    with frozen(2025, 10, 1, 9):
        report = services.report_draft_for_period(plan=third_quarter, period=Q3)
    day_after = report.snapshot

    with frozen(2026, 10, 1, 9), translation.override("qu"):  # nor does the language staff work in matter
        a_year_of_news(commitment, other_commitment)
        assert commitment.milestones.get(order=1).progress == 100  # today's state has moved on
        services.report_snapshot_refresh(report=report)
    report.refresh_from_db()

    assert report.snapshot["taken_at"] == "2026-10-01T09:00:00-05:00" != day_after["taken_at"]
    assert without_taken_at(report.snapshot) == without_taken_at(day_after)
    snapshot = report.snapshot
    assert snapshot["schema"] == 3 and snapshot["as_of"] == "2025-09-30T23:59:59-05:00"
    row = next(c for c in snapshot["commitments"] if c["code"] == "TEST0001")
    # (60 + 100 + 0) / 3 as of the end; the budget recorded by then; the update of the quarter only.
    assert (row["progress"], row["irm_level"], row["budget_executed"]) == (53, "substantial", "1000.00")
    assert row["budget_source"] == {"es": "Presupuesto provincial", "qu": "Markapak kullki"}
    assert [u["title"]["es"] for u in row["updates"]] == ["Taller con comunidades"]
    assert next(c for c in snapshot["commitments"] if c["code"] == "TEST0002")["budget_executed"] is None


def test_milestones_are_as_they_stood_at_the_periods_end(third_quarter, commitment, other_commitment):
    with frozen(2026, 10, 1, 9):
        a_year_of_news(commitment, other_commitment)
        snapshot = snapshot_build(plan=third_quarter, period=Q3)

    late, completed_late, not_started = (milestones_of(snapshot, "TEST0001")[n] for n in (1, 2, 3))
    assert (late["level"], late["progress"], late["completed_on"]) == ("substantial", 60, None)
    assert (late["overdue"], late["days_overdue"], late["completed_late"]) == (True, 30, False)
    assert (completed_late["level"], completed_late["completed_on"]) == ("complete", "2025-09-10")
    assert (completed_late["overdue"], completed_late["days_overdue"], completed_late["completed_late"]) == (
        False,
        0,
        True,
    )
    assert (not_started["level"], not_started["progress"], not_started["overdue"]) == ("not_started", 0, False)
    on_time = milestones_of(snapshot, "TEST0002")[1]
    assert (on_time["level"], on_time["overdue"], on_time["completed_late"]) == ("complete", False, False)
    totals = snapshot["totals"]
    assert (totals["milestones_overdue"], totals["milestones_completed_late"], totals["milestones_complete"]) == (
        1,
        1,
        2,
    )


def test_indicators_hold_the_values_measured_by_the_periods_end(third_quarter, commitment, other_commitment):
    with frozen(2026, 10, 1, 9):
        a_year_of_news(commitment, other_commitment)
        snapshot = snapshot_build(plan=third_quarter, period=Q3)

    row = next(c for c in snapshot["commitments"] if c["code"] == "TEST0001")
    (plants,) = row["indicators"]  # the unpublished one is not there
    assert plants["name"] == {"es": "Plantas producidas al año", "qu": "Watapi wiñachishka yurakuna"}
    assert plants["unit"]["es"] == "plantas" and plants["direction"] == "increase"
    assert (plants["baseline_value"], plants["baseline_on"]) == ("60000.00", "2024-12-31")
    assert (plants["target_value"], plants["target_on"]) == ("120000.00", "2027-12-31")
    # The monitor's verdict given during the quarter is kept; the one given a year later is not.
    assert [(v["observed_on"], v["value"], v["group"], v["verification"]) for v in plants["values"]] == [
        ("2025-06-30", "64000.00", "", "verified"),
        ("2025-09-30", "71000.00", "", None),
        ("2025-09-30", "30500.00", "Mujeres", None),
    ]
    assert snapshot["totals"]["indicators"] == 1


def test_recomputing_a_draft_of_a_period_not_ended_depends_only_on_what_was_recorded(third_quarter):
    with frozen(2025, 9, 10, 12):
        report = services.report_draft_for_period(plan=third_quarter, period=Q3)
        assert report.is_provisional
    first = report.snapshot
    with frozen(2025, 9, 25, 12):
        services.report_snapshot_refresh(report=report)
    assert report.snapshot["taken_at"] != first["taken_at"]
    assert without_taken_at(report.snapshot) == without_taken_at(first)


def test_a_provisional_draft_cannot_be_approved_nor_published_until_its_period_ends(
    third_quarter, planner, second_planner
):
    with frozen(2025, 9, 30, 23, 59, 59):
        report = services.report_draft_for_period(plan=third_quarter, period=Q3)
        report.summary_es = "Resumen."
        report.save()
        services.report_submit(report=report, by=planner)  # review may start before the end
        assert report.is_provisional
        with translation.override("es"), pytest.raises(ReportActionRefused, match="no ha terminado"):
            services.report_approve(report=report, by=second_planner)
    report.refresh_from_db()
    assert report.status == Report.Status.IN_REVIEW

    # One second later it is 1 October in Puyo (05:00 UTC): the quarter has ended.
    with frozen(2025, 10, 1, 0, 0, 1):
        assert not report.is_provisional
        services.report_approve(report=report, by=second_planner)
    # A clock that goes back (or the example report's own publication) meets the same rule when publishing.
    with frozen(2025, 9, 30, 22), pytest.raises(ReportActionRefused):
        services.report_publish(report=report, by=planner)
    with frozen(2025, 10, 2, 9):
        services.report_publish(report=report, by=planner)
    assert Report.objects.get(pk=report.pk).status == Report.Status.PUBLISHED


def test_the_admin_marks_a_provisional_draft_and_says_why_it_cannot_be_approved(
    third_quarter, planner, planner_client, second_planner
):
    from django.test import Client

    with frozen(2025, 9, 15, 10):
        report = services.report_draft_for_period(plan=third_quarter, period=Q3)
        report.summary_es = "Resumen."
        report.save()
        services.report_submit(report=report, by=planner)
        reviewer = Client()
        reviewer.force_login(second_planner)
        change = reviewer.get(f"/admin/reports/report/{report.pk}/change/").content.decode()
        assert 'class="errornote"' in change and "no ha terminado" in change
        listing = reviewer.get("/admin/reports/report/").content.decode()
        assert "provisional" in listing.lower()
        response = reviewer.post(f"/admin/reports/report/{report.pk}/workflow/approve/", follow=True)
        assert response.status_code == 200
        assert "Podrá aprobarse y publicarse desde el 1 de octubre de 2025" in response.content.decode()
        preview = reviewer.get(f"/admin/reports/report/{report.pk}/page/es/")
        assert preview.status_code == 200
        assert "Provisional: el período no ha terminado; las cifras pueden cambiar." in preview.content.decode()
        assert reviewer.get(f"/admin/reports/report/{report.pk}/page/xx/").status_code == 404
    assert Report.objects.get(pk=report.pk).status == Report.Status.IN_REVIEW


def test_the_pdf_of_a_provisional_draft_says_so_on_every_page(third_quarter, rerender):
    with frozen(2025, 9, 15, 10):
        report = services.report_draft_for_period(plan=third_quarter, period=Q3)
        assert rerender(report)
    text = pdf_text(report.files.get(language="es").file.path)
    pages = report.files.get(language="es").pages
    assert text.count("Provisional: el período no ha terminado; las cifras pueden cambiar.") == pages + 1  # + cover
    assert "Situación al 30 de septiembre de 2025" in text


def publish(report, planner, second_planner) -> Report:
    report.summary_es = "Resumen del tercer trimestre."
    report.save()
    services.report_submit(report=report, by=planner)
    services.report_approve(report=report, by=second_planner)
    return services.report_publish(report=report, by=planner)


def test_the_report_page_and_pdf_say_overdue_late_and_the_situation_in_both_languages(
    third_quarter, planner, second_planner, citizen, settings
):
    settings.CONECTA_PLAN_SLUG = third_quarter.slug
    with frozen(2025, 10, 1, 9):
        report = publish(services.report_draft_for_period(plan=third_quarter, period=Q3), planner, second_planner)

    es = citizen.get(report.get_absolute_url()).content.decode()
    assert "Situación al 30 de septiembre de 2025" in es and "datos registrados al" not in es
    assert "Vencido · 30 días de retraso" in es
    assert "completado con retraso" in es
    assert "Hitos completados con retraso" in es
    assert "Indicadores" in es and "Línea base" in es and '<th scope="col">Meta</th>' in es
    assert "71.000" in es and "(Mujeres)" in es and "verificado por el monitor (FCD)" in es
    assert "Provisional" not in es

    qu = citizen.get(report.get_absolute_url().replace("/es/", "/qu/")).content.decode()
    assert "punchakama imashina kashka" in qu
    assert "Pachanta mana paktachishka · 30 punchakuna yallishka" in qu
    assert "pachamanta washa paktachishka" in qu
    assert "Rikuchikkuna" in qu and "Kallari yupay" in qu

    html = report_html(report, "es")
    assert "Situación al 30 de septiembre de 2025" in html and "Vencido · 30 días de retraso" in html
    assert "completado con retraso" in html and "Línea base" in html


def test_the_twins_carry_the_state_at_the_periods_end_and_the_indicators(
    third_quarter, planner, second_planner, citizen, commitment, other_commitment
):
    with frozen(2025, 10, 1, 9):
        report = publish(services.report_draft_for_period(plan=third_quarter, period=Q3), planner, second_planner)
    with frozen(2026, 10, 1, 9):
        a_year_of_news(commitment, other_commitment)
        data = json.loads(citizen.get(f"{report.get_absolute_url()}{report.json_name}").content)
        body = citizen.get(f"{report.get_absolute_url()}{report.csv_name}").content.decode()
    assert data["snapshot"]["as_of"] == "2025-09-30T23:59:59-05:00"

    rows = list(csv.DictReader(io.StringIO(body)))
    late = next(r for r in rows if r["record"] == "milestone" and r["title_es"] == "Diagnóstico de fuentes de agua")
    assert (late["progress"], late["irm_level"], late["overdue"], late["days_overdue"]) == (
        "60",
        "substantial",
        "True",
        "30",
    )
    vivero = next(r for r in rows if r["title_es"] == "Vivero provincial")
    assert vivero["completed_late"] == "True" and vivero["completed_on"] == "2025-09-10"
    first = next(r for r in rows if r["record"] == "commitment" and r["commitment_code"] == "TEST0001")
    assert first["budget_executed"] == "1000.00" and first["progress"] == "53"
    (indicator,) = [r for r in rows if r["record"] == "indicator"]
    assert (indicator["title_es"], indicator["unit_es"], indicator["baseline_value"], indicator["target_on"]) == (
        "Plantas producidas al año",
        "plantas",
        "60000.00",
        "2027-12-31",
    )
    values = [(r["date"], r["value"], r["group"], r["verification"]) for r in rows if r["record"] == "indicator_value"]
    assert values == [
        ("2025-06-30", "64000.00", "", "verified"),
        ("2025-09-30", "71000.00", "", ""),
        ("2025-09-30", "30500.00", "Mujeres", ""),
    ]


def build_plan(size: int, prefix: str):
    """A plan of `size` commitments, each with three milestones (with history), an update, a budget record and
    an indicator with a verified value."""
    plan = ActionPlanFactory(slug=f"plan-{prefix.lower()}")
    for n in range(size):
        c = CommitmentFactory(code=f"{prefix}{n:04d}", plan=plan)
        for order in (1, 2, 3):
            m = MilestoneFactory(commitment=c, order=order, progress=20 * order, due_on=date(2025, 8, 31))
            observe(m, date(2025, 9, 1), 10 * order)
        ProgressUpdateFactory(commitment=c, occurred_on=date(2025, 8, 1), is_published=True)
        BudgetExecution.objects.create(commitment=c, observed_on=date(2025, 9, 1), amount=1, source="admin")
        value = measure(make_indicator(c), date(2025, 9, 1), "61000")
        verify(value, "verified")
    return plan


def test_the_snapshot_costs_the_same_queries_for_3_and_30_commitments():
    with frozen(2025, 10, 1, 9):
        small, large = build_plan(3, "FEW"), build_plan(30, "MANY")
        with CaptureQueriesContext(connection) as few:
            small_snapshot = snapshot_build(plan=small, period=Q3)
        with CaptureQueriesContext(connection) as many:
            large_snapshot = snapshot_build(plan=large, period=Q3)
    assert len(small_snapshot["commitments"]) == 3 and len(large_snapshot["commitments"]) == 30
    assert large_snapshot["totals"]["indicators"] == 30
    # Five for the plan (commitments, milestones, updates, indicators, values), six for the participation, and
    # up to three for the road works (works, their cantons) and road requests (tests/roads/test_report_roads.py).
    assert len(few.captured_queries) == len(many.captured_queries) <= 14


def test_the_example_report_of_load_demo_is_as_of_the_end_of_2025(real_plan, citizen):
    report = Report.objects.get(plan=real_plan, period="2025-Q4")
    snapshot = report.snapshot
    assert snapshot["schema"] == 3 and snapshot["as_of"] == "2025-12-31T23:59:59-05:00"
    third = milestones_of(snapshot, "ECPTZ0003")
    assert (third[3]["level"], third[3]["progress"], third[3]["starts_on"]) == ("not_started", 0, "2026-01-01")
    assert third[2]["progress"] == 40  # commitments/plan_data.py EXAMPLE_PROGRESS: 40 % on 15 December 2025
    page = citizen.get(report.get_absolute_url()).content.decode()
    assert "Situación al 31 de diciembre de 2025" in page
    assert "datos registrados al" not in page.lower()


def test_a_report_frozen_with_schema_2_still_renders(approved, planner, citizen):
    """Reports published before the history existed were taken as the plan stood then: no `as_of`, no days
    overdue, no indicators. Their page, PDF and twins still show them, saying when the data were recorded."""
    old = json.loads(json.dumps(approved.snapshot))
    old["schema"] = 2
    for key in ("as_of",):
        old.pop(key)
    old["totals"].pop("milestones_completed_late")
    old["totals"].pop("indicators")
    for row in old["commitments"]:
        row.pop("indicators")
        row.pop("overdue")
        for m in row["milestones"]:
            m.pop("days_overdue")
            m.pop("completed_late")
            m["overdue"] = True
    Report.objects.filter(pk=approved.pk).update(snapshot=old)
    approved.refresh_from_db()
    published = services.report_publish(report=approved, by=planner)

    page = citizen.get(published.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "datos registrados al" in text and "Situación al" not in text
    assert '<span class="late">vencido</span>' in text
    assert "Indicadores" not in text
    html = report_html(published, "qu")
    assert "pachanta mana paktachishka" in html
    assert citizen.get(f"{published.get_absolute_url()}{published.csv_name}").status_code == 200
    assert citizen.get(f"{published.get_absolute_url()}{published.json_name}").status_code == 200


def test_a_period_that_has_not_ended_is_provisional_and_a_published_report_never_is(published):
    assert not published.is_provisional
    with frozen(2025, 9, 1, 9):
        assert not published.is_provisional  # published: whatever the clock says
        assert Report(period=Period(2025, 3).key, period_ends_on=Q3.ends_on).is_provisional
