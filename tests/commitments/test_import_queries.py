"""A spreadsheet import asks the database a few questions per file, not per row; the checks it answers from what
it already read (orders taken, records the widgets found, the rows as loaded) keep their verdicts and messages."""

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import ChangeRecord, Milestone
from commitments.resources import CommitmentResource, MilestoneResource
from conecta.audit import acting_as
from tests.factories import MilestoneFactory

from .admin_helpers import row_errors, spanish, state

pytestmark = pytest.mark.django_db

# Per row, what is left: the row's savepoint and its release, the UPDATE (or INSERT), its change record and the
# observation of its progress (commitments.services.milestone_save).
QUERIES_PER_ROW = 5


@pytest.fixture
def milestones(commitment, other_commitment, department):
    """Ten milestones in each commitment, interleaved, so that any first rows name both commitments."""
    return [
        MilestoneFactory(commitment=parent, order=order, progress=40, responsible_institution=department)
        for order in range(1, 11)
        for parent in (commitment, other_commitment)
    ]


def row(milestone, **changes) -> dict:
    values = {
        "id": milestone.pk,
        "compromiso": milestone.commitment.code,
        "orden": milestone.order,
        "peso": milestone.weight,
        "titulo_es": milestone.title_es,
        "inicio": milestone.starts_on.isoformat(),
        "vencimiento": milestone.due_on.isoformat(),
        "nivel_irm": milestone.level,
        "avance": milestone.progress,
        "responsable": "DGA",
        "publicado": "sí",
        "datos_de_ejemplo": "no",
    }
    return {**values, **changes}


def new_row(code: str, order: int, **changes) -> dict:
    values = {
        "id": "",
        "compromiso": code,
        "orden": order,
        "peso": 1,
        "titulo_es": "Hito nuevo",
        "inicio": "2025-03-01",
        "vencimiento": "2025-06-30",
        "nivel_irm": "not_started",
        "avance": 0,
        "publicado": "no",
        "datos_de_ejemplo": "no",
    }
    return {**values, **changes}


def run_import(rows: list[dict], resource=None):
    headers = list(dict.fromkeys(key for values in rows for key in values))
    dataset = tablib.Dataset(headers=headers)
    for values in rows:
        dataset.append([values.get(header, "") for header in headers])
    with acting_as(None, "import"):
        return (resource or MilestoneResource()).import_data(dataset, dry_run=False)


def count_queries(rows: list[dict]) -> int:
    with CaptureQueriesContext(connection) as queries:
        result = run_import(rows)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == len(rows)
    return len(queries)


def test_each_more_row_costs_only_its_own_write(milestones):
    five = count_queries([row(m, avance=60, nivel_irm="substantial") for m in milestones[:5]])
    twenty = count_queries([row(m, avance=70, nivel_irm="substantial") for m in milestones[:20]])

    assert twenty - five <= QUERIES_PER_ROW * 15


def test_an_import_records_each_change_from_the_row_as_it_was_loaded(milestones):
    first, second = milestones[:2]
    last_record = ChangeRecord.objects.latest("pk").pk

    run_import([row(first, avance=60, nivel_irm="substantial"), row(second, orden=11)])

    records = ChangeRecord.objects.filter(pk__gt=last_record).order_by("pk")
    assert [(r.object_id, r.source, r.changes) for r in records] == [
        (first.pk, "import", {"progress": [40, 60], "level": ["limited", "substantial"]}),
        (second.pk, "import", {"order": [1, 11]}),
    ]


def test_a_row_may_take_the_order_an_earlier_row_gave_up(commitment, milestones):
    moved = milestones[0]

    result = run_import([row(moved, orden=12), new_row(commitment.code, 1)])

    assert not result.has_validation_errors()
    assert Milestone.objects.get(commitment=commitment, order=1).title_es == "Hito nuevo"
    assert Milestone.objects.get(pk=moved.pk).order == 12


def test_a_milestone_moved_to_another_commitment_frees_its_order(commitment, other_commitment, milestones):
    moved = milestones[0]

    result = run_import([row(moved, compromiso=other_commitment.code, orden=15), new_row(commitment.code, 1)])

    assert not result.has_validation_errors()
    assert Milestone.objects.get(pk=moved.pk).commitment == other_commitment


def test_a_row_may_not_take_an_order_a_later_row_gives_up(commitment, milestones):
    before = state()

    result = run_import([new_row(commitment.code, 1), row(milestones[0], orden=12)])

    [invalid] = result.invalid_rows
    assert invalid.number == 1
    assert row_errors(invalid) == {
        "orden": [spanish("Another milestone of %(code)s already has order %(order)s.", code="TEST0001", order=1)]
    }
    assert state() == before


def test_two_rows_may_not_take_the_same_free_order(commitment, milestones):
    before = state()

    result = run_import([new_row(commitment.code, 15), new_row(commitment.code, 15, titulo_es="Otro")])

    assert [invalid.number for invalid in result.invalid_rows] == [2]
    assert state() == before


def test_a_file_without_commitment_codes_still_checks_the_orders(commitment, milestones):
    first = milestones[0]
    rows = [{key: value for key, value in row(first, orden=3).items() if key != "compromiso"}]

    result = run_import(rows)

    [invalid] = result.invalid_rows
    assert row_errors(invalid) == {
        "orden": [spanish("Another milestone of %(code)s already has order %(order)s.", code="TEST0001", order=3)]
    }


def test_an_unknown_responsible_institution_is_named_by_its_column(commitment, milestones):
    result = run_import([row(milestones[0], responsable="NADIE")])

    [invalid] = result.invalid_rows
    assert row_errors(invalid) == {
        "responsable": [spanish("Unknown institution “%(value)s”; use its acronym.", value="NADIE")]
    }


def test_an_unknown_commitment_is_named_by_its_column(commitment, milestones):
    result = run_import([row(milestones[0], compromiso="XXXX9999")])

    [invalid] = result.invalid_rows
    assert row_errors(invalid) == {"compromiso": [spanish("Unknown commitment code “%(code)s”.", code="XXXX9999")]}


def test_a_blank_lead_institution_is_still_refused(commitment):
    rows = [
        {
            "codigo": commitment.code,
            "titulo_es": commitment.title_es,
            "eje": commitment.axis,
            "institucion_lider": "",
            "inicio": "2025-01-01",
            "fin": "2027-02-28",
        }
    ]

    result = run_import(rows, CommitmentResource())

    [invalid] = result.invalid_rows
    assert row_errors(invalid) == {"institucion_lider": [spanish("This field cannot be null.")]}
