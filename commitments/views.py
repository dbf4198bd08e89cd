from django.http import Http404
from django.shortcuts import render

from . import selectors
from .models import IrmLevel


def home(request):
    """The plan at a glance: its commitments with their derived progress and IRM level."""
    plan = selectors.plan_current()
    commitments = list(selectors.commitments_public(plan=plan)) if plan else []
    measured = [c.progress for c in commitments if c.progress is not None]
    overall = round(sum(measured) / len(measured)) if measured else None
    return render(
        request,
        "commitments/home.html",
        {
            "plan": plan,
            "commitments": commitments,
            "overall_progress": overall,
            "overall_level": IrmLevel.for_progress(overall),
            "has_example_data": plan is not None and selectors.plan_has_example_data(plan=plan),
        },
    )


def detail(request, code: str):
    commitment = selectors.commitment_public_detail(code=code.upper()[:12])
    if commitment is None:
        raise Http404("unknown commitment")
    milestones = list(commitment.milestones.all())
    return render(
        request,
        "commitments/detail.html",
        {
            "commitment": commitment,
            "milestones": milestones,
            "updates": list(commitment.updates.all()),
            "has_example_data": any(m.is_illustrative for m in milestones),
        },
    )
