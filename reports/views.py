"""The public reports pages: every published report with its PDFs and data, one report as an HTML page, the
files, and the independent monitor's section. Drafts and unpublished uploads never leave the admin."""

from __future__ import annotations

import re

from django.db.models.fields.json import KT
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext

from commitments.selectors import plan_current
from conecta.cache import public_page
from conecta.extensions import panels_for
from conecta.fallbacks import text_in
from conecta.files import stored_file_response
from conecta.preview import preview_response

from . import selectors
from .models import MonitorDocument, Report, ReportOutreachFile

DIGEST = re.compile(r"[0-9a-f]{16}")


@public_page
def report_list(request):
    plan = plan_current()
    reports = selectors.reports_public(plan=plan)
    return render(
        request,
        "reports/list.html",
        {
            "plan": plan,
            "reports": reports,
            **selectors.monitoring_public(plan=plan),
            "panels": panels_for("reports:list", request, None),
        },
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
    context["panels"] = panels_for("reports:detail", request, report)
    context["outreach"] = selectors.outreach_public(report)
    return render(request, "reports/detail.html", context)


def report_preview(request, slug: str):
    """The picture a link to a report shows where it is shared (conecta.preview): its title, the plan, and the
    plan's average progress at the period's end as the report recorded it. Published reports only; two small
    queries (the plan, and the report with that one figure of its snapshot), then the picture from the cache."""
    plan = plan_current()
    found = Report.objects.published().filter(plan=plan, slug=slug[:40]) if plan is not None else Report.objects.none()
    report = found.only("kind", "period").annotate(average=KT("snapshot__totals__average_progress")).first()
    if report is None:
        raise Http404("unknown report")
    average = report.average
    return preview_response(
        title=report.title,
        subtitle=text_in(plan, "title"),
        percent=round(float(average)) if average not in (None, "") else None,
        label=gettext("Progress reports"),
        language=get_language(),
    )


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


def outreach_file(request, slug: str, digest: str, filename: str):
    """A bulletin to print or a radio pack of a published report, at the address its page links to (the start of
    its SHA-256 in it, so the bytes at an address never change); 404 for anything else, a withdrawn radio pack
    included. One query (and the plan's)."""
    plan = plan_current()
    row = None
    if plan is not None and DIGEST.fullmatch(digest):
        row = (
            ReportOutreachFile.objects.public()
            .filter(report__plan=plan, report__slug=slug[:40], sha256__startswith=digest)
            .select_related("report", "canton")
            .first()
        )
    if row is None or filename != row.download_name:
        raise Http404("unknown file")
    # A bulletin opens in the browser, to print it; a radio pack is saved.
    return stored_file_response(
        request, row.file, content_type=row.content_type, filename=filename, inline=row.is_bulletin, sha256=row.sha256
    )


def monitor_document_download(request, pk: int, filename: str):
    document = MonitorDocument.objects.filter(pk=pk, is_published=True).first()
    if document is None or filename != document.download_name or not document.file:
        raise Http404("unknown document")
    if not document.file.storage.exists(document.file.name):
        raise Http404("missing file")
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")
