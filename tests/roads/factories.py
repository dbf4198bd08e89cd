"""factory_boy factories for road works and road requests (texts set per language, as tests/factories.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from commitments.models import Parish
from roads.models import RoadProgress, RoadRequest, RoadWork, WorkKind, WorkStatus
from roads.services import request_tracking_code_new
from tests.factories import CantonFactory, DepartmentFactory


class ParishFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parish
        django_get_or_create = ("code",)

    canton = factory.SubFactory(CantonFactory, code="1601", slug="pastaza", name_es="Pastaza", seat="Puyo")
    # Of its canton, from 70 up: the codes tests name themselves (160150 Puyo, 160152 Canelos…) are below 70, so a
    # factory parish never turns out to be one of them (get_or_create by code).
    code = factory.LazyAttributeSequence(lambda p, n: f"{p.canton.code}{70 + n % 30}")
    name_es = factory.Sequence(lambda n: f"Parroquia {n}")
    kind = Parish.Kind.RURAL


class RoadWorkFactory(factory.django.DjangoModelFactory):
    """Published, executed by direct administration, with a two-point line near Puyo."""

    class Meta:
        model = RoadWork
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"VIA-TEST-{n:03d}")
    name_es = factory.Sequence(lambda n: f"Mantenimiento de la vía de prueba {n}")
    kind = WorkKind.MAINTENANCE
    status = WorkStatus.IMPLEMENTATION
    institution = factory.SubFactory(DepartmentFactory)
    length_km = Decimal("12.50")
    budget = Decimal("250000.00")
    geometry = factory.LazyFunction(lambda: [[-78.00, -1.49], [-77.95, -1.52]])
    geometry_source = "points"
    planned_start = date(2025, 3, 1)
    planned_end = date(2025, 12, 31)
    is_published = True


class RoadProgressFactory(factory.django.DjangoModelFactory):
    """Saved through the model: call roads.services.road_progress_refresh (or use road_progress_save) for the
    work to show it."""

    class Meta:
        model = RoadProgress

    work = factory.SubFactory(RoadWorkFactory)
    observed_on = date(2025, 6, 30)
    physical_pct = 40
    paid_amount = Decimal("90000.00")
    is_published = True


class RoadRequestFactory(factory.django.DjangoModelFactory):
    """Approved (public), received on 2025-06-02, from the web form."""

    class Meta:
        model = RoadRequest

    tracking_code = factory.LazyFunction(request_tracking_code_new)
    kind = RoadRequest.Kind.POTHOLE
    parish = factory.SubFactory(ParishFactory)
    description = "Hay un bache grande frente a la escuela."
    received_on = date(2025, 6, 2)
    moderation = "approved"
