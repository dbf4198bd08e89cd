"""The report admin explains itself in staff words (no scheduler or worker jargon) and its snapshot table reads as
staff read it: IRM levels in words, the snapshot's moments as dates in the portal's time zone."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.html import escape

from commitments.models import IrmLevel

pytestmark = pytest.mark.django_db

JARGON = ["Celery", "beat", "worker", "proceso en segundo plano", "snapshot_", "irm_level"]


def snapshot_cells(text: str) -> str:
    start = text.index("field-snapshot_table")
    return text[start : text.index("</table>", start)]


def test_the_add_page_says_when_drafts_are_prepared_in_plain_words(planner_client, plan):
    response = planner_client.get("/admin/reports/report/add/")

    assert response.status_code == 200
    assert "se prepara automáticamente el día siguiente a su cierre" in response.text
    for word in JARGON:
        assert word not in response.text.split('id="content-main"')[1], word


def test_a_drafts_page_says_how_a_report_goes_out(draft, planner_client):
    response = planner_client.get(f"/admin/reports/report/{draft.pk}/change/")

    assert "Cómo sale un informe" in response.text
    for word in ("Celery", "worker"):
        assert word not in response.text


def test_the_snapshot_table_shows_levels_in_words_and_dates_as_dates(draft, planner_client):
    response = planner_client.get(f"/admin/reports/report/{draft.pk}/change/")

    cells = snapshot_cells(response.text)
    levels = {row["irm_level"] for row in draft.snapshot["commitments"]}
    with translation.override("es"):
        labels = {str(IrmLevel(code).label) for code in levels}
    for code in levels:
        assert f"<td>{code}</td>" not in cells
    for label in labels:
        assert f"<td>{escape(label)}</td>" in cells
    assert "30 de septiembre de 2025" in cells  # the period's end, as a date
    assert "T23:59:59" not in cells and "-05:00" not in cells


def test_publishing_with_the_pdfs_still_to_make_says_it_in_staff_words(approved, planner_client):
    # The PDFs are queued on commit, which a test's transaction never reaches: the report stays queued.
    response = planner_client.post(f"/admin/reports/report/{approved.pk}/workflow/publish/", follow=True)

    said = [str(m) for m in response.context["messages"]]
    assert said == [
        "El informe se publicó. Sus PDF se están generando y aparecerán en la página pública en unos minutos."
    ]
