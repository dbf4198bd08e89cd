"""The PDFs: one per language, reproducible, complete, offline, and safe to render twice."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from pypdf import PdfReader

from reports import services
from reports.models import Report, ReportFile
from reports.pdf import _local_fetcher
from reports.tasks import render_report_pdfs_task

from .conftest import pdf_text

pytestmark = pytest.mark.django_db
RenderState = Report.RenderState


def stored_name(row: ReportFile) -> str:
    """A file's name without the report id and random token that make it unique (conecta.published_files)."""
    return re.sub(r"-\d+-[0-9a-f]{16}\.pdf$", ".pdf", Path(row.file.name).name)


def lose_pdfs(report: Report) -> None:
    """The PDFs go missing from the disk: the only case in which a published report's PDFs are rendered again."""
    for row in report.files.all():
        Path(row.file.path).unlink()


def test_publishing_renders_one_pdf_per_language_with_size_pages_and_sha256(published):
    assert published.render_state == RenderState.READY
    files = {f.language: f for f in published.files.all()}
    assert set(files) == {"es", "qu"}
    for language, row in files.items():
        path = Path(row.file.path)
        assert stored_name(row) == f"conecta-pastaza-informe-2025-T3-{language}.pdf"
        data = path.read_bytes()
        assert data.startswith(b"%PDF-")
        assert row.size == len(data)
        assert row.sha256 == hashlib.sha256(data).hexdigest()
        assert row.pages == len(PdfReader(path).pages) >= 3


def test_a_lost_pdf_renders_again_to_the_same_bytes(published, rerender):
    before = {f.language: f.sha256 for f in published.files.all()}
    texts = {f.language: pdf_text(f.file.path) for f in published.files.all()}
    lose_pdfs(published)

    assert rerender(published)

    assert published.render_state == RenderState.READY
    assert {f.language: f.sha256 for f in published.files.all()} == before
    assert {f.language: pdf_text(f.file.path) for f in published.files.all()} == texts
    assert ReportFile.objects.filter(report=published).count() == 2


def test_the_pdf_dates_are_the_publication_time_not_the_rendering_time(published):
    metadata = PdfReader(published.files.get(language="es").file.path).metadata
    moment = timezone.localtime(published.published_at)
    assert metadata["/CreationDate"].startswith(f"D:{moment:%Y%m%d%H%M%S}")
    assert metadata["/ModDate"] == metadata["/CreationDate"]


@pytest.mark.parametrize("language", ["es", "qu"])
def test_the_pdf_holds_every_commitment_code_and_title_in_its_language(published, language):
    text = pdf_text(published.files.get(language=language).file.path)
    for row in published.snapshot["commitments"]:
        assert row["code"] in text
        assert row["title"][language] in text
        for milestone in row["milestones"]:
            assert milestone["title"][language] in text
    summary = {"es": "Resumen del tercer trimestre.", "qu": "Kimsaniki killakunapak willay."}[language]
    assert summary in text
    assert "Taller con comunidades" in text or "Ayllu llaktakunawan tantanakuy" in text
    assert "Fuera del trimestre" not in text


def test_the_pdf_marks_example_data_and_a_draft_preview_says_so(draft):
    Report.objects.filter(pk=draft.pk).update(render_state=RenderState.QUEUED)
    assert services.report_render(report_id=draft.pk) == "ready"
    row = draft.files.get(language="es")
    assert stored_name(row) == "conecta-pastaza-informe-2025-T3-borrador-es.pdf"
    text = pdf_text(row.file.path)
    assert "example data" in text.lower() or "datos de ejemplo" in text.lower()
    assert "DRAFT" in text or "BORRADOR" in text


def test_publishing_replaces_the_draft_preview_with_the_published_file(
    draft, planner, second_planner, django_capture_on_commit_callbacks
):
    Report.objects.filter(pk=draft.pk).update(render_state=RenderState.QUEUED)
    services.report_render(report_id=draft.pk)
    preview = Path(draft.files.get(language="es").file.path)
    assert preview.exists()
    draft.summary_es = "Resumen."
    draft.save()
    services.report_submit(report=draft, by=planner)
    services.report_approve(report=draft, by=second_planner)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=draft, by=planner)
    assert not preview.exists()
    assert sorted(re.sub(r"-\d+-[0-9a-f]{16}\.pdf$", ".pdf", p.name) for p in preview.parent.iterdir()) == [
        "conecta-pastaza-informe-2025-T3-es.pdf",
        "conecta-pastaza-informe-2025-T3-qu.pdf",
    ]


def test_a_second_delivery_of_the_task_does_nothing(published):
    mtimes = {f.language: Path(f.file.path).stat().st_mtime_ns for f in published.files.all()}
    assert render_report_pdfs_task.delay(published.pk).get() == "skipped"
    assert {f.language: Path(f.file.path).stat().st_mtime_ns for f in published.files.all()} == mtimes
    assert ReportFile.objects.filter(report=published).count() == 2


def test_a_redelivered_task_takes_over_its_own_claim(published):
    """A worker died mid-render: the same message (same task id) comes back and may finish the job."""
    Report.objects.filter(pk=published.pk).update(render_state=RenderState.RENDERING, render_task_id="abc")
    assert services.report_render(report_id=published.pk, task_id="other") == "skipped"
    assert services.report_render(report_id=published.pk, task_id="abc") == "ready"
    published.refresh_from_db()
    assert published.render_state == RenderState.READY


def test_a_rendering_error_is_recorded_on_the_report(approved, planner, django_capture_on_commit_callbacks):
    with mock.patch("reports.pdf.render_pdf", side_effect=ValueError("the template broke")):
        with django_capture_on_commit_callbacks(execute=True):
            services.report_publish(report=approved, by=planner)
    approved.refresh_from_db()
    assert approved.is_published
    assert approved.render_state == RenderState.FAILED
    assert "the template broke" in approved.render_error
    assert not approved.files.exists()


@pytest.fixture
def retries_run_inline():
    """As with a worker, a retry is a new run of the task (eagerly here, so not propagating the Retry)."""
    from conecta.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


def test_with_a_worker_a_transient_error_is_retried_and_the_retry_takes_over_the_claim(
    published, reports_root, retries_run_inline
):
    from reports import pdf

    real, calls = pdf.render_pdf, []

    def flaky(report, language, target):
        calls.append(language)
        if len(calls) == 1:
            raise OSError("NFS hiccup")
        return real(report, language, target)

    lose_pdfs(published)
    Report.objects.filter(pk=published.pk).update(render_state=RenderState.QUEUED)
    with mock.patch("reports.tasks._may_retry", return_value=True), mock.patch("reports.pdf.render_pdf", flaky):
        result = render_report_pdfs_task.apply(args=[published.pk], task_id="t-1")
    assert result.get() == "ready"
    assert calls == ["es", "es", "qu"]
    published.refresh_from_db()
    assert published.render_state == RenderState.READY
    assert not list(reports_root.rglob("*.part"))  # no half-written file is left behind


def test_with_a_worker_the_last_transient_error_is_recorded(published, retries_run_inline):
    lose_pdfs(published)
    Report.objects.filter(pk=published.pk).update(render_state=RenderState.QUEUED)
    with (
        mock.patch("reports.tasks._may_retry", side_effect=[True, True, False]),
        mock.patch("reports.pdf.render_pdf", side_effect=OSError("disk full")) as render,
    ):
        result = render_report_pdfs_task.apply(args=[published.pk], task_id="t-2")
    assert result.get() == "failed"
    assert render.call_count == 3
    published.refresh_from_db()
    assert published.render_state == RenderState.FAILED
    assert "disk full" in published.render_error


def test_the_last_transient_error_is_recorded(approved, planner, reports_root, django_capture_on_commit_callbacks):
    """Embedded (no broker) there is no retry: the admin, waiting, sees the failure and may render again."""
    with mock.patch("reports.pdf.render_pdf", side_effect=OSError("disk full")):
        with django_capture_on_commit_callbacks(execute=True):
            services.report_publish(report=approved, by=planner)
    approved.refresh_from_db()
    assert approved.render_state == RenderState.FAILED
    assert "disk full" in approved.render_error
    assert not [p for p in reports_root.rglob("*") if p.is_file()]


def test_publishing_succeeds_when_the_broker_is_down_and_the_sweep_renders_later(
    approved, planner, django_capture_on_commit_callbacks, caplog
):
    with mock.patch.object(render_report_pdfs_task, "delay", side_effect=ConnectionRefusedError("no broker")):
        with django_capture_on_commit_callbacks(execute=True):
            services.report_publish(report=approved, by=planner)
    approved.refresh_from_db()
    assert approved.is_published
    assert approved.render_state == RenderState.QUEUED
    assert "render_report_pdfs_task" in caplog.text and "the sweep will retry" in caplog.text

    assert services.reports_requeue_stuck() == 0  # not stuck yet
    Report.objects.filter(pk=approved.pk).update(render_queued_at=timezone.now() - timedelta(minutes=30))
    assert services.reports_requeue_stuck() == 1
    approved.refresh_from_db()
    assert approved.render_state == RenderState.READY
    assert approved.files.count() == 2


def test_the_sweep_requeues_a_rendering_left_by_a_dead_worker(published):
    Report.objects.filter(pk=published.pk).update(
        render_state=RenderState.RENDERING, render_task_id="dead", render_started_at=timezone.now() - timedelta(hours=2)
    )
    assert services.reports_requeue_stuck() == 1
    published.refresh_from_db()
    assert published.render_state == RenderState.READY


def test_weasyprint_may_read_the_stylesheet_but_nothing_from_the_network():
    fetcher = _local_fetcher()
    from django.conf import settings

    css = Path(settings.BASE_DIR) / "static" / "css" / "report-pdf.css"
    response = fetcher.fetch(css.as_uri())
    assert b"@page" in response.read()
    response.close()
    for url in (
        "https://example.org/tracker.png",
        "http://127.0.0.1:8000/static/css/site.css",
        "file:///etc/passwd",
        "ftp://example.org/x",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


@pytest.mark.parametrize("language", ["es", "qu"])
def test_a_report_laid_out_in_parts_reads_as_one_document(published, settings, rerender, language):
    """A report above REPORTS_PDF_SINGLE_MAX commitments, one commitment per part here (REPORTS_PDF_CHUNK): the
    pages join up, numbered as one."""
    from django.utils import translation

    one_part = {f.language: f.sha256 for f in published.files.all()}
    settings.REPORTS_PDF_SINGLE_MAX = 1
    settings.REPORTS_PDF_CHUNK = 1
    lose_pdfs(published)
    assert rerender(published)
    row = published.files.get(language=language)
    assert row.sha256 != one_part[language]
    reader = PdfReader(row.file.path)
    assert row.pages == len(reader.pages)
    with translation.override(language):
        from django.utils.translation import gettext

        for number, page in enumerate(reader.pages, start=1):
            footer = gettext("Page %(page)s of %(pages)s") % {"page": number, "pages": row.pages}
            assert footer in page.extract_text()
    text = pdf_text(row.file.path)
    for commitment in published.snapshot["commitments"]:
        assert commitment["code"] in text and commitment["title"][language] in text
    assert reader.metadata["/Title"].endswith("· v1")
    assert reader.trailer["/Root"]["/Lang"] == language
    # The same parts give the same bytes again.
    before = row.sha256
    lose_pdfs(published)
    assert rerender(published)
    assert published.files.get(language=language).sha256 == before
