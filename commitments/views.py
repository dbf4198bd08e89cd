"""The public pages of the plan: home, the commitments list, one commitment, one institution."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conecta.cache import public_page
from conecta.extensions import panels_for

from . import selectors
from .models import Axis, IrmLevel
from .search import MAX_QUERY_CHARS, printable

# The home page shows this many commitments and links to the full list for the rest (its HTML stays small).
HOME_COMMITMENTS = 12
PER_PAGE = 20

CODE = re.compile(r"[A-Z0-9]{1,12}")

# The list's query parameters (Spanish, like its address) and the ListFilters fields they fill.
FILTER_PARAMS = {"eje": "axis", "nivel": "level", "institucion": "lead", "canton": "canton", "valor": "value"}


@public_page
def home(request):
    """The plan at a glance: overall progress, progress by axis and by IRM level, what happened lately and
    what comes next, and the first commitments with a link to all of them."""
    plan = selectors.plan_current()
    context = {"plan": plan}
    if plan is not None:
        overview = selectors.plan_overview(plan=plan)
        context.update(
            overview=overview,
            overall_progress=overview.overall_progress,
            overall_level=overview.overall_level,
            axis_rows=[(row["axis"].label, row["progress"]) for row in overview.by_axis],
            level_rows=[(row["level"].label, row["count"]) for row in overview.by_level],
            commitments=selectors.commitments_first(plan=plan, limit=HOME_COMMITMENTS),
            updates=selectors.updates_latest(plan=plan),
            upcoming=selectors.milestones_upcoming(plan=plan, today=timezone.localdate()),
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
        "lead": (_("Institution"), {i.slug: i.name for i in options.leads}),
        "canton": (_("Canton"), {c.slug: c.name for c in options.cantons}),
        "value": (_("OGP value"), {v.code: v.name for v in options.values}),
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


@public_page
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
    return render(
        request,
        "commitments/list.html",
        {
            "plan": plan,
            "page": page,
            "commitments": list(page.object_list),
            "filters": filters,
            "options": options,
            "axes": Axis.choices,
            "levels": IrmLevel.choices,
            "sorts": [(key, label) for key, (label, _ordering) in selectors.SORTS.items()],
            "active_filters": _active_filters(filters, options),
            "is_filtered": bool(params.keys() - {"orden"}),
            # The selects stay folded away (a long form on a phone) unless one of them is in use.
            "more_open": bool(params.keys() - {"q"}),
            "query": urlencode(params),
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
            # What apps above this one show on the page (feedback: comments and citizens' evaluation).
            "panels": panels_for("commitments:detail", request, commitment),
        },
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
