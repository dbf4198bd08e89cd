"""The public pages of road works: the list (/vias/, filtered by a plain GET form), one work (/vias/<code>/: what,
where, who, with what money, when, its monthly progress, documents and citizens' requests, and a small map), and
the file of a published document.

Both pages are the same for every visitor and cached whole (@public_page). Only published works are shown, with
their published progress and documents and their public (moderated) requests; anything else is a 404.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from commitments import geomap
from commitments.models import Commitment
from commitments.search import MAX_QUERY_CHARS, printable
from commitments.views import DIGEST, LARGEST_PK
from conecta.cache import public_page
from conecta.extensions import panels_for
from conecta.fallbacks import text_in
from conecta.files import stored_file_response
from conecta.preview import preview_response

from . import selectors
from .models import RoadDocument, RoadWork, WorkKind, WorkStatus
from .summary_pdf import summary_response

PER_PAGE = 25
# What can be a commitment's code (an OGP code): nothing else reaches the database. A work's code is checked by its
# address (roads.urls).
COMMITMENT_CODE = re.compile(r"[A-Z0-9]{1,12}")
# The list's query parameters (Spanish, like its address) and the WorkFilters fields they fill.
FILTER_PARAMS = {
    "estado": "status",
    "tipo": "kind",
    "canton": "canton",
    "parroquia": "parish",
    "compromiso": "commitment",
}
# The work's line on the province map (480 drawing units wide) is simplified to half a unit, as the cantons are:
# a surveyed track of 2,000 points becomes the few dozen that can be seen.
MAP_TOLERANCE = geomap.TOLERANCE


def _filters_from(query, options: selectors.WorkOptions) -> tuple[selectors.WorkFilters, Commitment | None]:
    """The list's filters from the query string (a value the page does not offer is ignored), and the published
    commitment named by `compromiso` (one query, only when it is given)."""
    allowed = {
        "status": set(WorkStatus.values),
        "kind": set(WorkKind.values),
        "canton": {canton.slug for canton in options.cantons},
        "parish": {parish.code for parish in options.parishes},
    }
    values = {}
    for param, name in FILTER_PARAMS.items():
        value = query.get(param, "")
        values[name] = value if name == "commitment" or value in allowed[name] else ""
    code = values["commitment"].upper()
    commitment = None
    if COMMITMENT_CODE.fullmatch(code):
        commitment = Commitment.objects.published().filter(code=code).only("code", "title_es", "title_qu").first()
    values["commitment"] = commitment.code if commitment else ""
    q = " ".join(printable(query.get("q", "")[:MAX_QUERY_CHARS]).split())
    return selectors.WorkFilters(**values, q=q), commitment


def _params(filters: selectors.WorkFilters) -> dict[str, str]:
    params = {param: getattr(filters, name) for param, name in FILTER_PARAMS.items()}
    params["q"] = filters.q
    return {key: value for key, value in params.items() if value}


def _active_filters(filters, options, commitment) -> list[dict]:
    """Each active filter as the page names it, with the address of the same list without it."""
    names = {
        "status": (_("Status"), dict(WorkStatus.choices)),
        "kind": (capfirst(_("kind of work")), dict(WorkKind.choices)),
        "canton": (_("Canton"), {c.slug: text_in(c, "name") for c in options.cantons}),
        "parish": (_("Parish"), {p.code: text_in(p, "name") for p in options.parishes}),
        "commitment": (_("Commitment"), {commitment.code: text_in(commitment, "title")} if commitment else {}),
    }
    params = _params(filters)
    active = []
    for param, name in FILTER_PARAMS.items():
        value = getattr(filters, name)
        if value:
            label, choices = names[name]
            rest = {k: v for k, v in params.items() if k != param}
            active.append({"label": label, "value": choices[value], "query": urlencode(rest)})
    if filters.q:
        rest = {k: v for k, v in params.items() if k != "q"}
        active.append({"label": _("Search"), "value": f"“{filters.q}”", "query": urlencode(rest)})
    return active


@public_page(params=("q", *FILTER_PARAMS, "page"))
def work_list(request):
    """Every published road work, filtered and searched by a plain GET form, with their totals; 25 a page."""
    options = selectors.work_options()
    filters, commitment = _filters_from(request.GET, options)
    works = selectors.works_listed(filters=filters)
    page = Paginator(works, PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    selectors.schedule_mark(shown, today=timezone.localdate())
    params = _params(filters)
    return render(
        request,
        "roads/work_list.html",
        {
            "page": page,
            "works": shown,
            "totals": selectors.works_totals(works),
            "filters": filters,
            "options": options,
            "commitment": commitment,
            "statuses": WorkStatus.choices,
            "kinds": WorkKind.choices,
            "active_filters": _active_filters(filters, options, commitment),
            "is_filtered": bool(params),
            "query": urlencode(params),
        },
    )


def _work_map(work) -> dict | None:
    """The work's line (or point) over the cantons of the province map (commitments.geomap), in drawing units and
    simplified for that scale; None when it has no geometry."""
    if not work.geometry:
        return None
    view = geomap.province_map()
    line = geomap.simplify_line([view.project(float(lon), float(lat)) for lon, lat in work.geometry], MAP_TOLERANCE)
    middle = line[len(line) // 2]
    return {
        "view": view,
        "shapes": list(view.shapes.values()),
        "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in line) if len(line) > 1 else "",
        "x": round(middle[0], 1),
        "y": round(middle[1], 1),
    }


@public_page
def work_detail(request, code: str):
    """Everything the public may know about one published road work."""
    work = selectors.work_public_detail(code=code)
    if work is None:
        raise Http404("unknown road work")
    selectors.schedule_mark([work], today=timezone.localdate())
    for progress in work.progress_list:
        paid, budget = progress.paid_amount, work.budget
        progress.financial_pct = min(100, round(paid * 100 / budget)) if paid is not None and budget else None
    meeting = work.consultation_meeting
    return render(
        request,
        "roads/work_detail.html",
        {
            "work": work,
            "cantons": list(work.cantons.all()),
            "parishes": list(work.parishes.all()),
            "commitment": work.commitment if work.commitment and work.commitment.is_published else None,
            "meeting": meeting if meeting and meeting.is_published else None,
            "progress": work.progress_list,
            # The milestones' sparkline (commitments' progress_history) reads `observed_on` and `progress`.
            "steps": [SimpleNamespace(observed_on=p.observed_on, progress=p.physical_pct) for p in work.progress_list],
            "documents": work.document_list,
            "requests": selectors.work_requests(work=work),
            "work_map": _work_map(work),
            "oc4ids_url": reverse("roads_api:oc4ids_work", kwargs={"code": work.code}),
            "panels": panels_for("roads:work", request, work),
        },
    )


def work_preview(request, code: str):
    """The picture a link to a road work shows where it is shared (conecta.preview): its code, name, status and
    physical progress (none before its first progress report). Published works only; one query, then the
    picture from the cache."""
    work = (
        RoadWork.objects.published()
        .filter(code=code)
        .only("code", "name", "name_es", "name_qu", "status", "physical_pct", "progress_on")
        .first()
    )
    if work is None:
        raise Http404("unknown road work")
    return preview_response(
        title=text_in(work, "name"),
        subtitle=gettext("Status: %(status)s") % {"status": work.get_status_display()},
        percent=work.physical_pct if work.progress_on else None,
        label=gettext("Road work %(code)s") % {"code": work.code},
        language=get_language(),
    )


def work_summary_pdf(request, code: str):
    """The one-page summary of a published road work to print for a notice board (roads.summary_pdf), in the
    page's language; 404 for anything else. One query when it is cached."""
    response = summary_response(code=code, language=request.LANGUAGE_CODE)
    if response is None:
        raise Http404("unknown road work")
    return response


def document_file(request, pk: int, digest: str, name: str):
    """The file of a published document of a published work, at the address its page links to
    (`RoadDocument.get_file_url`); 404 for anything else, whatever the address guessed. One query."""
    document = None
    if pk <= LARGEST_PK and DIGEST.fullmatch(digest):
        document = (
            RoadDocument.objects.published()
            .filter(pk=pk, sha256__startswith=digest)
            .only("pk", "file", "content_type", "original_name", "sha256")
            .first()
        )
    if document is None or document.file_kind is None or name != document.download_name:
        raise Http404("no such road document")
    kind = document.file_kind
    return stored_file_response(
        request,
        document.file,
        content_type=kind.content_type,
        filename=document.download_name,
        inline=kind.inline,
        sha256=document.sha256,
    )
