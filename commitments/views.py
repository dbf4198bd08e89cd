"""The public pages of the plan: home, the commitments list, one commitment, one institution; and the evidence
files (the public ones for everyone, the others for staff)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from conecta.cache import public_page
from conecta.extensions import panels_for
from conecta.fallbacks import text_in
from conecta.files import stored_file_response
from conecta.preview import preview_response

from . import roles, selectors
from .models import Axis, Commitment, Evidence, IrmLevel
from .search import MAX_QUERY_CHARS, matches_for, printable
from .summary_pdf import summary_response

# The home page shows this many commitments and links to the full list for the rest (its HTML stays small).
HOME_COMMITMENTS = 12
PER_PAGE = 20

CODE = re.compile(r"[A-Z0-9]{1,12}")

# The home page lists this many overdue milestones (the most overdue first) and this many upcoming ones.
HOME_MILESTONES = 5

# The list's query parameters (Spanish, like its address) and the ListFilters fields they fill.
FILTER_PARAMS = {
    "eje": "axis",
    "nivel": "level",
    "institucion": "lead",
    "canton": "canton",
    "valor": "value",
    "vencidos": "overdue",
}
# The one value of `vencidos`: only the commitments with an overdue milestone or that ended incomplete.
OVERDUE_ONLY = "si"


@public_page
def home(request):
    """The plan at a glance: overall progress, progress by axis and by IRM level, what happened lately, what is
    overdue and what comes next, and the first commitments with a link to all of them."""
    plan = selectors.plan_current()
    context = {"plan": plan}
    if plan is not None:
        today = timezone.localdate()
        overview = selectors.plan_overview(plan=plan)
        overdue = selectors.milestones_overdue(plan=plan, today=today, limit=HOME_MILESTONES)
        context.update(
            overview=overview,
            overall_progress=overview.overall_progress,
            overall_level=overview.overall_level,
            axis_rows=[(row["axis"].label, row["progress"]) for row in overview.by_axis],
            level_rows=[(row["level"].label, row["count"]) for row in overview.by_level],
            commitments=selectors.commitments_first(plan=plan, limit=HOME_COMMITMENTS),
            updates=selectors.updates_latest(plan=plan),
            overdue=overdue[:HOME_MILESTONES],
            more_overdue=len(overdue) > HOME_MILESTONES,
            overdue_query=urlencode({"vencidos": OVERDUE_ONLY}),
            upcoming=selectors.milestones_upcoming(plan=plan, today=today, limit=HOME_MILESTONES),
            has_example_data=selectors.plan_has_example_data(plan=plan),
        )
    return render(request, "commitments/home.html", context)


def _filters_from(query, options: selectors.ListOptions) -> selectors.ListFilters:
    """The list's filters from the query string; a value the page does not offer is ignored."""
    allowed = {
        "axis": set(Axis.values),
        "level": set(IrmLevel.values),
        "lead": {institution.slug for institution in options.leads},
        "canton": {canton.slug for canton in options.cantons},
        "value": {value.code for value in options.values},
        "overdue": {OVERDUE_ONLY},
    }
    values = {}
    for param, field in FILTER_PARAMS.items():
        value = query.get(param, "")
        values[field] = value if value in allowed[field] else ""
    q = " ".join(printable(query.get("q", "")[:MAX_QUERY_CHARS]).split())
    order = query.get("orden", "")
    return selectors.ListFilters(**values, q=q, order=order if order in selectors.SORTS else "")


def _active_filters(filters: selectors.ListFilters, options: selectors.ListOptions) -> list[dict]:
    """Each active filter as the page names it, with the address of the same list without it."""
    names = {
        "axis": (_("Thematic axis"), dict(Axis.choices)),
        "level": (_("IRM level"), dict(IrmLevel.choices)),
        "lead": (_("Institution"), {i.slug: text_in(i, "name") for i in options.leads}),
        "canton": (_("Canton"), {c.slug: text_in(c, "name") for c in options.cantons}),
        "value": (_("OGP value"), {v.code: text_in(v, "name") for v in options.values}),
        "overdue": (_("Overdue"), {OVERDUE_ONLY: _("Only those with overdue milestones or ended incomplete")}),
    }
    params = _params(filters)
    active = []
    for param, field in FILTER_PARAMS.items():
        value = getattr(filters, field)
        if value:
            label, choices = names[field]
            rest = {k: v for k, v in params.items() if k != param}
            active.append({"label": label, "value": choices[value], "query": urlencode(rest)})
    if filters.q:
        rest = {k: v for k, v in params.items() if k != "q"}
        active.append({"label": _("Search"), "value": f"“{filters.q}”", "query": urlencode(rest)})
    return active


def _params(filters: selectors.ListFilters) -> dict[str, str]:
    params = {param: getattr(filters, field) for param, field in FILTER_PARAMS.items()}
    params.update(q=filters.q, orden=filters.order)
    return {k: v for k, v in params.items() if v}


@public_page(params=("q", *FILTER_PARAMS, "orden", "page"))
def commitment_list(request):
    """All the plan's published commitments, filtered, searched, sorted and paginated by a plain GET form."""
    plan = selectors.plan_current()
    if plan is None:
        return render(request, "commitments/list.html", {"plan": None})
    options = selectors.list_options(plan=plan)
    filters = _filters_from(request.GET, options)
    commitments = selectors.commitments_listed(plan=plan, filters=filters)
    page = Paginator(commitments, PER_PAGE).get_page(request.GET.get("page"))
    params = _params(filters)
    shown = list(page.object_list)
    # Under each result, where the words were found (a milestone, an update, an indicator…): three queries a page.
    matches = matches_for(shown, filters.q)
    for commitment in shown:
        commitment.matched_in = matches.get(commitment.pk, [])
    return render(
        request,
        "commitments/list.html",
        {
            "plan": plan,
            "page": page,
            "commitments": shown,
            "filters": filters,
            "options": options,
            "axes": Axis.choices,
            "levels": IrmLevel.choices,
            "overdue_only": OVERDUE_ONLY,
            "sorts": [(key, label) for key, (label, _ordering) in selectors.SORTS.items()],
            "active_filters": _active_filters(filters, options),
            "is_filtered": bool(params.keys() - {"orden"}),
            # The selects stay folded away (a long form on a phone) unless one of them is in use.
            "more_open": bool(params.keys() - {"q"}),
            "query": urlencode(params),
            # What the upper apps found for the same words (road works): conecta.extensions.panels_for.
            "panels": panels_for("commitments:list", request, filters.q) if filters.q else [],
        },
    )


@public_page
def detail(request, code: str):
    code = code.upper()
    # Only what can be an OGP code reaches the database (no NUL byte, no 5000 characters).
    commitment = selectors.commitment_public_detail(code=code) if CODE.fullmatch(code) else None
    if commitment is None:
        raise Http404("unknown commitment")
    milestones = list(commitment.milestones.all())
    budget_rows = []
    if commitment.budget_planned is not None:
        executed = commitment.budget_executed
        budget_rows = [
            (_("Planned"), round(commitment.budget_planned)),
            (_("Executed"), None if executed is None else round(executed)),
        ]
    return render(
        request,
        "commitments/detail.html",
        {
            "commitment": commitment,
            "milestones": milestones,
            "updates": list(commitment.updates.all()),
            "budget_rows": budget_rows,
            "has_example_data": any(m.is_illustrative for m in milestones),
            # What apps above this one show on the page (meetings: agreements; feedback: citizens' opinion, with
            # the open surveys about the commitment that surveys adds to it).
            "panels": panels_for("commitments:detail", request, commitment),
        },
    )


def preview(request, code: str):
    """The picture a link to a commitment shows where it is shared (conecta.preview): its code, title, IRM level
    and progress. Published commitments only; one query, then the picture from the cache."""
    code, commitment = code.upper(), None
    if CODE.fullmatch(code):
        published = Commitment.objects.published().with_progress().filter(code=code)
        commitment = published.only("code", "title", "title_es", "title_qu").first()
    if commitment is None:
        raise Http404("unknown commitment")
    return preview_response(
        title=text_in(commitment, "title"),
        subtitle=gettext("IRM level: %(level)s") % {"level": commitment.irm_level.label},
        percent=commitment.progress,
        label=gettext("Commitment %(code)s") % {"code": commitment.code},
        language=get_language(),
    )


@public_page
def institution_detail(request, slug: str):
    institution = selectors.institution_public(slug=slug[:80])
    if institution is None:
        raise Http404("unknown institution")
    plan = selectors.plan_current()
    found = selectors.institution_commitments(institution=institution, plan=plan)
    return render(
        request,
        "commitments/institution.html",
        {"institution": institution, "plan": plan, "limit": selectors.INSTITUTION_LIST_LIMIT, **found},
    )


def summary_pdf(request, code: str):
    """The one-page summary of a published commitment to print for a notice board (commitments.summary_pdf), in
    the page's language; 404 for anything else. One query when it is cached."""
    code = code.upper()
    response = summary_response(code=code, language=request.LANGUAGE_CODE) if CODE.fullmatch(code) else None
    if response is None:
        raise Http404("unknown commitment")
    return response


# Evidence files. Whatever an uploaded file holds, a browser must never run it as a page of the portal: it gets the
# type its bytes were found to be (never one guessed from a name), `nosniff`, and a policy that sandboxes it (an
# opaque origin, no script, no plugin, no form, not framed). PDFs and images open in the browser, anything else is
# a download. `sandbox` does not stop Chromium from showing a PDF opened as a page (checked with Chromium 156,
# with its PDF viewer in and out of process); `style-src 'unsafe-inline'` lets the browser style its own image
# and PDF viewer pages, and is harmless where no script may run.
DIGEST = re.compile(r"[0-9a-f]{16}")
LARGEST_PK = 2**63 - 1


def evidence_file(request, pk: int, digest: str, name: str):
    """The file of published evidence of a published milestone or update of a published commitment, at the
    address its page links to (`Evidence.get_file_url`); 404 for anything else, whatever the address guessed.
    One query."""
    evidence = None
    if pk <= LARGEST_PK and DIGEST.fullmatch(digest):
        evidence = (
            Evidence.objects.published()
            .filter(pk=pk, sha256__startswith=digest)
            .only("pk", "file", "content_type", "original_name", "sha256")
            .first()
        )
    if evidence is None or evidence.file_kind is None or name != evidence.download_name:
        raise Http404("no such evidence file")
    return _file_response(request, evidence, public=True)


@staff_member_required
def evidence_file_staff(request, pk: int):
    """Any evidence file the staff member may see in the admin (published or not), always as a download and
    never kept by a cache. A file of a type that is not accepted is never served, not even to staff."""
    evidence = _get_evidence_for_user(request.user, pk) if pk <= LARGEST_PK else None
    if evidence is None or evidence.file_kind is None:
        raise Http404("no such evidence file")
    return _file_response(request, evidence, public=False)


def _get_evidence_for_user(user, pk: int) -> Evidence | None:
    """The evidence, if the user may see it in the admin: implementers only what their institution leads,
    through the evidence's milestone or update (commitments.roles.scope_filter, as the admin scopes it)."""
    if not user.has_perm("commitments.view_evidence"):
        return None
    found = Evidence.objects.filter(pk=pk)
    condition = roles.scope_filter(user, "milestone__commitment__", "update__commitment__")
    return (found if condition is None else found.filter(condition)).first()


def _file_response(request, evidence: Evidence, *, public: bool):
    kind = evidence.file_kind
    return stored_file_response(
        request,
        evidence.file,
        content_type=kind.content_type,
        filename=evidence.download_name,
        inline=public and kind.inline,
        sha256=evidence.sha256 if public else "",
    )
