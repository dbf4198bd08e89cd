"""Who sees which part of the plan, written once (commitments.roles.scope_filter, visible_commitments) and read by
every admin, import and staff view."""

import pytest

from commitments.models import Commitment, Evidence, Milestone
from commitments.roles import IMPLEMENTER, scope_filter, scope_filter_by_code, visible_commitments
from tests.factories import CommitmentFactory, MilestoneFactory, ProgressUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db


def codes(commitments) -> set[str]:
    return set(commitments.values_list("code", flat=True))


@pytest.fixture
def led_as_institution(plan, department, other_department):
    """A commitment the department leads as lead institution rather than as lead department."""
    return CommitmentFactory(code="TEST0003", plan=plan, lead_institution=department, lead_department=other_department)


def test_planners_and_the_monitor_see_every_commitment(planner, monitor, commitment, other_commitment):
    for user in (planner, monitor):
        assert scope_filter(user) is None
        assert codes(visible_commitments(user)) == {"TEST0001", "TEST0002"}


def test_a_superuser_sees_every_commitment(commitment, other_commitment):
    assert codes(visible_commitments(UserFactory(username="raiz", is_superuser=True))) == {"TEST0001", "TEST0002"}


def test_an_implementer_sees_what_their_institution_leads_as_institution_or_department(
    implementer, commitment, other_commitment, led_as_institution
):
    assert codes(visible_commitments(implementer)) == {"TEST0001", "TEST0003"}


def test_staff_without_an_institution_see_no_commitment_and_ask_no_query(commitment, django_assert_num_queries):
    condition = scope_filter(UserFactory(username="sin-perfil", groups=[IMPLEMENTER]))

    with django_assert_num_queries(0):
        assert list(Commitment.objects.filter(condition)) == []


def test_a_given_queryset_is_narrowed_not_replaced(implementer, commitment, other_commitment, led_as_institution):
    assert codes(visible_commitments(implementer, Commitment.objects.exclude(code="TEST0003"))) == {"TEST0001"}


def test_records_are_scoped_through_their_path_to_the_commitment(implementer, commitment, other_commitment):
    mine = MilestoneFactory(commitment=commitment)
    MilestoneFactory(commitment=other_commitment)

    assert list(Milestone.objects.filter(scope_filter(implementer, "commitment__"))) == [mine]


def test_evidence_is_seen_through_its_milestone_or_its_update(implementer, commitment, other_commitment):
    of_my_milestone = Evidence.objects.create(
        milestone=MilestoneFactory(commitment=commitment), title="Acta", url="https://example.org/a"
    )
    of_my_update = Evidence.objects.create(
        update=ProgressUpdateFactory(commitment=commitment), title="Foto", url="https://example.org/b"
    )
    Evidence.objects.create(
        milestone=MilestoneFactory(commitment=other_commitment), title="Otra", url="https://example.org/c"
    )

    condition = scope_filter(implementer, "milestone__commitment__", "update__commitment__")

    assert set(Evidence.objects.filter(condition)) == {of_my_milestone, of_my_update}


def test_records_named_by_code_follow_the_same_rule(planner, implementer, commitment, other_commitment):
    assert scope_filter_by_code(planner) is None
    condition = scope_filter_by_code(implementer, "code")
    assert codes(Commitment.objects.filter(condition)) == {"TEST0001"}
