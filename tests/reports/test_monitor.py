"""The independent monitor (FCD): its uploads and assessments, the government's replies, the public section."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import GovernmentReply, MonitorAssessment, MonitorDocument

from .conftest import pdf_bytes

pytestmark = pytest.mark.django_db
DOCUMENTS = "/admin/reports/monitordocument/"


def upload(client, content: bytes, name: str = "auditoria.pdf", **fields):
    data = {
        "title_es": "Auditoría ciudadana 2025",
        "title_qu": "",
        "kind": "audit",
        "covers": "2025",
        "description_es": "",
        "description_qu": "",
        "file": SimpleUploadedFile(name, content),
        **fields,
    }
    return client.post(DOCUMENTS + "add/", data)


def test_the_monitor_uploads_a_pdf_stored_with_its_sha256(monitor_client, monitor):
    content = pdf_bytes(pages=2)
    response = upload(monitor_client, content, is_published="on")
    assert response.status_code == 302, response.content.decode()[:3000]
    document = MonitorDocument.objects.get()
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size == len(content)
    assert document.uploaded_by == monitor and document.published_at is not None
    assert document.file.read() == content


def file_errors(response) -> dict[str, str]:
    """The file field's errors, by code, with their messages (whatever the language)."""
    return {
        error.code: str(error.message % (error.params or {}))
        for error in response.context["adminform"].form.errors.as_data()["file"]
    }


@pytest.mark.parametrize(
    "content, code",
    [
        (b"PK\x03\x04 a spreadsheet, renamed", "not_pdf"),
        (b"<html>hello</html>", "not_pdf"),
        (b"%PDF-1.7\nthis is no PDF at all\n%%EOF", "bad_pdf"),
    ],
)
def test_what_is_not_a_pdf_is_refused_with_a_clear_message(monitor_client, content, code):
    response = upload(monitor_client, content)
    assert response.status_code == 200
    errors = file_errors(response)
    assert list(errors) == [code]
    assert "PDF" in errors[code]
    assert errors[code].replace("“", "&#x201c;") in response.content.decode() or "PDF" in response.content.decode()
    assert not MonitorDocument.objects.exists()


def test_a_pdf_over_the_limit_is_refused(monitor_client, settings):
    settings.REPORTS_UPLOAD_MAX_BYTES = 1024 * 1024
    response = upload(monitor_client, pdf_bytes(pages=3) + b" " * (1024 * 1024 + 200_000))
    errors = file_errors(response)
    assert list(errors) == ["too_large"]
    assert "1.2" in errors["too_large"] and "1.0" in errors["too_large"]
    assert not MonitorDocument.objects.exists()


def test_the_government_cannot_add_or_change_the_monitors_records(planner_client, implementer_client, monitor):
    document = MonitorDocument.objects.create(
        title_es="Evaluación", kind="evaluation", file=SimpleUploadedFile("e.pdf", pdf_bytes()), is_published=True
    )
    for client in (planner_client, implementer_client):
        assert upload(client, pdf_bytes()).status_code == 403
        assert client.post(f"{DOCUMENTS}{document.pk}/change/", {"title_es": "Cambiada"}).status_code == 403
        assert client.get(f"{DOCUMENTS}{document.pk}/change/").status_code == 200  # they may read it
    document.refresh_from_db()
    assert document.title_es == "Evaluación"


def test_the_government_does_not_see_the_monitors_unpublished_drafts(planner_client, monitor_client, commitment):
    MonitorAssessment.objects.create(
        commitment=commitment, assessed_on=date(2025, 10, 5), level="limited", text_es="Borrador del monitor."
    )
    assert "TEST0001" not in planner_client.get("/admin/reports/monitorassessment/").content.decode()
    assert "TEST0001" in monitor_client.get("/admin/reports/monitorassessment/").content.decode()


def test_the_monitor_records_an_assessment_and_the_government_replies(
    monitor_client, planner_client, monitor, commitment, citizen
):
    response = monitor_client.post(
        "/admin/reports/monitorassessment/add/",
        {
            "commitment": commitment.pk,
            "assessed_on": "2025-10-05",
            "level": "limited",
            "text_es": "Avance menor al reportado.",
            "text_qu": "",
            "is_published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assessment = MonitorAssessment.objects.get()
    assert assessment.author == monitor and assessment.published_at

    response = planner_client.post(
        "/admin/reports/governmentreply/add/",
        {
            "assessment": assessment.pk,
            "text_es": "Los datos se actualizarán en octubre.",
            "text_qu": "",
            "is_published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert (
        monitor_client.post(
            "/admin/reports/governmentreply/add/",
            {
                "assessment": assessment.pk,
                "text_es": "x",
                "is_published": "on",
            },
        ).status_code
        == 403
    )
    assert GovernmentReply.objects.count() == 1

    page = citizen.get("/es/informes/").content.decode()
    assert "Avance menor al reportado." in page
    assert "Los datos se actualizarán en octubre." in page
    assert page.index("Avance menor al reportado.") < page.index("Los datos se actualizarán en octubre.")


def test_published_monitor_documents_are_listed_and_downloadable(citizen, monitor):
    content = pdf_bytes()
    shown = MonitorDocument.objects.create(
        title_es="Auditoría 2025", kind="audit", file=SimpleUploadedFile("a.pdf", content), is_published=True
    )
    hidden = MonitorDocument.objects.create(
        title_es="Borrador de evaluación",
        kind="evaluation",
        file=SimpleUploadedFile("b.pdf", content),
        is_published=False,
    )
    page = citizen.get("/es/informes/").content.decode()
    assert "Auditoría 2025" in page and shown.sha256 in page
    assert "Borrador de evaluación" not in page
    response = citizen.get(f"/es/informes/fcd/{shown.pk}/{shown.download_name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"] == f'attachment; filename="{shown.download_name}"'
    assert citizen.get(f"/es/informes/fcd/{hidden.pk}/{hidden.download_name}").status_code == 404
    assert citizen.get(f"/es/informes/fcd/{shown.pk}/otro.pdf").status_code == 404
