"""Road works and road requests in the quarterly and annual reports (issue 13): the snapshot holds the works as they
stood at the period's end and the requests of the period, the page, the PDF and the twins show them, and a
published report never changes."""

from __future__ import annotations

import csv
import io
import json
import zoneinfo
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from commitments.roles import PLANNER
from reports import services
from reports.models import Report
from reports.pdf import report_html
from reports.periods import Period
from reports.snapshot import roads_of, snapshot_build, work_status_then
from roads.models import RoadProgress, RoadRequestChange, RoadWork, WorkStatus
from roads.services import road_progress_refresh
from tests.factories import ActionPlanFactory, CantonFactory, CommitmentFactory, UserFactory

from .factories import ParishFactory, RoadProgressFactory, RoadRequestFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

PUYO = zoneinfo.ZoneInfo("America/Guayaquil")
Q3 = Period(2025, 3)


def frozen(*args):
    return time_machine.travel(datetime(*args, tzinfo=PUYO), tick=False)


@pytest.fixture(autouse=True)
def reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


@pytest.fixture
def canton(db):
    return CantonFactory(code="1603", slug="santa-clara", name_es="Santa Clara", name_qu="Santa Clara kiti")


@pytest.fixture
def third_quarter(plan, commitment, other_department, canton):
    """Recorded on 1 July 2025, before the third quarter's works started:
    - VIA-A (of the plan's commitment): under way since 10 July, 40 % and USD 90,000 paid on 31 August, then
      70 % on 15 October (after the quarter);
    - VIA-B (tied to no commitment): in preparation, nothing observed;
    - an unpublished work, and one of another plan's commitment, which the report leaves out."""
    with frozen(2025, 7, 1, 9):
        a = RoadWorkFactory(
            code="VIA-A",
            name_es="Lastrado de la vía a San José",
            name_qu="San Joseman rik ñanta rumikunawan killpay",
            commitment=commitment,
            institution=other_department,
            status=WorkStatus.IMPLEMENTATION,
            actual_start=date(2025, 7, 10),
            is_example=True,
        )
        a.cantons.set([canton])
        RoadWorkFactory(
            code="VIA-B", commitment=None, institution=other_department, status=WorkStatus.PREPARATION, budget=None
        )
        RoadWorkFactory(code="VIA-DRAFT", commitment=commitment, institution=other_department, is_published=False)
        elsewhere = CommitmentFactory(code="OTRO0001", plan=ActionPlanFactory(slug="otro-plan"))
        RoadWorkFactory(code="VIA-OTHER", commitment=elsewhere, institution=other_department)
    RoadProgressFactory(work=a, observed_on=date(2025, 8, 31), physical_pct=40, paid_amount=Decimal("90000"))
    RoadProgressFactory(work=a, observed_on=date(2025, 9, 15), physical_pct=55, is_published=False)
    RoadProgressFactory(work=a, observed_on=date(2025, 10, 15), physical_pct=70, paid_amount=Decimal("150000"))
    road_progress_refresh()
    return plan


def works_of(snapshot: dict) -> dict[str, dict]:
    return {w["code"]: w for w in snapshot["roads"]["works"]}


def test_the_snapshot_holds_the_works_as_they_stood_at_the_periods_end(third_quarter):
    with frozen(2025, 10, 20, 9):
        RoadWorkFactory(code="VIA-LATER", commitment=None)  # recorded after the quarter
        snapshot = snapshot_build(plan=third_quarter, period=Q3)
    works = works_of(snapshot)
    assert list(works) == ["VIA-A", "VIA-B"]
    a = works["VIA-A"]
    assert a["name"] == {"es": "Lastrado de la vía a San José", "qu": "San Joseman rik ñanta rumikunawan killpay"}
    # The observation of 15 October (after the quarter) and the unpublished one of 15 September are not counted.
    assert (a["physical_pct"], a["paid_amount"], a["progress_on"]) == (40, "90000.00", "2025-08-31")
    assert (a["status"], a["kind"], a["commitment"], a["is_example"]) == (
        "implementation",
        "maintenance",
        "TEST0001",
        True,
    )
    assert a["cantons"] == [{"es": "Santa Clara", "qu": "Santa Clara kiti"}]
    assert (a["length_km"], a["budget"]) == ("12.50", "250000.00")
    assert a["url"] == {"es": "/es/vias/VIA-A/", "qu": "/qu/vias/VIA-A/"}
    b = works["VIA-B"]
    assert (b["physical_pct"], b["paid_amount"], b["progress_on"], b["budget"], b["commitment"]) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert b["status"] == "preparation"
    # Today's work shows its latest progress, the report the one of the quarter.
    assert RoadWork.objects.get(code="VIA-A").physical_pct == 70


@pytest.mark.parametrize(
    ("status", "actual_start", "actual_end", "then"),
    [
        (WorkStatus.CANCELLED, date(2025, 7, 1), None, WorkStatus.CANCELLED),
        (WorkStatus.MAINTENANCE, date(2025, 7, 1), date(2025, 9, 1), WorkStatus.COMPLETION),
        (WorkStatus.COMPLETION, date(2025, 7, 1), date(2025, 11, 1), WorkStatus.IMPLEMENTATION),
        (WorkStatus.IMPLEMENTATION, date(2025, 10, 2), None, None),
        (WorkStatus.IMPLEMENTATION, None, None, None),
        (WorkStatus.PREPARATION, None, None, WorkStatus.PREPARATION),
        (WorkStatus.IDENTIFICATION, None, None, WorkStatus.IDENTIFICATION),
    ],
)
def test_a_works_status_at_the_end_follows_its_dates(status, actual_start, actual_end, then):
    work = RoadWork(status=status, actual_start=actual_start, actual_end=actual_end)
    assert work_status_then(work, Q3.ends_on) == then


def test_the_requests_of_the_period_are_counted_as_they_stood_at_its_end(db):
    sarayacu, canelos = (
        ParishFactory(code="160161", name_es="Sarayacu"),
        ParishFactory(code="160152", name_es="Canelos"),
    )

    def request(parish, received, fixed=None, **extra):
        return RoadRequestFactory(parish=parish, received_on=received, fixed_on=fixed, **extra)

    def change(req, status, *moment):
        RoadRequestChange.objects.create(request=req, status=status, changed_at=datetime(*moment, tzinfo=PUYO))

    request(sarayacu, date(2025, 7, 5), date(2025, 7, 15), status="fixed")  # received and fixed: 10 days
    request(sarayacu, date(2025, 6, 10), date(2025, 8, 9), status="fixed")  # fixed in the quarter: 60 days
    change(request(canelos, date(2025, 8, 1), status="scheduled"), "scheduled", 2025, 8, 2, 9)  # open
    change(request(canelos, date(2025, 9, 1), status="not_provincial"), "not_provincial", 2025, 9, 10, 9)  # closed
    change(request(canelos, date(2025, 9, 2), status="closed"), "closed", 2025, 10, 10, 9)  # closed after: open
    request(canelos, date(2025, 8, 20), date(2025, 10, 5), status="fixed")  # fixed after the quarter: open
    request(canelos, date(2025, 7, 20), moderation="pending")  # not moderated yet: counted, open
    request(canelos, date(2025, 8, 10), moderation="rejected")  # spam: never counted
    request(canelos, date(2025, 8, 11), moderation="hidden")
    request(canelos, date(2025, 10, 2))  # after the quarter
    request(sarayacu, date(2025, 5, 1), date(2025, 6, 1), status="fixed")  # all before the quarter

    requests = roads_of(plan=ActionPlanFactory(), period=Q3)["requests"]
    assert {k: requests[k] for k in ("received", "fixed", "open_at_end", "median_days_to_fix")} == {
        "received": 6,
        "fixed": 2,
        "open_at_end": 4,
        "median_days_to_fix": 35.0,
    }
    assert requests["parishes"] == [
        {
            "code": "160152",
            "name": {"es": "Canelos", "qu": ""},
            "received": 5,
            "fixed": 0,
            "open_at_end": 4,
            "median_days_to_fix": None,
        },
        {
            "code": "160161",
            "name": {"es": "Sarayacu", "qu": ""},
            "received": 1,
            "fixed": 2,
            "open_at_end": 0,
            "median_days_to_fix": 35.0,
        },
    ]


def build_works(count: int, prefix: str, department) -> None:
    parish = ParishFactory()
    canton = parish.canton
    for n in range(count):
        work = RoadWorkFactory(code=f"{prefix}-{n:03d}", commitment=None, institution=department)
        work.cantons.set([canton])
        RoadProgressFactory(work=work, observed_on=date(2025, 8, 1), physical_pct=n % 100)
        RoadProgressFactory(work=work, observed_on=date(2025, 9, 1), physical_pct=(n + 5) % 100)
        RoadRequestFactory(parish=parish, received_on=date(2025, 8, 2), work=work)


def test_the_roads_part_costs_the_same_queries_for_3_and_30_works(department):
    plan = ActionPlanFactory()
    with frozen(2025, 7, 1, 9):
        build_works(3, "FEW", department)
    with CaptureQueriesContext(connection) as few:
        small = roads_of(plan=plan, period=Q3)
    with frozen(2025, 7, 1, 9):
        build_works(27, "MANY", department)
    with CaptureQueriesContext(connection) as many:
        large = roads_of(plan=plan, period=Q3)
    assert (len(small["works"]), len(large["works"])) == (3, 30)
    assert large["requests"]["received"] == 30
    # The works with their progress then, their cantons, and the requests.
    assert len(few.captured_queries) == len(many.captured_queries) == 3


@pytest.fixture
def approved(third_quarter, planner):
    """The third quarter's report, approved on 20 October 2025."""
    reviewer = UserFactory(username="revisora", groups=[PLANNER])
    with frozen(2025, 10, 20, 9):
        report = services.report_draft_for_period(plan=third_quarter, period=Q3)
        report.summary_es = "Resumen del tercer trimestre."
        report.save()
        services.report_submit(report=report, by=planner)
        return services.report_approve(report=report, by=reviewer)


def publish(report, planner) -> Report:
    """Published on 20 October 2025 (its PDFs are queued on commit, which a test's transaction never reaches)."""
    with frozen(2025, 10, 20, 10):
        services.report_publish(report=report, by=planner)
    report.refresh_from_db()
    return report


@pytest.fixture
def published(approved, planner):
    return publish(approved, planner)


def test_the_report_page_and_pdf_show_the_road_works_in_both_languages(published, citizen):
    page = citizen.get(published.get_absolute_url()).content.decode()
    assert '<h2 id="roads-h">Obras viales</h2>' in page
    assert '<a href="/es/vias/VIA-A/"><span class="ccode">VIA-A</span> Lastrado de la vía a San José</a>' in page
    assert "USD 90.000,00" in page and "40 %" in page and "En ejecución" in page
    assert "Solicitudes viales de la ciudadanía" in page
    with translation.override("qu"):
        kichwa = citizen.get(published.get_absolute_url()).content.decode()
    assert '<h2 id="roads-h">Ñan ruranakuna</h2>' in kichwa
    assert "San Joseman rik ñanta rumikunawan killpay" in kichwa
    html = report_html(published, "es")
    assert "Obras viales" in html and f'href="{settings.SITE_URL.rstrip("/")}/es/vias/VIA-A/"' in html
    assert "Ñan ruranakuna" in report_html(published, "qu")


def test_a_published_report_does_not_change_when_the_works_change_later(published, citizen):
    snapshot_before = json.loads(json.dumps(published.snapshot))
    page_before = citizen.get(published.get_absolute_url()).content

    work = RoadWork.objects.get(code="VIA-A")
    RoadProgress.objects.create(work=work, observed_on=date(2025, 9, 30), physical_pct=60)  # of the quarter, late
    RoadProgress.objects.create(work=work, observed_on=date(2025, 11, 30), physical_pct=100)
    road_progress_refresh()
    RoadWork.objects.filter(pk=work.pk).update(
        name_es="Un nombre nuevo", status=WorkStatus.COMPLETION, actual_end=date(2025, 11, 30)
    )
    RoadRequestFactory(received_on=date(2025, 8, 1))

    published.refresh_from_db()
    assert published.snapshot == snapshot_before
    assert works_of(published.snapshot)["VIA-A"]["physical_pct"] == 40
    assert citizen.get(published.get_absolute_url()).content == page_before
    assert "Un nombre nuevo" not in report_html(published, "es")


def test_the_twins_carry_the_road_works_and_the_requests(published, citizen):
    RoadRequestFactory(received_on=date(2025, 8, 1))  # after publishing: not in the twins
    data = json.loads(citizen.get(f"{published.get_absolute_url()}{published.json_name}").content)
    assert [w["code"] for w in data["snapshot"]["roads"]["works"]] == ["VIA-A", "VIA-B"]
    assert data["snapshot"]["roads"]["requests"]["received"] == 0
    body = citizen.get(f"{published.get_absolute_url()}{published.csv_name}").content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    work = next(r for r in rows if r["record"] == "road_work" and r["road_work_code"] == "VIA-A")
    assert (work["commitment_code"], work["progress"], work["paid_amount"], work["date"], work["status"]) == (
        "TEST0001",
        "40",
        "90000.00",
        "2025-08-31",
        "implementation",
    )
    assert (work["cantons"], work["url"], work["is_illustrative"]) == ("Santa Clara", "/es/vias/VIA-A/", "True")
    figures = {r["figure"]: r["value"] for r in rows if r["record"] == "road_requests" and not r["group"]}
    assert figures == {
        "road_requests.received": "0",
        "road_requests.fixed": "0",
        "road_requests.open_at_end": "0",
        "road_requests.median_days_to_fix": "",
    }


def test_a_report_frozen_before_road_works_were_followed_still_renders(approved, planner, citizen):
    old = json.loads(json.dumps(approved.snapshot))
    old.pop("roads")
    Report.objects.filter(pk=approved.pk).update(snapshot=old)  # as a report frozen before issue 13 holds it
    approved.refresh_from_db()
    published = publish(approved, planner)
    page = citizen.get(published.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Obras viales" in text and "Las obras viales no se registraron en este informe" in text
    assert "VIA-A" not in text
    assert "VIA-A" not in report_html(published, "qu")
    assert citizen.get(f"{published.get_absolute_url()}{published.csv_name}").status_code == 200
