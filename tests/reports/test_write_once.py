"""Published files are written once, under names nobody else takes, read-only, and never replaced: a published
report's PDFs, the monitor's documents, the signed minutes of a published meeting. A second rendering, or a second
instance of the portal sharing the folder, cannot overwrite them; a change is a new version or document."""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from conecta.published_files import PublishedFileFrozen, link_exclusively
from meetings.models import Meeting
from reports import services
from reports.models import MonitorDocument, Report, ReportFile, ReportFrozenError, report_storage
from reports.tasks import render_report_pdfs_task
from tests.meetings.factories import MeetingFactory

from .conftest import pdf_bytes

pytestmark = pytest.mark.django_db
RenderState = Report.RenderState
FORGED = b"%PDF-1.7\n% another rendering, with other numbers\n%%EOF\n"


def on_disk(report: Report) -> dict[str, tuple[str, bytes]]:
    return {row.language: (row.file.name, Path(row.file.path).read_bytes()) for row in report.files.all()}


def forge(report, language, target: Path) -> int:
    """What another rendering writes: other bytes (the plan changed, another version of WeasyPrint...)."""
    target.write_bytes(FORGED)
    return 1


def test_a_published_pdf_gets_a_name_of_its_own_and_is_read_only(published, citizen):
    for row in published.files.all():
        name = Path(row.file.name).name
        assert f"-{published.pk}-" in name and name != row.download_name
        assert stat.S_IMODE(Path(row.file.path).stat().st_mode) == 0o444
        assert not row.is_preview
    response = citizen.get(f"/es/informes/{published.slug}/{published.download_name('es')}")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'filename="{published.download_name("es")}"')


def test_a_second_render_cannot_overwrite_a_published_pdf(published):
    before = on_disk(published)
    digests = {row.language: row.sha256 for row in published.files.all()}
    Report.objects.filter(pk=published.pk).update(render_state=RenderState.QUEUED)  # a stray re-delivery

    with mock.patch("reports.pdf.render_pdf", side_effect=forge) as render:
        assert services.report_render(report_id=published.pk) == "ready"

    assert render.call_count == 0
    assert on_disk(published) == before
    assert {row.language: row.sha256 for row in published.files.all()} == digests


def test_a_second_instance_sharing_the_folder_cannot_overwrite_a_published_pdf(published):
    """Another instance (its own database, the same REPORTS_ROOT) publishes the same report of the same plan: it
    writes files of its own beside ours, never over them."""
    ours = {path: path.read_bytes() for path in Path(report_storage.location).rglob("*.pdf")}
    ReportFile.objects.filter(report=published)._raw_delete(using="default")  # the other instance has no rows
    Report.objects.filter(pk=published.pk).update(render_state=RenderState.QUEUED)

    with mock.patch("reports.pdf.render_pdf", side_effect=forge):
        assert services.report_render(report_id=published.pk) == "ready"

    assert {path: path.read_bytes() for path in ours} == ours
    theirs = {Path(report_storage.path(row.file.name)) for row in published.files.all()}
    assert theirs.isdisjoint(ours) and all(path.read_bytes() == FORGED for path in theirs)


def test_render_again_on_a_published_report_refuses_in_staff_words(published, planner, planner_client):
    before = on_disk(published)

    with pytest.raises(services.ReportActionRefused, match="nunca se vuelve a generar"):
        services.report_queue_render(report=published, by=planner)
    response = planner_client.post(f"/admin/reports/report/{published.pk}/workflow/render/", follow=True)
    action = planner_client.post(
        "/admin/reports/report/", {"action": "rerender_pdfs", "_selected_action": [published.pk]}, follow=True
    )

    assert "nunca se vuelve a generar" in response.content.decode()
    assert "nunca se vuelve a generar" in action.content.decode()
    assert on_disk(published) == before


def test_only_a_missing_pdf_is_rendered_again_under_a_new_name(
    published, planner_client, django_capture_on_commit_callbacks
):
    spanish = published.files.get(language="es")
    kept = (spanish.file.name, Path(spanish.file.path).read_bytes(), spanish.sha256)
    lost = published.files.get(language="qu")
    Path(lost.file.path).unlink()
    Report.objects.filter(pk=published.pk).update(render_state=RenderState.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        response = planner_client.post(f"/admin/reports/report/{published.pk}/workflow/render/", follow=True)

    assert "PDF que faltan (qu)" in response.content.decode()
    spanish.refresh_from_db()
    assert (spanish.file.name, Path(spanish.file.path).read_bytes(), spanish.sha256) == kept
    kichwa = published.files.get(language="qu")
    assert kichwa.file.name != lost.file.name and Path(kichwa.file.path).exists()
    assert kichwa.sha256 == hashlib.sha256(Path(kichwa.file.path).read_bytes()).hexdigest()


def test_a_published_pdfs_row_refuses_another_file_and_cannot_be_deleted(published):
    row = published.files.get(language="es")

    row.sha256 = "0" * 64
    with pytest.raises(ReportFrozenError):
        row.save()
    with pytest.raises(ReportFrozenError):
        ReportFile.objects.filter(pk=row.pk).update(file="elsewhere.pdf")
    with pytest.raises(ReportFrozenError):
        ReportFile.objects.get(pk=row.pk).delete()


def test_draft_previews_are_still_replaced_and_go_with_their_rows(draft):
    Report.objects.filter(pk=draft.pk).update(render_state=RenderState.QUEUED)
    services.report_render(report_id=draft.pk)
    first = Path(draft.files.get(language="es").file.path)
    Report.objects.filter(pk=draft.pk).update(render_state=RenderState.QUEUED)
    services.report_render(report_id=draft.pk)
    second = draft.files.get(language="es")

    assert second.is_preview and not first.exists() and Path(second.file.path).exists()
    Report.objects.get(pk=draft.pk).delete()
    assert not Path(second.file.path).exists()


def test_the_storage_never_overwrites_a_name_that_is_taken():
    first = report_storage.save("fcd/2026/acta.pdf", ContentFile(b"%PDF- first"))
    second = report_storage.save("fcd/2026/acta.pdf", ContentFile(b"%PDF- second"))

    assert first != second
    assert Path(report_storage.path(first)).read_bytes() == b"%PDF- first"
    assert stat.S_IMODE(Path(report_storage.path(second)).stat().st_mode) == 0o444
    assert not list(Path(report_storage.path(first)).parent.glob("*.part"))


def test_linking_onto_a_taken_name_fails_and_leaves_it_alone(tmp_path):
    taken = tmp_path / "informe.pdf"
    taken.write_bytes(b"published")
    temporary = tmp_path / ".informe.pdf.part"
    temporary.write_bytes(b"forged")

    with pytest.raises(FileExistsError):
        link_exclusively(temporary, taken)

    assert taken.read_bytes() == b"published" and not temporary.exists()


# The monitor's documents.


def test_a_published_monitor_documents_file_cannot_change(monitor, monitor_client):
    first = pdf_bytes(pages=1)
    document = MonitorDocument.objects.create(
        title_es="Auditoría 2025", kind="audit", file=SimpleUploadedFile("auditoria.pdf", first), is_published=True
    )
    assert re.fullmatch(r"fcd/\d{4}/fcd-audit-[0-9a-f]{16}\.pdf", document.file.name)  # never the uploader's name
    assert stat.S_IMODE(Path(document.file.path).stat().st_mode) == 0o444

    page = monitor_client.get(f"/admin/reports/monitordocument/{document.pk}/change/").content.decode()
    assert 'type="file"' not in page and "no puede cambiar" in page
    monitor_client.post(
        f"/admin/reports/monitordocument/{document.pk}/change/",
        {
            "title_es": "Auditoría 2025",
            "title_qu": "",
            "kind": "audit",
            "covers": "",
            "description_es": "",
            "description_qu": "",
            "is_published": "on",
            "file": SimpleUploadedFile("otra.pdf", pdf_bytes(pages=3)),
        },
    )
    document.refresh_from_db()
    assert document.file.read() == first and document.sha256 == hashlib.sha256(first).hexdigest()

    document.file = SimpleUploadedFile("otra.pdf", pdf_bytes(pages=3))
    with pytest.raises(PublishedFileFrozen):
        document.save()


def test_an_unpublished_monitor_document_may_take_another_file_under_a_new_name(monitor):
    document = MonitorDocument.objects.create(
        title_es="Borrador", kind="audit", file=SimpleUploadedFile("a.pdf", pdf_bytes(pages=1))
    )
    old = document.file.name
    document.file = SimpleUploadedFile("a.pdf", pdf_bytes(pages=2))
    document.save()

    assert document.file.name != old and document.size == len(pdf_bytes(pages=2))


# The signed minutes of meetings.


def test_a_published_meetings_minutes_cannot_change(planner_client, settings):
    meeting = MeetingFactory(is_published=True, minutes_file=SimpleUploadedFile("acta.pdf", pdf_bytes()))
    path = Path(meeting.minutes_file.path)
    before = path.read_bytes()
    assert meeting.slug in path.name and stat.S_IMODE(path.stat().st_mode) == 0o444

    page = planner_client.get(f"/admin/meetings/meeting/{meeting.pk}/change/").content.decode()
    assert 'name="minutes_file"' not in page and "no puede cambiar" in page

    meeting.minutes_file = SimpleUploadedFile("otra.pdf", pdf_bytes(2))
    with pytest.raises(PublishedFileFrozen):
        meeting.save()
    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting.minutes_file = None
    with pytest.raises(PublishedFileFrozen):
        meeting.save()
    assert path.read_bytes() == before


def test_publishing_drops_the_drafts_previews_before_its_own_pdfs_exist(
    draft, planner, second_planner, citizen, django_capture_on_commit_callbacks
):
    """Until its own PDFs are rendered, a published report offers none: never a preview under its name."""
    Report.objects.filter(pk=draft.pk).update(render_state=RenderState.QUEUED)
    services.report_render(report_id=draft.pk)
    preview = Path(draft.files.get(language="es").file.path)
    draft.summary_es = "Resumen."
    draft.save()
    services.report_submit(report=draft, by=planner)
    services.report_approve(report=draft, by=second_planner)

    with mock.patch.object(render_report_pdfs_task, "enqueue"), django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=draft, by=planner)

    assert not draft.files.exists() and not preview.exists()
    assert citizen.get(f"/es/informes/{draft.slug}/{draft.download_name('es')}").status_code == 404
