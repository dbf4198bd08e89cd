"""The attendance of a meeting: counted by gender and by sector, the same people add up to the same total."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings.models import Meeting, MeetingAttendance, attendance_totals_error, meeting_attendance_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(db):
    return Meeting.objects.create(
        slug="asamblea-prueba", kind=Meeting.Kind.CITIZEN_ASSEMBLY, title_es="Asamblea de prueba", date="2025-03-01"
    )


def attend(meeting, dimension, category, count):
    return MeetingAttendance.objects.create(meeting=meeting, dimension=dimension, category=category, count=count)


def test_equal_totals_by_gender_and_by_sector_pass(meeting):
    attend(meeting, "gender", "men", 3)
    attend(meeting, "gender", "women", 4)
    attend(meeting, "sector", "community", 5)
    attend(meeting, "sector", "academia", 2)

    meeting_attendance_check(meeting)


def test_different_totals_by_gender_and_by_sector_are_refused(meeting):
    attend(meeting, "gender", "men", 3)
    attend(meeting, "sector", "community", 5)

    with pytest.raises(ValidationError) as error:
        meeting_attendance_check(meeting)

    assert error.value.code == "attendance_totals"
    assert "3" in error.value.messages[0] and "5" in error.value.messages[0]


def test_a_meeting_counted_one_way_only_passes():
    assert attendance_totals_error([("gender", 3), ("gender", 4)]) is None
    assert attendance_totals_error([("sector", 7)]) is None
    assert attendance_totals_error([]) is None


def test_a_category_is_counted_once_per_meeting(meeting):
    attend(meeting, "gender", "men", 3)

    with pytest.raises(IntegrityError), transaction.atomic():
        attend(meeting, "gender", "men", 4)


def test_a_category_must_fit_its_dimension(meeting):
    row = MeetingAttendance(meeting=meeting, dimension="gender", category="academia", count=1)

    with pytest.raises(ValidationError):
        row.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_a_count_cannot_be_negative(meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        attend(meeting, "gender", "women", -1)


def test_a_meeting_cannot_end_before_it_starts(meeting):
    meeting.end_date = "2025-02-01"

    with pytest.raises(ValidationError):
        meeting.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting.save()


def test_attendance_protects_its_meeting(meeting):
    from django.db.models import ProtectedError

    attend(meeting, "gender", "men", 3)

    with pytest.raises(ProtectedError):
        meeting.delete()
