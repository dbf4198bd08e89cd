"""A commitment's progress is derived from its published milestones, weighted, and read as an IRM level."""

import pytest

from commitments.models import Commitment, IrmLevel
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def test_it_weights_each_milestone_by_its_weight(commitment):
    MilestoneFactory(commitment=commitment, weight=1, progress=100)
    MilestoneFactory(commitment=commitment, weight=3, progress=20)

    # (1 × 100 + 3 × 20) / 4 = 40
    assert commitment.progress == 40


def test_it_counts_only_published_milestones(commitment):
    MilestoneFactory(commitment=commitment, weight=1, progress=100)
    MilestoneFactory(commitment=commitment, weight=5, progress=0, is_published=False)

    assert commitment.progress == 100


def test_it_has_no_progress_without_milestones(commitment):
    assert commitment.progress is None
    assert commitment.irm_level == IrmLevel.NO_EVIDENCE


def test_it_has_no_progress_when_no_milestone_is_published(commitment):
    MilestoneFactory(commitment=commitment, progress=60, is_published=False)

    assert commitment.progress is None


def test_it_rounds_the_weighted_average_to_a_whole_percent(commitment):
    MilestoneFactory(commitment=commitment, weight=2, progress=15)
    MilestoneFactory(commitment=commitment, weight=1, progress=100)

    # (2 × 15 + 100) / 3 = 43.33…
    assert commitment.progress == 43


@pytest.mark.parametrize(
    ("progress", "level"),
    [
        (None, IrmLevel.NO_EVIDENCE),
        (0, IrmLevel.NOT_STARTED),
        (1, IrmLevel.LIMITED),
        (49, IrmLevel.LIMITED),
        (50, IrmLevel.SUBSTANTIAL),
        (99, IrmLevel.SUBSTANTIAL),
        (100, IrmLevel.COMPLETE),
    ],
)
def test_it_reads_a_progress_percentage_as_an_irm_level(progress, level):
    assert IrmLevel.for_progress(progress) == level


def test_the_irm_level_follows_the_derived_progress(commitment):
    MilestoneFactory(commitment=commitment, weight=1, progress=100)
    MilestoneFactory(commitment=commitment, weight=1, progress=0)

    assert commitment.progress == 50
    assert commitment.irm_level == IrmLevel.SUBSTANTIAL


def test_the_with_progress_annotation_gives_what_the_property_computes_alone(commitment, other_commitment, plan):
    MilestoneFactory(commitment=commitment, weight=2, progress=70)
    MilestoneFactory(commitment=commitment, weight=1, progress=100)
    MilestoneFactory(commitment=commitment, weight=4, progress=0, is_published=False)
    MilestoneFactory(commitment=other_commitment, weight=1, progress=15)
    bare = Commitment.objects.create(
        code="TEST0003", plan=plan, title_es="Sin hitos", axis="biophysical",
        lead_institution=commitment.lead_institution, starts_on=plan.starts_on, ends_on=plan.ends_on,
    )

    annotated = {c.pk: (c.progress, c.irm_level) for c in Commitment.objects.with_progress()}
    alone = {c.pk: (c.progress, c.irm_level) for c in Commitment.objects.all()}

    assert annotated == alone
    assert annotated[commitment.pk] == (80, IrmLevel.SUBSTANTIAL)
    assert annotated[other_commitment.pk] == (15, IrmLevel.LIMITED)
    assert annotated[bare.pk] == (None, IrmLevel.NO_EVIDENCE)


def test_the_annotated_progress_costs_no_extra_query(commitment, django_assert_num_queries):
    MilestoneFactory(commitment=commitment, progress=60)

    with django_assert_num_queries(1):
        progress = [c.progress for c in Commitment.objects.with_progress()]

    assert progress == [60]


def test_the_sql_level_reads_every_percentage_as_python_does(commitment):
    """irm_level_expression and IrmLevel.for_progress read one rule (PROGRESS_LEVELS): they agree on 0-100 and
    on nothing measured."""
    from django.db.models import IntegerField, Value

    from commitments.models import irm_level_expression

    for progress in [None, *range(101)]:
        level = (
            Commitment.objects.filter(pk=commitment.pk)
            .annotate(measured=Value(progress, output_field=IntegerField()))
            .annotate(level=irm_level_expression("measured"))
            .values_list("level", flat=True)
            .get()
        )
        assert level == IrmLevel.for_progress(progress), progress


def test_every_page_reads_the_progress_from_one_sql_expression(commitment):
    MilestoneFactory(commitment=commitment, weight=1, progress=1)
    MilestoneFactory(commitment=commitment, weight=1, progress=0)

    annotated = Commitment.objects.with_progress().get(pk=commitment.pk)

    # 0.5 rounds half to even, as Python's round() does.
    assert annotated.progress_pct == annotated.progress == 0
