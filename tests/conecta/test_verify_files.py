"""`manage.py verify_files` reads every published file again (report PDFs, the monitor's documents, signed
minutes, evidence), compares its SHA-256 and size with what the portal shows, prints what differs and exits
non-zero; a daily beat task runs it and e-mails the planners, in Spanish."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from commitments.models import Evidence
from meetings.models import Meeting
from reports.models import MonitorDocument, Report, ReportFile, report_storage
from tests.factories import MilestoneFactory, UserFactory, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"
    settings.MINUTES_ROOT = tmp_path / "minutes"
    settings.MEDIA_ROOT = tmp_path / "media"


def report_with_pdf(plan, *, status: str = "published", is_preview: bool = False) -> ReportFile:
    """A report and one PDF of it, stored as the renderer stores them (the rendering itself is not the point)."""
    published = status == "published"
    report = Report.objects.create(
        plan=plan,
        kind="quarterly",
        period="2025-Q3" if published else "2025-Q4",
        period_starts_on=date(2025, 7, 1) if published else date(2025, 10, 1),
        period_ends_on=date(2025, 9, 30) if published else date(2025, 12, 31),
        slug="2025-t3" if published else "2025-t4",
        status=status,
        published_at=timezone.now() if published else None,
    )
    content = pdf_bytes(pages=2)
    name = report_storage.save(f"{plan.slug}/{report.slug}/informe-es.pdf", ContentFile(content))
    return ReportFile.objects.create(
        report=report,
        language="es",
        file=name,
        size=len(content),
        pages=2,
        sha256=hashlib.sha256(content).hexdigest(),
        rendered_at=timezone.now(),
        is_preview=is_preview,
    )


@pytest.fixture
def published_files(plan, commitment):
    """One published file of each kind the portal shows a SHA-256 for."""
    pdf = report_with_pdf(plan)
    document = MonitorDocument.objects.create(
        title_es="Auditoría 2025", kind="audit", file=SimpleUploadedFile("a.pdf", pdf_bytes()), is_published=True
    )
    meeting = Meeting.objects.create(
        slug="comite-2025-03",
        kind="steering_committee",
        title_es="Comité Impulsor",
        date=date(2025, 3, 14),
        is_published=True,
        minutes_file=SimpleUploadedFile("acta.pdf", pdf_bytes(pages=3)),
    )
    evidence = Evidence.objects.create(
        milestone=MilestoneFactory(commitment=commitment, is_published=True),
        title="Acta de entrega",
        file=SimpleUploadedFile("acta-entrega.pdf", pdf_bytes(pages=4)),
        is_published=True,
    )
    return {"report": pdf, "document": document, "meeting": meeting, "evidence": evidence}


def verify(**options) -> str:
    out = io.StringIO()
    call_command("verify_files", stdout=out, **options)
    return out.getvalue()


def tamper(path: str, content: bytes = b"%PDF-1.7 something else entirely") -> None:
    os.chmod(path, 0o644)
    Path(path).write_bytes(content)


def test_when_every_file_matches_it_says_so_and_exits_zero(published_files):
    assert verify().startswith("4 archivos publicados revisados")  # in the portal's language


def test_a_tampered_report_pdf_is_reported_and_the_command_exits_non_zero(published_files):
    row = published_files["report"]
    tamper(row.file.path)

    with pytest.raises(CommandError) as failure:
        verify()

    assert failure.value.returncode == 1
    assert str(failure.value).startswith("1 de 4 archivos publicados")


def test_it_prints_each_file_that_differs_or_is_missing(published_files):
    tamper(published_files["meeting"].minutes_file.path)
    Path(published_files["document"].file.path).unlink()
    tamper(published_files["evidence"].file.path)
    out = io.StringIO()

    with pytest.raises(CommandError, match="3"):
        call_command("verify_files", stdout=out)

    printed = out.getvalue()
    for item in (published_files["meeting"].minutes_file, published_files["document"].file):
        assert item.name in printed
    assert published_files["evidence"].file.name in printed
    assert published_files["report"].file.name not in printed
    assert hashlib.sha256(b"%PDF-1.7 something else entirely").hexdigest() in printed


def test_drafts_and_unpublished_files_are_not_its_business(plan, published_files):
    preview = report_with_pdf(plan, status="draft", is_preview=True)
    tamper(preview.file.path)
    Meeting.objects.filter(pk=published_files["meeting"].pk).update(is_published=False)
    tamper(published_files["meeting"].minutes_file.path)

    assert verify().startswith("3 archivos publicados revisados")


def test_the_daily_task_e_mails_the_planners_in_spanish_when_a_file_differs(published_files, planner):
    from conecta.tasks import verify_published_files_task

    UserFactory(username="monitora", email="fcd@example.org")  # not a planner: not told
    assert verify_published_files_task.delay().get()
    assert mail.outbox == []  # nothing differs, nobody is bothered

    tamper(published_files["report"].file.path)
    summary = verify_published_files_task.delay().get()

    assert summary.startswith("1 de 4")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [planner.email]
    assert "archivo" in message.subject.lower()  # Spanish, whatever the language of the run
    assert published_files["report"].file.name in message.body
    assert "verify_files" in message.body


def test_beat_runs_it_every_day():
    entry = settings.CELERY_BEAT_SCHEDULE["verify-published-files"]

    assert entry["task"] == "conecta.tasks.verify_published_files_task"
    assert entry["schedule"].hour == {4}
