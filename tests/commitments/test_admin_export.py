"""Exporting commitments and milestones from the admin as CSV and XLSX, with Spanish column names."""

from datetime import datetime

import pytest

from tests.factories import MilestoneFactory

from .admin_helpers import MILESTONE_COLUMNS, MILESTONE_EXPORT_ONLY, admin_export, read_spreadsheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestones(commitment, other_commitment, department):
    return [
        MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico", title_qu="Rikuna", progress=100,
                         responsible_institution=department),
        MilestoneFactory(commitment=other_commitment, order=1, title_es="Inventario vial", progress=0,
                         is_published=False, is_illustrative=True),
    ]


@pytest.mark.parametrize(("fmt", "content_type"), [
    ("csv", "text/csv"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_it_exports_milestones_with_spanish_columns(planner_client, milestones, fmt, content_type):
    response = admin_export(planner_client, "milestone", fmt)

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert f".{fmt}" in response["Content-Disposition"]
    dataset = read_spreadsheet(response.content, fmt)
    assert dataset.headers == [*MILESTONE_COLUMNS, *MILESTONE_EXPORT_ONLY, "actualizado"]
    rows = {row["titulo_es"]: row for row in dataset.dict}
    assert set(rows) == {"Diagnóstico", "Inventario vial"}
    done = rows["Diagnóstico"]
    assert (done["compromiso"], done["titulo_qu"], done["nivel_irm"], str(done["avance"])) == (
        "TEST0001", "Rikuna", "complete", "100",
    )
    # CSV keeps ISO dates; XLSX holds a real date cell (read back as a datetime).
    started = "2025-02-01" if fmt == "csv" else datetime(2025, 2, 1)
    assert (done["inicio"], done["publicado"], done["responsable"]) == (started, "sí", "DGA")
    assert (rows["Inventario vial"]["publicado"], rows["Inventario vial"]["datos_de_ejemplo"]) == ("no", "sí")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_exports_commitments_with_their_derived_progress(planner_client, milestones, fmt):
    response = admin_export(planner_client, "commitment", fmt)

    assert response.status_code == 200
    rows = {row["codigo"]: row for row in read_spreadsheet(response.content, fmt).dict}
    assert set(rows) == {"TEST0001", "TEST0002"}
    assert (str(rows["TEST0001"]["avance_calculado"]), rows["TEST0001"]["nivel_irm_calculado"]) == ("100", "complete")
    # TEST0002's only milestone is unpublished: no evidence yet, and it is example data.
    assert (rows["TEST0002"]["avance_calculado"] or "", rows["TEST0002"]["nivel_irm_calculado"]) == ("", "no_evidence")
    assert rows["TEST0002"]["datos_de_ejemplo"] == "sí"
    assert rows["TEST0001"]["departamento_lider"] == "DGA"


def test_the_export_follows_the_changelist_filter(planner_client, milestones, commitment):
    response = planner_client.post(
        f"/admin/commitments/milestone/export/?commitment__id__exact={commitment.pk}", {"resource": "0", "format": "1"}
    )

    assert [row["titulo_es"] for row in read_spreadsheet(response.content, "csv").dict] == ["Diagnóstico"]


def test_an_implementer_exports_only_what_their_department_leads(implementer_client, milestones):
    response = admin_export(implementer_client, "milestone", "csv")

    assert [row["compromiso"] for row in read_spreadsheet(response.content, "csv").dict] == ["TEST0001"]


def test_the_export_page_offers_both_formats(planner_client):
    response = planner_client.get("/admin/commitments/milestone/export/")

    assert response.status_code == 200
    assert [label for _value, label in response.context["form"].fields["format"].choices][1:] == ["xlsx", "csv"]
