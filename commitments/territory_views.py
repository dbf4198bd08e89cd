"""Territory pages: the schematic map of Pastaza's cantons with their facts, and one page per canton."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from conecta.cache import public_page

from . import territory as reads
from .selectors import plan_current

# Names longer than this are written on two lines inside the map's smaller shapes ("Santa / Clara").
MAP_LINE_CHARS = 8
# A canton page lists this many commitments (each with its milestones), so that it stays light whatever the plan.
CANTON_PER_PAGE = 20


@public_page
def territory(request):
    plan = plan_current()
    cantons = reads.cantons_with_activity(plan=plan)
    shades = reads.activity_shades(max((c.commitment_count for c in cantons), default=0))
    mapped = []
    for canton in cantons:
        canton.shade = reads.shade_for(canton.commitment_count, shades)
        if canton.map_path and canton.label_x is not None and canton.label_y is not None:
            # The count in a circle, the name under it (on two lines when long).
            lines = canton.name.split() if len(canton.name) > MAP_LINE_CHARS else [canton.name]
            canton.badge_y = canton.label_y - 18
            canton.name_lines = [(line, canton.label_y + 10 + 16 * i) for i, line in enumerate(lines)]
            mapped.append(canton)
    return render(
        request,
        "commitments/territory.html",
        {
            "plan": plan,
            "cantons": cantons,
            "mapped": mapped,
            "shades": shades,
            "totals": {
                "population": sum(c.population_2022 or 0 for c in cantons),
                "milestones_in_progress": sum(c.milestones_in_progress for c in cantons),
                "milestones_overdue": sum(c.milestones_overdue for c in cantons),
            },
        },
    )


@public_page(params=("page",))
def canton_detail(request, slug: str):
    canton = reads.canton_public(slug=slug) if len(slug) <= 40 else None
    if canton is None:
        raise Http404("unknown canton")
    plan = plan_current()
    page = Paginator(reads.canton_commitments_public(canton=canton, plan=plan), CANTON_PER_PAGE).get_page(
        request.GET.get("page")
    )
    commitments = list(page.object_list)
    milestones = [m for c in commitments for m in c.milestones.all()]
    return render(
        request,
        "commitments/canton.html",
        {
            "plan": plan,
            "canton": canton,
            "parishes": list(canton.parishes.all()),
            "commitments": commitments,
            "page": page,
            "milestone_count": len(milestones),
            "has_example_data": any(m.is_illustrative for m in milestones),
        },
    )
