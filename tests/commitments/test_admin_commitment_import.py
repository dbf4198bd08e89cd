"""Importing commitments updates existing ones by OGP code; new commitments are created in the form only."""

import pytest

from commitments.models import ChangeRecord
from tests.factories import MilestoneFactory

from .admin_helpers import (
    admin_export,
    import_confirm,
    import_preview,
    read_spreadsheet,
    row_messages,
    spanish,
    state,
)

pytestmark = pytest.mark.django_db

COLUMNS = ["codigo", "titulo_es", "titulo_qu", "eje", "inicio", "fin", "publicado"]


def csv(*rows: str) -> bytes:
    return ("\n".join([",".join(COLUMNS), *rows]) + "\n").encode()


def test_it_updates_a_commitment_by_its_code(planner_client, planner, commitment):
    content = csv("test0001,Programa ambiental integral,Allpamamata kamana,biophysical,2025-01-01,2027-02-28,sí")
    preview = import_preview(planner_client, "commitment", content, "compromisos.csv", "csv")
    assert preview.context["confirm_form"] is not None

    import_confirm(planner_client, "commitment", preview)

    commitment.refresh_from_db()
    assert (commitment.title_es, commitment.title_qu) == ("Programa ambiental integral", "Allpamamata kamana")
    record = ChangeRecord.objects.filter(model="commitment", action="changed").get()
    assert (record.user, record.source, record.commitment_code) == (planner, "import", "TEST0001")
    assert record.changes["title_es"] == ["Compromiso ambiental", "Programa ambiental integral"]


def test_a_row_with_an_unknown_code_is_refused_with_the_whole_file(planner_client, commitment):
    content = csv(
        "TEST0001,Programa ambiental integral,,biophysical,2025-01-01,2027-02-28,sí",
        "NUEVO0001,Compromiso que no existe,,biophysical,2025-01-01,2027-02-28,sí",
    )
    before = state()

    response = import_preview(planner_client, "commitment", content, "compromisos.csv", "csv")

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 2
    reason = spanish(
        "Unknown commitment code “%(code)s”; new commitments are added in the form, not by import.", code="NUEVO0001"
    )
    assert reason in response.text
    assert state() == before


def test_an_end_before_the_start_is_refused(planner_client, commitment):
    content = csv("TEST0001,Programa ambiental,,biophysical,2027-01-01,2025-02-28,sí")
    before = state()

    response = import_preview(planner_client, "commitment", content, "compromisos.csv", "csv")

    [invalid] = response.context["result"].invalid_rows
    assert spanish("The end date cannot be earlier than the start date.") in row_messages(invalid)
    assert response.context.get("confirm_form") is None
    assert state() == before


def test_an_unknown_axis_is_refused(planner_client, commitment):
    response = import_preview(
        planner_client, "commitment", csv("TEST0001,Programa,,minería,2025-01-01,2027-02-28,sí"), "c.csv", "csv"
    )

    [invalid] = response.context["result"].invalid_rows
    assert any("minería" in message for message in row_messages(invalid))
    assert response.context.get("confirm_form") is None


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_the_commitment_export_changes_nothing(planner_client, commitment, other_commitment, fmt):
    MilestoneFactory(commitment=commitment, progress=60, is_illustrative=True)
    exported = admin_export(planner_client, "commitment", fmt).content
    assert len(read_spreadsheet(exported, fmt)) == 2
    before = state()

    preview = import_preview(planner_client, "commitment", exported, f"compromisos.{fmt}", fmt)
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["skip", "skip"]
    import_confirm(planner_client, "commitment", preview)

    assert state() == before
