"""A new milestone or indicator added in the admin takes the next free order of its commitment when its order is
left blank: the model's default (1) is taken from the second one on ("Indicador con este Compromiso y Orden ya
existe"). A spreadsheet import keeps the orders its file gives."""

import pytest

from commitments.models import Indicator, Milestone
from tests.factories import MilestoneFactory

from .admin_helpers import admin_url, form_data
from .test_indicators import make_indicator

pytestmark = pytest.mark.django_db


def add(client, model: str, query: str = "", **fields):
    page = client.get(admin_url(model, "add") + query)
    return page, client.post(admin_url(model, "add") + query, form_data(page, **fields))


def indicator_fields(commitment, **changes) -> dict:
    fields = {
        "commitment": commitment.pk, "name_es": "Hectáreas restauradas", "unit_es": "ha", "direction": "increase",
        "disaggregation": "none", "baseline_value": "0", "target_value": "100", "baseline_on": "2025-01-01",
        "target_on": "2027-01-01",
    }
    fields.update(changes)
    return fields


def milestone_fields(commitment, **changes) -> dict:
    fields = {
        "commitment": commitment.pk, "weight": 1, "title_es": "Segundo hito", "starts_on": "2025-01-01",
        "due_on": "2025-12-31", "level": "not_started", "progress": 0,
    }
    fields.update(changes)
    return fields


def saved_or_errors(response):
    if response.status_code != 302:
        return response.context["adminform"].form.errors
    return None


def test_a_second_indicator_left_without_an_order_takes_the_next_one(planner_client, commitment, other_commitment):
    make_indicator(commitment, order=1)
    make_indicator(commitment, order=4, name_es="Otro")
    make_indicator(other_commitment, order=9)

    page, response = add(planner_client, "indicator", **indicator_fields(commitment))

    assert page.context["adminform"].form["order"].value() is None  # no default 1 offered
    assert saved_or_errors(response) is None
    assert Indicator.objects.get(commitment=commitment, name_es="Hectáreas restauradas").order == 5


def test_a_second_milestone_left_without_an_order_takes_the_next_one(planner_client, commitment):
    MilestoneFactory(commitment=commitment, order=1)
    MilestoneFactory(commitment=commitment, order=2)

    _page, response = add(planner_client, "milestone", **milestone_fields(commitment))

    assert saved_or_errors(response) is None
    assert Milestone.objects.get(commitment=commitment, title_es="Segundo hito").order == 3


def test_the_first_one_takes_order_1_and_an_order_given_is_kept(planner_client, commitment):
    _page, response = add(planner_client, "indicator", **indicator_fields(commitment))
    assert saved_or_errors(response) is None
    _page, response = add(planner_client, "indicator", **indicator_fields(commitment, name_es="Séptimo", order=7))
    assert saved_or_errors(response) is None
    assert dict(Indicator.objects.values_list("name_es", "order")) == {"Hectáreas restauradas": 1, "Séptimo": 7}


def test_an_order_taken_is_still_refused(planner_client, commitment):
    MilestoneFactory(commitment=commitment, order=1)

    _page, response = add(planner_client, "milestone", **milestone_fields(commitment, order=1))

    assert saved_or_errors(response)  # Milestone.order_taken_error
    assert Milestone.objects.filter(commitment=commitment).count() == 1


def test_a_commitment_in_the_address_proposes_its_next_order(planner_client, commitment):
    make_indicator(commitment, order=2)

    page = planner_client.get(admin_url("indicator", "add") + f"?commitment={commitment.pk}")

    assert page.context["adminform"].form["order"].value() == 3
