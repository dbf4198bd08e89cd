"""Draft -> review -> approval by another planner -> publication, and corrections that supersede."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from reports import services
from reports.models import Report
from reports.services import ReportActionRefused

from .conftest import Q3

pytestmark = pytest.mark.django_db
Status = Report.Status


def test_a_draft_has_one_empty_narrative_per_commitment(draft):
    assert sorted(draft.narratives.values_list("commitment_code", flat=True)) == ["TEST0001", "TEST0002"]
    assert draft.status == Status.DRAFT
    assert draft.slug == "2025-t3"


def test_sending_to_review_needs_the_spanish_summary(draft, planner):
    with pytest.raises(ReportActionRefused):
        services.report_submit(report=draft, by=planner)


def test_the_planner_who_sent_it_to_review_cannot_approve_it(draft, planner, second_planner):
    draft.summary_es = "Resumen."
    draft.save()
    services.report_submit(report=draft, by=planner)
    with pytest.raises(ReportActionRefused):
        services.report_approve(report=draft, by=planner)
    services.report_approve(report=draft, by=second_planner)
    assert draft.status == Status.APPROVED and draft.approved_by == second_planner


def test_only_an_approved_report_can_be_published(draft, planner):
    with pytest.raises(ReportActionRefused):
        services.report_publish(report=draft, by=planner)


@pytest.mark.parametrize("who", ["implementer", "monitor"])
def test_only_planners_move_a_report_along(approved, request, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.report_publish(report=approved, by=user)
    with pytest.raises(PermissionDenied):
        services.report_return_to_draft(report=approved, by=user)


def test_a_report_in_review_is_not_edited_until_it_goes_back_to_draft(approved, planner):
    with pytest.raises(ReportActionRefused):
        services.report_snapshot_refresh(report=approved)
    services.report_return_to_draft(report=approved, by=planner)
    assert approved.status == Status.DRAFT and approved.approved_by is None
    services.report_snapshot_refresh(report=approved)


def test_publishing_records_who_and_when(published, planner):
    assert published.status == Status.PUBLISHED
    assert published.published_by == planner and published.published_at is not None


def test_a_correction_supersedes_without_deleting(
    published, planner, second_planner, citizen, django_capture_on_commit_callbacks
):
    correction = services.report_start_correction(report=published, by=planner)
    assert (correction.version, correction.slug, correction.supersedes) == (2, "2025-t3-v2", published)
    assert correction.snapshot == published.snapshot
    assert correction.summary_es == published.summary_es
    assert correction.narratives.count() == published.narratives.count()
    with pytest.raises(ReportActionRefused):
        services.report_start_correction(report=published, by=planner)  # one correction at a time

    correction.summary_es = "Resumen corregido."
    correction.correction_note_es = "Se corrigió el avance del hito 2."
    correction.save()
    services.report_submit(report=correction, by=second_planner)
    services.report_approve(report=correction, by=planner)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=correction, by=planner)

    published.refresh_from_db()
    assert published.is_superseded and published.status == Status.PUBLISHED
    assert Report.objects.published().count() == 2
    page = citizen.get("/es/informes/").content.decode()
    assert page.index("/es/informes/2025-t3-v2/") < page.index("/es/informes/2025-t3/")
    assert page.count('class="report-item is-superseded"') == 1
    old = citizen.get("/es/informes/2025-t3/conecta-pastaza-informe-2025-T3-es.pdf")
    assert old.status_code == 200
    new = citizen.get("/es/informes/2025-t3-v2/conecta-pastaza-informe-2025-T3-v2-es.pdf")
    assert new.status_code == 200
    assert new["Content-Disposition"] == 'attachment; filename="conecta-pastaza-informe-2025-T3-v2-es.pdf"'
    detail = citizen.get("/es/informes/2025-t3/").content.decode()
    assert "/es/informes/2025-t3-v2/" in detail
    assert "Se corrigió el avance del hito 2." in citizen.get("/es/informes/2025-t3-v2/").content.decode()


def test_the_draft_of_a_published_period_needs_a_correction(published, plan_with_progress):
    with pytest.raises(ReportActionRefused):
        services.report_draft_for_period(plan=plan_with_progress, period=Q3)
    correction = services.report_draft_for_period(plan=plan_with_progress, period=Q3, correction=True)
    assert correction.version == 2


def test_refreshing_a_draft_keeps_its_texts_and_takes_the_new_figures(draft, commitment):
    draft.summary_es = "Resumen."
    draft.save()
    narrative = draft.narratives.get(commitment_code="TEST0001")
    narrative.text_es = "Lo que pasó."
    narrative.save()
    commitment.title_es = "Título actualizado"
    commitment.save()

    services.report_snapshot_refresh(report=draft)

    draft.refresh_from_db()
    assert draft.summary_es == "Resumen."
    assert draft.narratives.get(commitment_code="TEST0001").text_es == "Lo que pasó."
    assert draft.snapshot["commitments"][0]["title"]["es"] == "Título actualizado"


def test_implementers_write_the_narratives_of_their_own_commitments_only(draft, implementer, other_implementer):
    own = draft.narratives.get(commitment_code="TEST0001")
    own.text_es = "Avance del vivero."
    services.narrative_save(narrative=own, by=implementer)
    other = draft.narratives.get(commitment_code="TEST0002")
    other.text_es = "No me toca."
    with pytest.raises(PermissionDenied):
        services.narrative_save(narrative=other, by=implementer)
    services.narrative_save(narrative=other, by=other_implementer)


def test_the_monitor_writes_no_narrative(draft, monitor):
    narrative = draft.narratives.first()
    narrative.text_es = "Texto del monitor."
    with pytest.raises(PermissionDenied):
        services.narrative_save(narrative=narrative, by=monitor)
