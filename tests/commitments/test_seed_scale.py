"""`seed_scale` builds a synthetic plan beside the real one, for benchmarks; it never mixes into the real plan."""

import io

import pytest
from django.core.management import CommandError, call_command

from commitments.loaders import synthetic_prefix
from commitments.models import ActionPlan, Commitment, Milestone, ProgressUpdate

pytestmark = pytest.mark.django_db


def seed(n: int = 20) -> str:
    out = io.StringIO()
    call_command("seed_scale", "--commitments", str(n), stdout=out)
    return out.getvalue()


def counts(plan_slug: str) -> tuple[int, int, int, int, int]:
    return (
        Commitment.objects.filter(plan__slug=plan_slug).count(),
        Milestone.objects.filter(commitment__plan__slug=plan_slug).count(),
        ProgressUpdate.objects.filter(commitment__plan__slug=plan_slug).count(),
        Commitment.ogp_values.through.objects.filter(commitment__plan__slug=plan_slug).count(),
        Commitment.cantons.through.objects.filter(commitment__plan__slug=plan_slug).count(),
    )


def test_it_builds_a_synthetic_plan_apart_from_the_real_one(real_plan):
    output = seed(20)

    synthetic = ActionPlan.objects.get(slug="sintetico-20")
    assert synthetic.is_synthetic
    assert "sintetico-20" in output
    codes = set(synthetic.commitments.values_list("code", flat=True))
    assert len(codes) == 20
    assert all(code.startswith(synthetic_prefix(20)) for code in codes)
    assert codes.isdisjoint(real_plan.commitments.values_list("code", flat=True))
    assert real_plan.commitments.count() == 3
    assert list(ActionPlan.objects.real()) == [real_plan]


def test_the_synthetic_commitments_are_not_shown_on_the_real_plan_page(real_plan, citizen):
    seed(20)

    response = citizen.get("/es/")

    assert response.status_code == 200
    assert response.context["plan"] == real_plan
    assert [c.code for c in response.context["commitments"]] == ["ECPTZ0001", "ECPTZ0002", "ECPTZ0003"]
    assert synthetic_prefix(20) not in response.text


def test_running_it_twice_gives_the_same_rows(real_plan):
    seed(20)
    first = counts("sintetico-20")
    real = counts(real_plan.slug)

    seed(20)

    assert counts("sintetico-20") == first
    assert counts(real_plan.slug) == real
    assert first[0] == 20
    assert 20 * 4 <= first[1] <= 20 * 6
    assert first[2] == 20 * 3
    assert ActionPlan.objects.filter(is_synthetic=True).count() == 1


def test_plans_of_different_sizes_stand_side_by_side(db):
    seed(5)
    seed(7)

    assert counts("sintetico-5")[0] == 5
    assert counts("sintetico-7")[0] == 7


def test_every_synthetic_milestone_satisfies_the_model_rules(db):
    seed(5)

    for milestone in Milestone.objects.all():
        milestone.full_clean()


@pytest.mark.parametrize("n", [0, 1001])
def test_it_refuses_a_size_outside_1_to_1000(db, n):
    with pytest.raises(CommandError):
        seed(n)


def test_the_prefix_spells_the_size():
    assert synthetic_prefix(300) == "SYALO"
    assert synthetic_prefix(20) != synthetic_prefix(300)
