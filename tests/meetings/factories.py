"""factory_boy factories for meetings and their agreements, and a small real PDF (tests of the meetings pages)."""

from __future__ import annotations

from datetime import date

import factory

from meetings.models import Agreement, Meeting, MeetingAttendance
from tests.factories import pdf_bytes  # noqa: F401 - the meeting tests import it from here


class MeetingFactory(factory.django.DjangoModelFactory):
    """A published Steering Committee meeting."""

    class Meta:
        model = Meeting

    slug = factory.Sequence(lambda n: f"reunion-{n}")
    kind = Meeting.Kind.STEERING_COMMITTEE
    title_es = factory.Sequence(lambda n: f"Reunión de prueba {n}")
    date = date(2025, 3, 14)
    place_es = "Puyo"
    is_published = True


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    text_es = factory.Sequence(lambda n: f"Acuerdo de prueba {n}")
    status = Agreement.Status.PENDING


def attendance(meeting: Meeting, **counts: int) -> None:
    """attendance(meeting, men=3, women=2, public_sector=5)."""
    for category, count in counts.items():
        dimension = "gender" if category in ("men", "women") else "sector"
        MeetingAttendance.objects.create(meeting=meeting, dimension=dimension, category=category, count=count)
