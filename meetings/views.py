"""The plan's page (how it was co-created: the workshops and who took part) and the meetings pages: the list
(with whether the Steering Committee met twice a year, as OGP asks of a multi-stakeholder forum), one meeting
with its agenda, minutes, attendance and agreements, the agreements register and its CSV, and the signed minutes
of a published meeting.

Everything here is the same for every visitor and has no form that posts, so the pages are cached whole
(@public_page); filters are plain GET forms. Unpublished meetings and their agreements are never read.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.selectors import plan_current
from conecta.cache import public_page

from . import selectors
from .models import Agreement, Meeting

MEETINGS_PER_PAGE = 20
AGREEMENTS_PER_PAGE = 30
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")
CODE = re.compile(r"[A-Z0-9]{1,12}")
YEAR = re.compile(r"\d{4}")
# The list's kind filter takes the Spanish word of the address (tipo=comite), not the stored value.
KIND_BY_WORD = {word: kind for kind, word in selectors.KIND_WORDS.items()}


def _query(params: dict[str, str]) -> str:
    return urlencode({key: value for key, value in params.items() if value})


@public_page(params=("tipo", "anio", "page"))
def meetings(request):
    """Published meetings, upcoming first, filtered by kind and year; the Steering Committee's yearly check."""
    today = timezone.localdate()
    years = selectors.meeting_years()
    word = request.GET.get("tipo", "")
    kind = KIND_BY_WORD.get(word, "")
    raw_year = request.GET.get("anio", "")
    year = int(raw_year) if YEAR.fullmatch(raw_year) and int(raw_year) in years else None
    filters = selectors.MeetingFilters(kind=kind, year=year)
    page = Paginator(selectors.meetings_listed(filters=filters, today=today), MEETINGS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    params = {"tipo": word if kind else "", "anio": str(year) if year else ""}
    plan = plan_current()
    return render(
        request,
        "meetings/list.html",
        {
            "plan": plan,
            "page": page,
            "meetings": list(page.object_list),
            "kinds": [(selectors.KIND_WORDS[value], label) for value, label in Meeting.Kind.choices],
            "years": years,
            "filters": params,
            "is_filtered": bool(kind or year),
            "query": _query(params),
            "forum_years": selectors.steering_committee_years(plan=plan, today=today),
            "forum_minimum": selectors.FORUM_MEETINGS_PER_YEAR,
            "today": today,
        },
    )


@public_page
def plan_about(request):
    """About the plan: its dates, foreword, vision and challenges, how it was co-created (the workshops and who
    took part) and how it is implemented and monitored."""
    plan = plan_current()
    workshops = selectors.meetings_public(plan=plan, kind=Meeting.Kind.COCREATION_WORKSHOP)
    overall = selectors.attendance_overall(workshops)
    return render(
        request,
        "meetings/plan.html",
        {
            "plan": plan,
            "workshops": workshops,
            "overall": overall,
            "per_workshop": [(w.short_name, w.attendance_figures.total) for w in workshops],
        },
    )


@public_page
def meeting(request, slug: str):
    """Everything about one published meeting."""
    found = selectors.meeting_public_detail(slug=slug, today=timezone.localdate()) if SLUG.fullmatch(slug) else None
    if found is None:
        raise Http404("unknown meeting")
    figures = found.attendance_figures
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": found,
            "figures": figures,
            "agreements": found.agreement_list,
            "today": timezone.localdate(),
        },
    )


def minutes_download(request, slug: str):
    """The signed minutes of a published meeting, under a name that says what and when; 404 for anything else."""
    found = selectors.minutes_for_download(slug=slug) if SLUG.fullmatch(slug) else None
    if found is None or not found.minutes_file.storage.exists(found.minutes_file.name):
        raise Http404("no published minutes")
    return FileResponse(
        found.minutes_file.open("rb"),
        as_attachment=True,
        filename=selectors.minutes_download_name(found),
        content_type="application/pdf",
    )


def _agreement_filters(query) -> tuple[selectors.AgreementFilters, dict[str, str], list]:
    """The register's filters from the query string (values the page does not offer are ignored), the
    parameters that keep them, and the commitments offered."""
    commitments = selectors.agreement_commitments()
    word = query.get("estado", "")
    status = selectors.OVERDUE if word == selectors.OVERDUE else selectors.STATUS_WORDS.get(word, "")
    code = query.get("compromiso", "")[:12].upper()
    code = code if CODE.fullmatch(code) and code in {c.code for c in commitments} else ""
    params = {"estado": word if status else "", "compromiso": code}
    return selectors.AgreementFilters(status=status, commitment=code), params, commitments


@public_page(params=("estado", "compromiso", "page"))
def agreements(request):
    """The agreements register of published meetings, filtered by status (or overdue) and commitment."""
    today = timezone.localdate()
    filters, params, commitments = _agreement_filters(request.GET)
    page = Paginator(selectors.agreements_register(filters=filters, today=today), AGREEMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = _query(params)
    return render(
        request,
        "meetings/agreements.html",
        {
            "page": page,
            "agreements": list(page.object_list),
            "statuses": [
                *((word, Agreement.Status(value).label) for word, value in selectors.STATUS_WORDS.items()),
                (selectors.OVERDUE, _("Overdue")),
            ],
            "commitments": commitments,
            "filters": params,
            "is_filtered": bool(query),
            "query": query,
            "today": today,
        },
    )


@public_page(params=("estado", "compromiso"))
def agreements_csv(request):
    """The register (with the same filters) as open data."""
    filters, _params, _commitments = _agreement_filters(request.GET)
    rows = selectors.agreements_register(filters=filters, today=timezone.localdate())
    # A downloaded file outlives the request: its addresses are the site's own (SITE_URL), like PDFs and e-mails.
    body = selectors.agreements_csv(rows, base_url=settings.SITE_URL.rstrip("/"))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="conecta-pastaza-acuerdos.csv"'
    return response
