"""The public reports pages: every published report with its PDFs and data, one report as an HTML page, the
files, and the independent monitor's section. Drafts and unpublished uploads never leave the admin."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from commitments.selectors import plan_current
from conecta.cache import public_page

from . import selectors
from .models import MonitorDocument


@public_page
def report_list(request):
    plan = plan_current()
    reports = selectors.reports_public(plan=plan)
    return render(
        request,
        "reports/list.html",
        {"plan": plan, "reports": reports, **selectors.monitoring_public(plan=plan)},
    )


def _report_or_404(slug: str):
    report = selectors.report_public(plan=plan_current(), slug=slug[:40])
    if report is None:
        raise Http404("unknown report")
    return report


@public_page
def report_detail(request, slug: str):
    report = _report_or_404(slug)
    context = selectors.report_context(report, get_language())
    return render(request, "reports/detail.html", context)


def _attachment(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def report_download(request, slug: str, filename: str):
    """A published report's PDF in one language, or its data as JSON or CSV, under its download name."""
    report = _report_or_404(slug)
    if filename == report.data_name("json"):
        return _attachment(selectors.report_data_json(report), "application/json; charset=utf-8", filename)
    if filename == report.data_name("csv"):
        return _attachment(selectors.report_data_csv(report), "text/csv; charset=utf-8", filename)
    for row in report.files.all():
        if row.download_name == filename and row.file.storage.exists(row.file.name):
            return FileResponse(
                row.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
            )
    raise Http404("unknown file")


def monitor_document_download(request, pk: int, filename: str):
    document = MonitorDocument.objects.filter(pk=pk, is_published=True).first()
    if document is None or filename != document.download_name or not document.file:
        raise Http404("unknown document")
    if not document.file.storage.exists(document.file.name):
        raise Http404("missing file")
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")
