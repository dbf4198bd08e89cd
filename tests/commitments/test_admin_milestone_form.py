"""The admin's milestone form refuses inconsistent data with a message next to the field, and saves nothing."""

import pytest

from commitments.models import IrmLevel, Milestone
from tests.factories import MilestoneFactory

from .admin_helpers import admin_url, form_data, html, spanish, state

pytestmark = pytest.mark.django_db

LEVEL_MISMATCH = (
    "The level does not match the progress: “not started” needs progress 0, “complete” "
    "needs 100, and “limited” or “substantial” need something in between."
)


@pytest.fixture
def milestone(commitment):
    return MilestoneFactory(commitment=commitment, order=1, progress=40)


def post_change(client, milestone, **changes):
    data = form_data(client.get(admin_url("milestone", "change", milestone.pk)), **changes)
    return client.post(admin_url("milestone", "change", milestone.pk), data)


def errors(response) -> dict:
    return response.context["adminform"].form.errors


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param({"starts_on": "2025-09-01", "due_on": "2025-03-01"}, "due_on",
                     "The due date cannot be earlier than the start date.", id="due-before-start"),
        pytest.param({"progress": 101}, "progress", "Progress must be between 0 and 100.",
                     id="progress-101"),
        pytest.param({"level": "complete", "progress": 50}, "level", LEVEL_MISMATCH, id="complete-at-50"),
        pytest.param({"level": "not_started", "progress": 30}, "level", LEVEL_MISMATCH, id="not-started-at-30"),
        pytest.param({"level": "limited", "progress": 100}, "level", LEVEL_MISMATCH, id="limited-at-100"),
        pytest.param({"completed_on": "2025-06-01"}, "completed_on",
                     "Only a complete milestone has a completion date.", id="completed-but-limited"),
        pytest.param({"weight": 0}, "weight", "Ensure this value is greater than or equal to %(limit_value)s.",
                     id="weight-0"),
    ],
)
def test_it_refuses_inconsistent_data_with_a_message(planner_client, milestone, changes, field, message):
    before = state()

    response = post_change(planner_client, milestone, **changes)

    assert response.status_code == 200
    expected = spanish(message).replace("%%", "%").replace("%(limit_value)s", "1")
    assert expected in errors(response)[field]
    assert html(expected) in response.text
    assert state() == before


def test_progress_101_is_also_refused_by_the_model(milestone):
    from django.core.exceptions import ValidationError

    milestone.progress = 101
    with pytest.raises(ValidationError) as refused:
        milestone.full_clean()

    assert "progress" in refused.value.error_dict


def test_it_saves_consistent_data(planner_client, milestone):
    response = post_change(planner_client, milestone, level="complete", progress=100, completed_on="2025-11-30")

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.level, milestone.progress, milestone.completed_on.isoformat()) == (
        IrmLevel.COMPLETE, 100, "2025-11-30",
    )


def test_two_milestones_of_a_commitment_cannot_share_an_order(planner_client, milestone):
    second = MilestoneFactory(commitment=milestone.commitment, order=2)
    before = state()

    response = post_change(planner_client, second, order=1)

    assert response.status_code == 200
    assert errors(response)
    assert state() == before


def test_the_form_says_which_order_is_taken_as_the_import_does(planner_client, milestone):
    second = MilestoneFactory(commitment=milestone.commitment, order=2)

    response = post_change(planner_client, second, order=1)

    expected = spanish("Another milestone of %(code)s already has order %(order)s.") % {"code": "TEST0001", "order": 1}
    assert expected in response.context["adminform"].form.non_field_errors()
    assert html(expected) in response.text


def test_the_add_form_refuses_a_due_date_before_the_start(planner_client, commitment):
    page = planner_client.get(admin_url("milestone", "add"))
    data = form_data(page, commitment=commitment.pk, order=5, weight=1, title_es="Nuevo hito", starts_on="2025-05-01",
                     due_on="2025-04-01", level="not_started", progress=0)
    count = Milestone.objects.count()

    response = planner_client.post(admin_url("milestone", "add"), data)

    assert response.status_code == 200
    assert spanish("The due date cannot be earlier than the start date.") in errors(response)["due_on"]
    assert Milestone.objects.count() == count
