"""`load_demo` publishes one illustrative report, once, so the reports page is never empty."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from reports.models import Report, ReportFile

pytestmark = pytest.mark.django_db


def load_demo(capture) -> None:
    with capture(execute=True):
        call_command("load_demo", stdout=io.StringIO())


def test_load_demo_publishes_an_example_report_once(django_capture_on_commit_callbacks, citizen):
    load_demo(django_capture_on_commit_callbacks)
    report = Report.objects.get()
    assert (report.period, report.version, report.status) == ("2025-Q4", 1, "published")
    assert report.has_example_data
    assert report.render_state == "ready" and report.files.count() == 2
    before = (report.snapshot, report.published_at, {f.language: f.sha256 for f in report.files.all()})

    load_demo(django_capture_on_commit_callbacks)

    assert Report.objects.count() == 1 and ReportFile.objects.count() == 2
    report.refresh_from_db()
    assert (report.snapshot, report.published_at, {f.language: f.sha256 for f in report.files.all()}) == before
    page = citizen.get("/es/informes/").content.decode()
    assert "/es/informes/2025-t4/" in page and 'class="tag"' in page
    detail = citizen.get("/es/informes/2025-t4/").content.decode()
    assert 'class="example-note"' in detail
    for code in ("ECPTZ0001", "ECPTZ0002", "ECPTZ0003"):
        assert code in detail


def test_load_demo_renders_the_missing_pdfs_on_a_later_run(django_capture_on_commit_callbacks):
    call_command("load_demo", stdout=io.StringIO())  # the render queued on commit never ran (no commit here)
    report = Report.objects.get()
    Report.objects.filter(pk=report.pk).update(render_state="failed")
    load_demo(django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.render_state == "ready" and report.files.count() == 2
