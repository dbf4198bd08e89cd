"""The staff roles and what citizens send: planners moderate it, the monitor (FCD) reads it."""

import pytest

from feedback.apps import feedback_roles_grant

pytestmark = pytest.mark.django_db

ALL = {"view", "add", "change", "delete"}


def feedback_actions(user, model: str) -> set[str]:
    return {action for action in ALL if user.has_perm(f"feedback.{action}_{model}")}


@pytest.mark.parametrize("model", ["suggestion", "comment", "evaluation"])
def test_planners_moderate_what_citizens_send_but_never_delete_it(planner, model):
    assert feedback_actions(planner, model) == {"view", "add", "change"}


@pytest.mark.parametrize("model", ["suggestion", "comment", "evaluation"])
def test_the_monitor_reads_what_citizens_send(monitor, model):
    assert feedback_actions(monitor, model) == {"view"}


def test_implementers_may_answer_suggestions_and_nothing_else_citizens_send(implementer):
    assert feedback_actions(implementer, "suggestion") == {"view", "change"}
    assert feedback_actions(implementer, "comment") == set()
    assert feedback_actions(implementer, "evaluation") == set()


def test_granting_twice_changes_nothing_and_keeps_the_commitments_permissions(planner):
    from django.contrib.auth.models import Group

    from commitments.roles import PLANNER

    group = Group.objects.get(name=PLANNER)
    before = set(group.permissions.values_list("codename", flat=True))

    feedback_roles_grant()

    assert set(group.permissions.values_list("codename", flat=True)) == before
    assert "change_commitment" in before
