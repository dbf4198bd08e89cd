"""The reports in the staff admin, through the test client, with the cast of tests/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from reports.models import Report, ReportNarrative

pytestmark = pytest.mark.django_db


def url(model: str, view: str = "", pk: int | None = None) -> str:
    base = f"/admin/reports/{model}/"
    if pk is not None:
        base += f"{pk}/"
    return base + (f"{view}/" if view else "")


def step(client, report, name):
    return client.post(url("report", f"workflow/{name}", report.pk), follow=True)


def test_planners_take_a_report_from_draft_to_published_in_the_admin(
    draft, planner_client, second_planner, django_capture_on_commit_callbacks
):
    from django.test import Client

    page = planner_client.get(url("report", "change", draft.pk))
    assert page.status_code == 200
    assert b'name="summary_es"' in page.content and b'name="summary_qu"' in page.content
    assert b"workflow/submit/" in page.content

    data = {
        "summary_es": "Resumen del trimestre.",
        "summary_qu": "Kimsa killapak willay.",
        "narratives-TOTAL_FORMS": "2",
        "narratives-INITIAL_FORMS": "2",
        "narratives-MIN_NUM_FORMS": "0",
        "narratives-MAX_NUM_FORMS": "1000",
        "kichwa-recording-content_type-object_id-TOTAL_FORMS": "0",  # the recordings (kichwa.admin_audio)
        "kichwa-recording-content_type-object_id-INITIAL_FORMS": "0",
    }
    for i, narrative in enumerate(draft.narratives.order_by("commitment_code")):
        data[f"narratives-{i}-id"] = str(narrative.pk)
        data[f"narratives-{i}-report"] = str(draft.pk)
        data[f"narratives-{i}-text_es"] = f"Narrativa {narrative.commitment_code}"
        data[f"narratives-{i}-text_qu"] = ""
    response = planner_client.post(url("report", "change", draft.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.summary_qu == "Kimsa killapak willay."
    assert draft.narratives.get(commitment_code="TEST0001").text_es == "Narrativa TEST0001"

    step(planner_client, draft, "submit")
    response = step(planner_client, draft, "approve")
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    draft.refresh_from_db()
    assert draft.status == Report.Status.IN_REVIEW

    reviewer = Client()
    reviewer.force_login(second_planner)
    step(reviewer, draft, "approve")
    with django_capture_on_commit_callbacks(execute=True):
        response = step(reviewer, draft, "publish")
    draft.refresh_from_db()
    assert draft.status == Report.Status.PUBLISHED
    # Embedded (no broker), the render ran while the admin waited, and the page says so.
    assert draft.render_state == Report.RenderState.READY
    assert b"PDFs are ready" in response.content or draft.files.count() == 2


def test_a_published_report_shows_read_only(published, planner_client):
    page = planner_client.get(url("report", "change", published.pk))
    assert page.status_code == 200
    assert b'name="summary_es"' not in page.content
    assert b"Resumen del tercer trimestre." in page.content
    assert published.files.get(language="es").sha256.encode() in page.content
    assert b"workflow/correct/" in page.content
    assert b"workflow/render/" not in page.content  # its PDFs are in place: a published PDF is never rendered again
    response = planner_client.post(url("report", "change", published.pk), {"summary_es": "Cambiado"})
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.summary_es == "Resumen del tercer trimestre."
    assert planner_client.post(url("report", "delete", published.pk), {"post": "yes"}).status_code == 403


def test_staff_re_render_the_pdfs_from_the_admin(published, planner_client, django_capture_on_commit_callbacks):
    for row in published.files.all():  # the rendering failed: no PDF on the disk
        Path(row.file.path).unlink()
    Report.objects.filter(pk=published.pk).update(render_state="failed", render_error="OSError: disk full")
    with django_capture_on_commit_callbacks(execute=True):
        response = planner_client.post(url("report"), {"action": "rerender_pdfs", "_selected_action": [published.pk]})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.render_state == Report.RenderState.READY
    assert published.render_error == ""


def test_a_failed_rendering_shows_its_error(published, planner_client):
    Report.objects.filter(pk=published.pk).update(render_state="failed", render_error="OSError: disk full")
    page = planner_client.get(url("report", "change", published.pk)).content.decode()
    assert "OSError: disk full" in page


def test_staff_download_the_draft_preview(draft, planner_client, implementer_client, citizen):
    Report.objects.filter(pk=draft.pk).update(render_state="queued")
    from reports import services

    services.report_render(report_id=draft.pk)
    response = planner_client.get(url("report", "pdf/es", draft.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="conecta-pastaza-informe-2025-T3-borrador-es.pdf"'
    assert implementer_client.get(url("report", "pdf/qu", draft.pk)).status_code == 200
    assert citizen.get(url("report", "pdf/es", draft.pk)).status_code == 302  # to the login page
    assert citizen.get("/es/informes/2025-t3/").status_code == 404


def test_the_add_page_drafts_a_period(plan_with_progress, planner_client):
    response = planner_client.post(url("report", "add"), {"plan": plan_with_progress.pk, "period": "2025"})
    report = Report.objects.get(period="2025")
    assert response.status_code == 302 and response["Location"].endswith(f"/{report.pk}/change/")
    assert report.kind == "annual" and report.slug == "2025"
    response = planner_client.post(url("report", "add"), {"plan": plan_with_progress.pk, "period": "2025-Q9"})
    assert response.status_code == 200 and b"2025-Q3" in response.content


def test_implementers_cannot_edit_reports_but_write_their_narratives(draft, implementer_client):
    assert implementer_client.get(url("report", "change", draft.pk)).status_code == 200  # view only
    assert b'name="summary_es"' not in implementer_client.get(url("report", "change", draft.pk)).content
    assert implementer_client.post(url("report", "change", draft.pk), {"summary_es": "x"}).status_code == 403
    assert step(implementer_client, draft, "submit").status_code == 200
    draft.refresh_from_db()
    assert draft.status == Report.Status.DRAFT

    listing = implementer_client.get(url("reportnarrative")).content.decode()
    assert "TEST0001" in listing and "TEST0002" not in listing
    own = draft.narratives.get(commitment_code="TEST0001")
    other = draft.narratives.get(commitment_code="TEST0002")
    response = implementer_client.post(
        url("reportnarrative", "change", own.pk), {"text_es": "Avance del vivero.", "text_qu": "Yura wiñachina."}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.text_qu == "Yura wiñachina."
    response = implementer_client.post(url("reportnarrative", "change", other.pk), {"text_es": "No me toca."})
    assert response.status_code in (302, 404)  # scoped away: the admin says it does not exist
    other.refresh_from_db()
    assert other.text_es in ("", None)


def test_narratives_are_read_only_once_the_report_leaves_draft(approved, implementer_client):
    own = approved.narratives.get(commitment_code="TEST0001")
    page = implementer_client.get(url("reportnarrative", "change", own.pk))
    assert page.status_code == 200 and b'name="text_es"' not in page.content
    assert implementer_client.post(url("reportnarrative", "change", own.pk), {"text_es": "x"}).status_code == 403
    assert ReportNarrative.objects.get(pk=own.pk).text_es in ("", None)


def test_the_monitor_sees_the_government_reports_but_cannot_touch_them(draft, published, monitor_client):
    assert monitor_client.get(url("report")).status_code == 200
    assert b'name="summary_es"' not in monitor_client.get(url("report", "change", draft.pk)).content
    assert monitor_client.post(url("report", "change", draft.pk), {"summary_es": "x"}).status_code == 403
    step(monitor_client, published, "correct")
    step(monitor_client, published, "render")
    assert Report.objects.count() == 1
    narrative = draft.narratives.first()
    assert monitor_client.post(url("reportnarrative", "change", narrative.pk), {"text_es": "x"}).status_code == 403
