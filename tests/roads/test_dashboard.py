"""Roads' lines on the staff dashboard (roads.dashboard): the planners' requests awaiting moderation, the open
requests with no change in 30 days and the published works under way with no progress in 45 days (late), for what
the signed-in person may act on; each line opens the list of exactly what it counts; the queries are bounded."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from conecta.extensions import DashboardItem, dashboard_items
from roads import dashboard
from roads.models import RoadRequestChange
from tests.roads.factories import RoadProgressFactory, RoadRequestFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

PASTAZA = ZoneInfo("America/Guayaquil")
TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=PASTAZA), tick=False):
        yield


def lines_for(user) -> dict[str, DashboardItem]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return {str(item.label): item for item in dashboard.dashboard_items(request)}


def scene(department, other_department, copies: int = 1) -> None:
    """For each copy: a Public Works work under way with old progress, one with recent progress, one of another
    department with none; an old idle request about a Public Works work, a recent one, one that changed lately,
    a closed one and a pending one."""
    for _n in range(copies):
        idle = RoadWorkFactory(institution=other_department, actual_start=date(2025, 6, 1))
        RoadProgressFactory(work=idle, observed_on=TODAY - timedelta(days=60))
        busy = RoadWorkFactory(institution=other_department, actual_start=date(2025, 6, 1))
        RoadProgressFactory(work=busy, observed_on=TODAY - timedelta(days=10))
        RoadWorkFactory(institution=department)
        RoadWorkFactory(institution=other_department, is_published=False)
        old = TODAY - timedelta(days=40)
        RoadRequestFactory(work=idle, received_on=old)
        RoadRequestFactory(work=idle, received_on=TODAY - timedelta(days=5))
        changed = RoadRequestFactory(work=busy, received_on=old)
        RoadRequestChange.objects.create(request=changed, status="scheduled", note_es="Programado.")
        RoadRequestFactory(work=idle, received_on=old, status="fixed", fixed_on=old)
        RoadRequestFactory(received_on=old, moderation="pending")
    from roads.services import road_progress_refresh

    road_progress_refresh()


IDLE_REQUESTS = "Open road requests with no change in 30 days"
IDLE_WORKS = "Road works under way with no progress in 45 days"


def test_a_planner_sees_the_idle_requests_and_the_late_works(planner, department, other_department, planner_client):
    scene(department, other_department)

    lines = {label: item for label, item in lines_for(planner).items()}
    labels = [str(item.label) for item in lines.values()]

    assert any("30" in label for label in labels) and any("45" in label for label in labels)
    requests = next(item for item in lines.values() if "30" in str(item.label))
    works = next(item for item in lines.values() if "45" in str(item.label))
    # The department's work has no start and no progress: it too is late.
    assert (requests.count, works.count, works.severity) == (1, 2, "late")
    for item in lines.values():
        response = planner_client.get(item.url)
        assert response.status_code == 200
        assert response.context["cl"].result_count == item.count, item.label


def test_the_pending_requests_are_counted_once_on_the_dashboard(planner, department, other_department, planner_client):
    scene(department, other_department)
    request = RequestFactory().get("/admin/")
    request.user = planner

    pending = [
        item
        for item in dashboard_items(request)
        if getattr(item, "url", "").endswith("moderation=pending") and "roadrequest" in item.url
    ]

    assert [item.count for item in pending] == [1]
    assert planner_client.get(pending[0].url).context["cl"].result_count == 1


def test_an_implementer_sees_only_their_institutions(
    other_implementer, department, other_department, other_implementer_client
):
    scene(department, other_department)

    lines = lines_for(other_implementer)

    assert sorted(item.count for item in lines.values()) == [1, 1]
    for item in lines.values():
        assert other_implementer_client.get(item.url).context["cl"].result_count == item.count, item.label


def test_another_departments_implementer_has_nothing_late_of_public_works(implementer, department, other_department):
    scene(department, other_department)

    counts = {str(label): item.count for label, item in lines_for(implementer).items()}

    assert sorted(counts.values()) == [0, 1]  # their own work: published, under way, never reported


def test_the_monitor_has_no_roads_line(monitor, department, other_department):
    scene(department, other_department)

    assert lines_for(monitor) == {}


@pytest.mark.parametrize("who", ["planner", "other_implementer"])
def test_the_lines_take_a_bounded_number_of_queries(request, department, other_department, who):
    user = request.getfixturevalue(who)
    scene(department, other_department)
    lines_for(user)  # permissions and groups warm up

    with CaptureQueriesContext(connection) as few:
        lines_for(user)
    scene(department, other_department, copies=10)
    with CaptureQueriesContext(connection) as many:
        lines = lines_for(user)

    assert len(many) == len(few) <= 4
    assert max(item.count for item in lines.values()) >= 11
