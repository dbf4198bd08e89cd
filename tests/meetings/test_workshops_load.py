"""`workshops_load` records the plan's three co-creation workshops once, and never changes them afterwards."""

import io

import pytest
from django.core.management import call_command

from meetings.loaders import workshops_load
from meetings.models import Meeting, MeetingAttendance

pytestmark = pytest.mark.django_db


def rows() -> tuple[list, list]:
    meetings = list(Meeting.objects.order_by("pk").values())
    attendance = list(MeetingAttendance.objects.order_by("pk").values())
    return meetings, attendance


def test_it_loads_the_three_workshops_with_their_participants(real_plan):
    workshops = {m.axis: m for m in Meeting.objects.prefetch_related("attendance")}

    assert len(workshops) == 3
    assert all(m.kind == Meeting.Kind.COCREATION_WORKSHOP and m.is_published for m in workshops.values())
    assert all(m.plan == real_plan and m.place_es == "Puyo" and m.title_qu for m in workshops.values())
    figures = {
        axis: {(a.dimension, a.category): a.count for a in meeting.attendance.all()}
        for axis, meeting in workshops.items()
    }
    assert figures["human_settlements"] == {
        ("gender", "men"): 8, ("gender", "women"): 6,
        ("sector", "civil_society"): 4, ("sector", "community"): 1, ("sector", "ngo"): 1,
        ("sector", "public_sector"): 8,
    }  # fmt: skip
    assert figures["economic_productive"] == {
        ("gender", "men"): 6, ("gender", "women"): 13,
        ("sector", "associative"): 8, ("sector", "private"): 2, ("sector", "ngo"): 3, ("sector", "academia"): 1,
        ("sector", "public_sector"): 5,
    }  # fmt: skip
    assert figures["biophysical"] == {
        ("gender", "men"): 11, ("gender", "women"): 10,
        ("sector", "associative"): 1, ("sector", "private"): 1, ("sector", "ngo"): 1, ("sector", "academia"): 7,
        ("sector", "civil_society"): 3, ("sector", "public_sector"): 8,
    }  # fmt: skip
    total = sum(count for f in figures.values() for (dimension, _c), count in f.items() if dimension == "gender")
    assert total == 54


def test_running_it_twice_gives_the_same_rows(real_plan):
    first = rows()

    workshops_load(plan=real_plan)
    call_command("load_demo", stdout=io.StringIO())

    assert rows() == first


def test_it_keeps_the_figures_staff_corrected(real_plan):
    """A planner's correction of a workshop survives every restart (`make run` runs load_demo each time)."""
    meeting = Meeting.objects.get(axis="biophysical")
    meeting.attendance.filter(category="academia").update(count=8)
    meeting.attendance.filter(category="men").update(count=12)
    MeetingAttendance.objects.create(meeting=meeting, dimension="sector", category="community", count=0)
    Meeting.objects.filter(pk=meeting.pk).update(title_es="Mesa Biofísica (corregida)")

    workshops_load(plan=real_plan)

    figures = {a.category: a.count for a in meeting.attendance.all()}
    assert figures["academia"] == 8 and figures["men"] == 12 and figures["community"] == 0
    assert Meeting.objects.get(pk=meeting.pk).title_es == "Mesa Biofísica (corregida)"


def test_load_demo_says_it_loaded_the_workshops(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)

    assert "3 co-creation workshops" in out.getvalue()
