"""An export's `actualizado` column says when each record was last changed, in Pastaza's time. Imported again,
a row that would change a record changed since then is refused (it would set back what others changed), and the
whole file with it; a file without the column imports as before."""

import zoneinfo
from datetime import datetime

import pytest
import tablib
import time_machine

from commitments.models import Commitment, Milestone
from tests.factories import MilestoneFactory

from .admin_helpers import admin_export, import_confirm, import_preview, read_spreadsheet, row_errors, spanish, state

pytestmark = pytest.mark.django_db

PUYO = zoneinfo.ZoneInfo("America/Guayaquil")
STALE = (
    "This milestone changed on %(day)s, after this file was exported: export it again and apply your changes again."
)


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=PUYO), tick=False)


@pytest.fixture
def milestones(commitment):
    with at(2026, 12, 1, 9, 30, 15):
        return [
            MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico", progress=40),
            MilestoneFactory(commitment=commitment, order=2, title_es="Vivero", progress=10),
        ]


def exported(client, model: str) -> tablib.Dataset:
    return read_spreadsheet(admin_export(client, model, "csv").content, "csv")


def edited(dataset: tablib.Dataset, key: str, value, column: str, new) -> bytes:
    """The exported file with one cell changed in the row whose `key` column is `value`."""
    rows = [dict(row) for row in dataset.dict]
    for row in rows:
        if str(row[key]) == str(value):
            row[column] = new
    out = tablib.Dataset(headers=dataset.headers)
    for row in rows:
        out.append([row[header] for header in dataset.headers])
    return out.export("csv").encode("utf-8")


def preview(client, model: str, content: bytes):
    return import_preview(client, model, content, "archivo.csv", "csv")


def test_the_export_says_when_each_milestone_was_last_changed_in_pastaza_time(planner_client, milestones):
    with at(2026, 12, 3, 8):
        rows = exported(planner_client, "milestone").dict
    assert [row["actualizado"] for row in rows] == ["2026-12-01T09:30:15-05:00"] * 2


def test_a_row_over_a_milestone_changed_since_the_export_refuses_the_file(planner_client, milestones):
    first, second = milestones
    with at(2026, 12, 2, 10):
        dataset = exported(planner_client, "milestone")
    with at(2026, 12, 3, 11, 5):  # someone else renames it after the export
        first.title_es = "Diagnóstico participativo"
        first.save()
    content = edited(dataset, "id", second.pk, "titulo_es", "Vivero provincial")
    content = edited(read_spreadsheet(content, "csv"), "id", first.pk, "avance", 45)
    before = state()

    with at(2026, 12, 4, 9):
        response = preview(planner_client, "milestone", content)

    result = response.context["result"]
    [invalid] = result.invalid_rows
    assert row_errors(invalid) == {"actualizado": [spanish(STALE, day="2026-12-03 11:05")]}
    assert "Este hito cambió el 2026-12-03 11:05, después de que se exportó este archivo" in spanish(
        STALE, day="2026-12-03 11:05"
    )
    assert response.context.get("confirm_form") is None  # all or nothing: the other row waits too
    assert 'name="confirm"' not in response.text
    assert state() == before
    assert Milestone.objects.get(pk=first.pk).title_es == "Diagnóstico participativo"


def test_a_fresh_export_a_file_without_the_column_and_a_row_that_changes_nothing_import(planner_client, milestones):
    first, second = milestones
    with at(2026, 12, 2, 10):
        dataset = exported(planner_client, "milestone")
    with at(2026, 12, 3, 11):
        first.title_es = "Diagnóstico participativo"
        first.save()
    # The old file whose row of the changed milestone holds what it holds now: that row sets nothing back.
    agreeing = edited(dataset, "id", first.pk, "titulo_es", "Diagnóstico participativo")
    agreeing = edited(read_spreadsheet(agreeing, "csv"), "id", second.pk, "avance", 20)
    # The old file without the column: nothing is checked, as before.
    old_style = tablib.Dataset(headers=[header for header in dataset.headers if header != "actualizado"])
    for row in dataset.dict:
        old_style.append([row[header] for header in old_style.headers])

    with at(2026, 12, 4, 9):
        assert not preview(planner_client, "milestone", agreeing).context["result"].invalid_rows
        assert not preview(planner_client, "milestone", old_style.export("csv").encode()).context["result"].invalid_rows
        fresh = edited(exported(planner_client, "milestone"), "id", second.pk, "avance", 20)
        response = preview(planner_client, "milestone", fresh)
        assert not response.context["result"].invalid_rows
        import_confirm(planner_client, "milestone", response)

    assert Milestone.objects.get(pk=second.pk).progress == 20
    assert Milestone.objects.get(pk=first.pk).title_es == "Diagnóstico participativo"


def test_a_commitment_changed_since_the_export_is_refused_too(planner_client, commitment, other_commitment):
    with at(2026, 12, 1, 9):  # the fixtures saved them at the real time
        commitment.save()
        other_commitment.save()
    with at(2026, 12, 2, 10):
        dataset = exported(planner_client, "commitment")
    with at(2026, 12, 3, 11, 5):
        commitment.title_es = "Título nuevo"
        commitment.save()
    content = edited(dataset, "codigo", commitment.code, "accion_es", "Otra acción")

    with at(2026, 12, 4, 9):
        response = preview(planner_client, "commitment", content)

    [invalid] = response.context["result"].invalid_rows
    assert list(row_errors(invalid)) == ["actualizado"]
    assert "2026-12-03 11:05" in row_errors(invalid)["actualizado"][0]
    assert Commitment.objects.get(pk=commitment.pk).title_es == "Título nuevo"
