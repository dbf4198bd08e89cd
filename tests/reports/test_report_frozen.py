"""A published report is frozen: later changes to the plan do not reach it, and nothing may edit it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction
from django.utils import translation

from commitments.models import Commitment, Milestone
from reports import services
from reports.models import Report, ReportFrozenError, ReportNarrative
from reports.pdf import report_html

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_a_published_report_does_not_change_when_the_commitments_change_later(published, citizen, commitment, rerender):
    snapshot_before = published.snapshot
    page_before = citizen.get(published.get_absolute_url()).content
    files_before = {f.language: f.sha256 for f in published.files.all()}

    commitment.title_es = "Un título nuevo, escrito después de publicar"
    commitment.save()
    Milestone.objects.filter(commitment=commitment).update(progress=100, level="complete")
    Commitment.objects.filter(pk=commitment.pk).update(budget_planned=999)

    published.refresh_from_db()
    assert published.snapshot == snapshot_before
    page_after = citizen.get(published.get_absolute_url()).content
    assert page_after == page_before
    assert b"Un t\xc3\xadtulo nuevo" not in page_after
    assert "Un título nuevo" not in report_html(published, "es")

    # A published PDF is never rendered again; one lost from the disk is, from the frozen snapshot, to the same bytes.
    Path(published.files.get(language="es").file.path).unlink()
    assert rerender(published)
    assert {f.language: f.sha256 for f in published.files.all()} == files_before
    assert "Un título nuevo" not in pdf_text(published.files.get(language="es").file.path)


def test_the_snapshot_holds_the_updates_of_the_period_only(draft):
    titles = [u["title"]["es"] for c in draft.snapshot["commitments"] for u in c["updates"]]
    assert sorted(titles) == ["Inicio de obras", "Taller con comunidades"]
    assert draft.snapshot["schema"] == 3 and isinstance(draft.snapshot["feedback"]["figures"], list)
    assert draft.snapshot["period"] == {
        "key": "2025-Q3",
        "kind": "quarterly",
        "starts_on": "2025-07-01",
        "ends_on": "2025-09-30",
        "time_zone": "America/Guayaquil",
    }
    assert draft.has_example_data


def test_saving_a_frozen_field_of_a_published_report_raises(published):
    published.summary_es = "Otro resumen"
    with pytest.raises(ReportFrozenError):
        published.save()
    published.refresh_from_db()
    published.snapshot = {"commitments": []}
    with pytest.raises(ReportFrozenError):
        published.save(update_fields=["snapshot"])
    with pytest.raises(ReportFrozenError):
        Report.objects.filter(pk=published.pk).update(summary_qu="Shuk willay")
    published.refresh_from_db()
    assert published.summary_es == "Resumen del tercer trimestre."


def test_what_publishing_does_not_freeze_may_still_change(published):
    Report.objects.filter(pk=published.pk).update(render_state=Report.RenderState.QUEUED)
    published.refresh_from_db()
    published.render_error = "a note for staff"
    published.save(update_fields=["render_error"])


def test_the_narratives_of_a_published_report_are_frozen_too(published, planner):
    narrative = published.narratives.first()
    narrative.text_es = "Cambio tardío"
    with pytest.raises(ReportFrozenError):
        narrative.save()
    with pytest.raises(ReportFrozenError):
        services.narrative_save(narrative=narrative, by=planner)
    with pytest.raises(ReportFrozenError):
        ReportNarrative.objects.filter(report=published).delete()


def test_a_published_report_cannot_be_deleted(published):
    with pytest.raises(ReportFrozenError), transaction.atomic():
        published.delete()
    with pytest.raises(ReportFrozenError), transaction.atomic():
        Report.objects.filter(pk=published.pk).delete()
    assert Report.objects.filter(pk=published.pk).exists()


def test_services_refuse_to_refresh_the_snapshot_of_a_published_report(published):
    with pytest.raises(ReportFrozenError):
        services.report_snapshot_refresh(report=published)


def test_the_page_shows_the_kichwa_texts_frozen_with_the_report(published, citizen):
    with translation.override("qu"):
        response = citizen.get(published.get_absolute_url().replace("/es/", "/qu/"))
    assert response.status_code == 200
    assert "Kimsaniki killakunapak willay." in response.content.decode()
    assert "Allpamamata kamana rurana" in response.content.decode()
