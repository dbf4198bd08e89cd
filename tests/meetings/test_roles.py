"""The staff roles and the meetings: planners record them, the monitor (FCD) reads them."""

import pytest

pytestmark = pytest.mark.django_db

ALL = {"view", "add", "change", "delete"}


def meetings_actions(user, model: str) -> set[str]:
    return {action for action in ALL if user.has_perm(f"meetings.{action}_{model}")}


@pytest.mark.parametrize("model", ["meeting", "meetingattendance"])
def test_planners_may_do_everything_with_meetings(planner, model):
    assert meetings_actions(planner, model) == ALL


@pytest.mark.parametrize("model", ["meeting", "meetingattendance"])
def test_the_monitor_may_only_read_them(monitor, model):
    assert meetings_actions(monitor, model) == {"view"}


def test_implementers_get_nothing_on_meetings(implementer):
    assert meetings_actions(implementer, "meeting") == set()


def test_implementers_read_the_agreements(implementer):
    assert meetings_actions(implementer, "agreement") == {"view"}
