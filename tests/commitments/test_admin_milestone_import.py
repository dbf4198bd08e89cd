"""Importing milestones from a spreadsheet in the admin: preview, all-or-nothing validation, confirmation,
and a lossless round trip with the export."""

from datetime import date

import pytest

from commitments.models import ChangeRecord, IrmLevel, Milestone
from commitments.resources import MilestoneResource
from tests.factories import MilestoneFactory

from .admin_helpers import (
    admin_export,
    html,
    import_confirm,
    import_preview,
    milestone_row,
    row_messages,
    spanish,
    spreadsheet,
    state,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestone(commitment):
    return MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico", progress=40)


def new_row(code: str, **changes) -> dict:
    """A new milestone, written as staff write it: a day/month/year date and the level's Spanish label."""
    row = {
        "id": "", "compromiso": code, "orden": 7, "peso": 2, "titulo_es": "Taller con comunidades",
        "titulo_qu": "Ayllu llaktakunawan tantanakuy", "inicio": "2025-03-01", "vencimiento": "30/06/2025",
        "nivel_irm": spanish(IrmLevel.LIMITED.label), "avance": 25, "publicado": "no", "datos_de_ejemplo": "no",
    }
    row.update(changes)
    return row


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_preview_shows_what_changes_and_offers_to_confirm(planner_client, milestone, fmt):
    content = spreadsheet(
        [milestone_row(milestone, avance=60, nivel_irm="substantial"), new_row(milestone.commitment.code)], fmt
    )
    before = state()

    response = import_preview(planner_client, "milestone", content, f"hitos.{fmt}", fmt)

    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.valid_rows()] == ["update", "new"]
    assert response.context["confirm_form"] is not None
    assert 'name="confirm"' in response.text
    assert "Taller con comunidades" in response.text
    assert state() == before, "a preview is a dry run"


def test_confirming_applies_the_import_and_records_who_made_it(planner_client, planner, milestone):
    content = spreadsheet(
        [milestone_row(milestone, avance=60, nivel_irm="substantial"), new_row(milestone.commitment.code)], "csv"
    )
    preview = import_preview(planner_client, "milestone", content, "hitos.csv", "csv")
    last_record = ChangeRecord.objects.latest("pk").pk

    response = import_confirm(planner_client, "milestone", preview)

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.progress, milestone.level) == (60, IrmLevel.SUBSTANTIAL)
    added = Milestone.objects.get(commitment=milestone.commitment, order=7)
    assert (added.title_es, added.title_qu, added.due_on, added.level, added.progress) == (
        "Taller con comunidades", "Ayllu llaktakunawan tantanakuy", date(2025, 6, 30), IrmLevel.LIMITED, 25,
    )
    records = ChangeRecord.objects.filter(pk__gt=last_record).order_by("pk")
    assert [(r.object_id, r.action) for r in records] == [(milestone.pk, "changed"), (added.pk, "created")]
    assert {(r.source, r.user, r.user_display) for r in records} == {("import", planner, planner.username)}
    assert records[0].changes == {"progress": [40, 60], "level": ["limited", "substantial"]}


BAD_ROWS = [
    pytest.param({"compromiso": "XXXX9999"}, "Unknown commitment code “%(code)s”.", {"code": "XXXX9999"},
                 id="unknown-commitment"),
    pytest.param({"inicio": "2025-09-01", "vencimiento": "2025-03-01"},
                 "The due date cannot be earlier than the start date.", {}, id="due-before-start"),
    pytest.param({"avance": 150}, "Progress must be between 0 and 100.", {}, id="progress-150"),
    pytest.param({"avance": -5}, "Progress must be between 0 and 100.", {}, id="progress-minus-5"),
    pytest.param({"nivel_irm": "casi listo"}, "Unknown IRM level “%(value)s”; use one of: %(choices)s.",
                 {"value": "casi listo", "choices": ", ".join(IrmLevel.values)}, id="unknown-level"),
    pytest.param({"avance": "mucho"}, "“%(value)s” is not a whole number.", {"value": "mucho"}, id="not-a-number"),
    pytest.param({"vencimiento": "mañana"}, "“%(value)s” is not a date; write it as YYYY-MM-DD.",
                 {"value": "mañana"}, id="not-a-date"),
    pytest.param({"orden": 1}, "Another milestone of %(code)s already has order %(order)s.",
                 {"code": "TEST0001", "order": 1}, id="order-taken"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("bad", "msgid", "params"), BAD_ROWS)
def test_a_file_with_any_bad_row_names_the_row_and_the_reason_and_changes_nothing(
    planner_client, milestone, other_commitment, fmt, bad, msgid, params
):
    rows = [
        milestone_row(milestone, avance=60, nivel_irm="substantial"),  # good: an update
        new_row(other_commitment.code, orden=1),  # good: an addition
        new_row(milestone.commitment.code, **{"orden": 8, **bad}),  # row 3: bad
    ]
    before = state()

    response = import_preview(planner_client, "milestone", spreadsheet(rows, fmt), f"hitos.{fmt}", fmt)

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    assert 'name="confirm"' not in response.text
    result = response.context["result"]
    invalid = result.invalid_rows
    assert [row.number for row in invalid] == [3]
    reason = spanish(msgid, **params)
    assert reason in row_messages(invalid[0])
    assert html(reason) in response.text
    assert state() == before


def test_a_file_with_several_bad_rows_names_each_of_them(planner_client, milestone):
    rows = [
        new_row("XXXX9999"),
        milestone_row(milestone, avance=60, nivel_irm="substantial"),
        new_row(milestone.commitment.code, orden=9, avance=101, nivel_irm="limited"),
    ]
    before = state()

    response = import_preview(planner_client, "milestone", spreadsheet(rows, "csv"), "hitos.csv", "csv")

    assert [row.number for row in response.context["result"].invalid_rows] == [1, 3]
    assert response.context.get("confirm_form") is None
    assert state() == before


def test_an_import_with_a_bad_row_is_rolled_back_whole_even_when_not_a_dry_run(planner, milestone):
    """The resource itself is all or nothing: a crafted confirm step, a command or a script cannot keep the
    good rows of a bad file."""
    import tablib

    rows = [
        milestone_row(milestone, avance=60, nivel_irm="substantial"),
        new_row(milestone.commitment.code, avance=150),
    ]
    dataset = tablib.Dataset().load(spreadsheet(rows, "csv").decode(), format="csv")
    before = state()

    result = MilestoneResource().import_data(dataset, dry_run=False, user=planner)

    assert result.has_validation_errors()
    assert state() == before


def test_confirming_a_bad_file_by_hand_changes_nothing(planner_client, milestone):
    """Someone who posts the confirm step for a file whose preview failed gets nothing written either."""
    from import_export.tmp_storages import TempFolderStorage

    content = spreadsheet(
        [milestone_row(milestone, avance=60, nivel_irm="substantial"), new_row("XXXX9999")], "csv"
    )
    storage = TempFolderStorage(encoding="utf-8-sig", read_mode="r")
    storage.save(content)
    before = state()

    planner_client.post(
        "/admin/commitments/milestone/process_import/",
        {"import_file_name": storage.name, "original_file_name": "hitos.csv", "format": "1", "resource": "0"},
    )

    assert state() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_what_was_just_exported_changes_nothing(planner_client, commitment, other_department, fmt):
    MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico", title_qu="Rikuna", progress=100,
                     description_es="Con “comillas”, comas; y\nsaltos de línea",
                     responsible_institution=other_department)
    MilestoneFactory(commitment=commitment, order=2, progress=0, weight=3, is_published=False, is_illustrative=True)
    MilestoneFactory(commitment=commitment, order=3, progress=55, level="substantial")
    exported = admin_export(planner_client, "milestone", fmt).content
    before = state()

    preview = import_preview(planner_client, "milestone", exported, f"hitos.{fmt}", fmt)
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["skip"] * 3
    import_confirm(planner_client, "milestone", preview)

    assert state() == before
    assert ChangeRecord.objects.count() == before[2]


def test_an_implementer_may_import_the_milestones_of_their_department(implementer_client, implementer, milestone):
    content = spreadsheet([milestone_row(milestone, avance=60, nivel_irm="substantial")], "csv")

    preview = import_preview(implementer_client, "milestone", content, "hitos.csv", "csv")
    import_confirm(implementer_client, "milestone", preview)

    milestone.refresh_from_db()
    assert milestone.progress == 60
    assert ChangeRecord.objects.filter(model="milestone", object_id=milestone.pk, user=implementer).exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_real_plan_survives_an_export_import_round_trip(planner_client, real_plan, fmt):
    exported = admin_export(planner_client, "milestone", fmt).content
    before = state()

    preview = import_preview(planner_client, "milestone", exported, f"hitos.{fmt}", fmt)

    assert {row.import_type for row in preview.context["result"].valid_rows()} == {"skip"}
    assert len(preview.context["result"].valid_rows()) == 12
    import_confirm(planner_client, "milestone", preview)
    assert state() == before


def test_a_spreadsheet_with_real_date_and_number_cells_imports(planner_client, commitment):
    """Staff type dates into Excel as dates, and numbers as numbers."""
    row = new_row(commitment.code, inicio=date(2025, 3, 1), vencimiento=date(2025, 6, 30), avance=25, peso=2)

    preview = import_preview(planner_client, "milestone", spreadsheet([row], "xlsx"), "hitos.xlsx", "xlsx")
    import_confirm(planner_client, "milestone", preview)

    added = Milestone.objects.get(commitment=commitment, order=7)
    assert (added.starts_on, added.due_on, added.progress, added.weight) == (date(2025, 3, 1), date(2025, 6, 30), 25, 2)
