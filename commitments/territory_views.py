"""Territory pages: the map of Pastaza's cantons (real boundaries, commitments.geomap) with their facts, and one page
per canton."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from conecta.cache import public_page
from conecta.extensions import map_features, panels_for

from . import geomap
from . import territory as reads
from .selectors import plan_current

# A canton page lists this many commitments (each with its milestones), so that it stays light whatever the plan.
CANTON_PER_PAGE = 20


@public_page
def territory(request):
    plan = plan_current()
    cantons = reads.cantons_with_activity(plan=plan)
    shades = reads.activity_shades(max((c.commitment_count for c in cantons), default=0))
    for canton in cantons:
        canton.shade = reads.shade_for(canton.commitment_count, shades)
    features = map_features(plan)
    views = []
    for view in (geomap.province_map(), geomap.west_inset()):
        # Each drawn canton joined to its row by INEC code; a row with no boundary is only in the table.
        shapes = [(canton, view.shapes[canton.code]) for canton in cantons if canton.code in view.shapes]
        views.append({"view": view, "shapes": shapes, "features": geomap.draw_features(view, features)})
    return render(
        request,
        "commitments/territory.html",
        {
            "plan": plan,
            "cantons": cantons,
            "province": views[0],
            "inset": views[1],
            "shades": shades,
            # The features are listed under the map with their links; the legend has each status drawn.
            "features": features,
            "legend": [(drawn.status, drawn.status_label) for drawn in views[0]["features"]],
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
            "panels": panels_for("commitments:canton", request, canton),
        },
    )
