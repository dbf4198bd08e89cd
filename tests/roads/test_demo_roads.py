"""The example road works and road requests `load_demo` loads (roads.loaders): created once, never changed
afterwards, flagged as example data, drawn inside their cantons, and in the example report of 2025."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from commitments.geomap import canton_boundaries
from reports.models import Report
from roads import geometry
from roads.loaders import GEOMETRY_NOTE_ES, GEOMETRY_NOTE_QU, road_demo_load
from roads.models import GeometrySource, RoadProgress, RoadRequest, RoadRequestChange, RoadWork, WorkStatus

pytestmark = pytest.mark.django_db

CODES = ["VIA-EJEMPLO-01", "VIA-EJEMPLO-02", "VIA-EJEMPLO-03"]


def inside(point, ring) -> bool:
    """Even–odd rule against a canton's exterior ring (lon, lat)."""
    lon, lat = point
    crossings = 0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            crossings += 1
    return crossings % 2 == 1


def test_load_demo_twice_creates_the_example_roads_once_and_keeps_staffs_edits():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "3 road works of ECPTZ0003 (example data, with approximate lines)" in out.getvalue()
    assert "example road works: 3" in out.getvalue().split("Already there")[0]
    RoadWork.objects.filter(code="VIA-EJEMPLO-02").update(name_es="Afirmado corregido por Obras Públicas")
    RoadRequest.objects.filter(tracking_code="VP-EJEM-P5").update(status="scheduled")
    counts = [m.objects.count() for m in (RoadWork, RoadProgress, RoadRequest, RoadRequestChange)]
    stamps = dict(RoadWork.objects.values_list("code", "updated_at"))

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    created, kept = out.getvalue().split("Created:")[1].split("Already there")
    assert created.strip() == "nothing."
    assert "example road works: 3" in kept and "example road requests: 4" in kept
    assert [m.objects.count() for m in (RoadWork, RoadProgress, RoadRequest, RoadRequestChange)] == counts
    assert dict(RoadWork.objects.values_list("code", "updated_at")) == stamps
    assert RoadWork.objects.get(code="VIA-EJEMPLO-02").name_es == "Afirmado corregido por Obras Públicas"
    assert RoadRequest.objects.get(tracking_code="VP-EJEM-P5").status == "scheduled"


def test_the_example_works_are_flagged_published_and_of_ecptz0003(real_plan):
    works = list(RoadWork.objects.filter(code__in=CODES).select_related("commitment", "institution"))
    assert sorted(w.code for w in works) == CODES
    for work in works:
        assert work.is_example and work.is_published
        assert work.commitment.code == "ECPTZ0003" and work.commitment.plan == real_plan
        assert work.institution.slug == "direccion-obras-publicas"
        assert work.geometry_source == GeometrySource.APPROXIMATE
        assert (work.geometry_note_es, work.geometry_note_qu) == (GEOMETRY_NOTE_ES, GEOMETRY_NOTE_QU)
        assert "datos de ejemplo" in work.description_es and work.name_qu and work.description_qu
        assert work.progress.filter(is_published=True).count() >= 2
        assert work.progress_on is not None and work.progress_on.year == 2025
        assert work.paid_amount <= work.budget <= 50000
    chuwitayu = RoadWork.objects.get(code="VIA-EJEMPLO-01")
    assert chuwitayu.partner and chuwitayu.length_km == 20
    assert (chuwitayu.status, chuwitayu.physical_pct) == (WorkStatus.COMPLETION, 100)


def test_the_example_lines_lie_inside_the_province_and_their_cantons(real_plan):
    rings = {code: ring for code, (_name, ring) in canton_boundaries().items()}
    for work in RoadWork.objects.filter(code__in=CODES).prefetch_related("cantons", "parishes"):
        points = [tuple(point) for point in work.geometry]
        assert len(points) >= 4
        assert geometry.checked(points) == points  # inside Pastaza, as an upload must be
        (canton,) = work.cantons.all()
        assert all(inside(point, rings[canton.code]) for point in points), work.code
        assert all(parish.canton_id == canton.pk for parish in work.parishes.all())
        # The stated length is the drawn line's, to the nearest few hundred metres.
        assert abs(geometry.length_km(points) - float(work.length_km)) < 0.5


def test_the_example_requests_are_public_and_one_was_fixed_by_the_chuwitayu_work(real_plan):
    requests = {r.tracking_code: r for r in RoadRequest.objects.filter(tracking_code__startswith="VP-EJEM-")}
    assert len(requests) == 4
    assert all(r.moderation == "approved" and r.description.startswith("[Ejemplo]") for r in requests.values())
    assert len({r.status for r in requests.values()}) == 4
    fixed = requests["VP-EJEM-P2"]
    assert fixed.status == "fixed" and fixed.fixed_on is not None
    assert fixed.answered_by_work.code == "VIA-EJEMPLO-01"
    notes = list(fixed.changes.values_list("status", "note_es", "note_qu"))
    assert [status for status, _es, _qu in notes] == ["received", "in_progress", "fixed"]
    assert all(es and qu for _status, es, qu in notes)


def test_the_example_report_of_2025_shows_the_example_roads(real_plan):
    roads = Report.objects.get(plan=real_plan, period="2025-Q4").snapshot["roads"]
    assert [w["code"] for w in roads["works"]] == CODES
    assert all(w["is_example"] for w in roads["works"])
    assert roads["requests"]["received"] == 2  # VP-EJEM-P4 (November) and VP-EJEM-P5 (December)
    assert roads["requests"]["open_at_end"] == 3


def test_without_the_public_works_department_nothing_is_loaded(db):
    assert road_demo_load() == []
    assert not RoadWork.objects.exists() and not RoadRequest.objects.exists()
