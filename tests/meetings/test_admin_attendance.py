"""The staff admin of meetings: translated tabs, attendance inline, and the totals rule on save."""

import pytest
from django.contrib.auth.models import Group

from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def form_data(**attendance_counts) -> dict:
    data = {
        "slug": "comite-2025-03",
        "kind": "steering_committee",
        "title_es": "Comité Impulsor, marzo de 2025",
        "title_qu": "",
        "date": "15/03/2025",
        "place_es": "Puyo",
        "place_qu": "",
        "summary_es": "",
        "summary_qu": "",
        "axis": "",
        "attendance-TOTAL_FORMS": str(len(attendance_counts)),
        "attendance-INITIAL_FORMS": "0",
        "attendance-MIN_NUM_FORMS": "0",
        "attendance-MAX_NUM_FORMS": "1000",
        "agreements-TOTAL_FORMS": "0",
        "agreements-INITIAL_FORMS": "0",
        "agreements-MIN_NUM_FORMS": "0",
        "agreements-MAX_NUM_FORMS": "1000",
        "kichwa-recording-content_type-object_id-TOTAL_FORMS": "0",  # the recordings (kichwa.admin_audio)
        "kichwa-recording-content_type-object_id-INITIAL_FORMS": "0",
    }
    for i, (category, count) in enumerate(attendance_counts.items()):
        dimension = "gender" if category in ("men", "women") else "sector"
        data |= {
            f"attendance-{i}-dimension": dimension,
            f"attendance-{i}-category": category,
            f"attendance-{i}-count": str(count),
        }
    return data


def test_planners_see_the_meetings_with_their_participants(planner_client, real_plan):
    response = planner_client.get("/admin/meetings/meeting/")

    assert response.status_code == 200
    assert "Mesa de trabajo Biofísica" in response.text
    assert '<td class="field-participants">21</td>' in response.text


def test_the_change_form_has_language_tabs_and_the_attendance_inline(planner_client, real_plan):
    meeting = Meeting.objects.get(axis="biophysical")

    response = planner_client.get(f"/admin/meetings/meeting/{meeting.pk}/change/")

    assert response.status_code == 200
    assert 'name="title_qu"' in response.text
    assert 'name="attendance-0-count"' in response.text


def test_a_meeting_whose_totals_agree_is_saved(planner_client):
    response = planner_client.post("/admin/meetings/meeting/add/", form_data(men=3, women=2, community=5))

    assert response.status_code == 302
    meeting = Meeting.objects.get(slug="comite-2025-03")
    assert sorted(meeting.attendance.values_list("category", "count")) == [("community", 5), ("men", 3), ("women", 2)]


def test_a_meeting_whose_totals_disagree_is_refused(planner_client):
    response = planner_client.post("/admin/meetings/meeting/add/", form_data(men=3, women=2, community=4))

    assert response.status_code == 200
    assert not Meeting.objects.exists()
    assert "5" in response.text and "4" in response.text


def test_the_monitor_reads_but_cannot_add(monitor_client, real_plan):
    assert Group.objects.filter(name="Monitor (FCD)").exists()
    assert monitor_client.get("/admin/meetings/meeting/").status_code == 200
    assert monitor_client.get("/admin/meetings/meeting/add/").status_code == 403
