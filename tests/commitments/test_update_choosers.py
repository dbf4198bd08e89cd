"""The progress update form's linked choosers: the milestone is one of the chosen commitment's. Without JavaScript
the add page first asks for the commitment (?commitment=<pk>, among those the user may see); the change page offers
its commitment's milestones; the milestones of another commitment are refused; the script asks the admin for a
commitment's milestones (JSON, scoped by role). The browser side is in tests/browser/test_update_choosers.py."""

import pytest

from commitments.models import ProgressUpdate
from tests.factories import MilestoneFactory, ProgressUpdateFactory

from .admin_helpers import admin_url, form_data, html, spanish

pytestmark = pytest.mark.django_db

ADD = admin_url("progressupdate", "add")
OPTIONS = admin_url("progressupdate", "milestones")


@pytest.fixture
def milestones(commitment, other_commitment):
    """Two milestones of `commitment`, one of `other_commitment`."""
    return {
        "mine": [
            MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico"),
            MilestoneFactory(commitment=commitment, order=2, title_es="Vivero"),
        ],
        "other": MilestoneFactory(commitment=other_commitment, order=1, title_es="Puente"),
    }


def offered(response) -> set[int]:
    field = response.context["adminform"].form.fields["milestone"]
    return {milestone.pk for milestone in field.queryset}


def test_the_add_page_asks_for_the_commitment_first(planner_client, commitment, other_commitment, milestones):
    response = planner_client.get(ADD)

    assert response.status_code == 200
    assert "admin/commitments/progressupdate/choose_commitment.html" in [t.name for t in response.templates]
    assert "adminform" not in response.context
    assert html(spanish("Choose the commitment first: the form then offers only its milestones.")) in response.text
    assert 'name="milestone"' not in response.text
    assert {c.pk for c in response.context["form"].fields["commitment"].queryset} == {
        commitment.pk,
        other_commitment.pk,
    }


def test_the_chosen_commitment_limits_the_milestones_offered(planner_client, commitment, milestones):
    response = planner_client.get(f"{ADD}?commitment={commitment.pk}")

    assert response.context["adminform"].form.initial["commitment"] == str(commitment.pk)
    assert offered(response) == {m.pk for m in milestones["mine"]}
    assert "Puente" not in response.text


def test_the_first_step_keeps_the_lists_filters(planner_client, commitment, other_commitment):
    response = planner_client.get(f"{ADD}?_changelist_filters=is_published%3D0")

    assert '<input type="hidden" name="_changelist_filters" value="is_published=0">' in response.text


def test_an_implementer_is_offered_only_their_commitments_and_their_milestones(
    implementer_client, commitment, other_commitment, milestones
):
    response = implementer_client.get(f"{ADD}?commitment={other_commitment.pk}")

    assert "adminform" not in response.context  # asked again, with the error
    assert response.context["form"].errors
    assert "Puente" not in response.text
    assert set(response.context["form"].fields["commitment"].queryset) == {commitment}


def test_one_visible_commitment_needs_no_question(implementer_client, commitment, other_commitment, milestones):
    response = implementer_client.get(ADD)

    assert response.context["adminform"].form.initial["commitment"] == str(commitment.pk)
    assert offered(response) == {m.pk for m in milestones["mine"]}


def test_the_change_page_offers_the_milestones_of_the_updates_commitment(planner_client, commitment, milestones):
    update = ProgressUpdateFactory(commitment=commitment, milestone=milestones["mine"][0])

    response = planner_client.get(admin_url("progressupdate", "change", update.pk))

    assert offered(response) == {m.pk for m in milestones["mine"]}


def test_a_milestone_of_another_commitment_is_refused(planner_client, commitment, milestones):
    page = planner_client.get(f"{ADD}?commitment={commitment.pk}")
    data = form_data(page, commitment=commitment.pk, milestone=milestones["other"].pk, occurred_on="2026-03-02",
                     title_es="Mezcla", text_es="Texto.")

    response = planner_client.post(ADD, data)

    assert response.status_code == 200
    assert not ProgressUpdate.objects.filter(title_es="Mezcla").exists()
    assert html(spanish(
        "Choose one of the milestones of the chosen commitment: after changing the commitment, choose its "
        "milestone again."
    )) in response.text


def test_changing_the_commitment_offers_its_milestones_after_the_save(
    planner_client, commitment, other_commitment, milestones
):
    update = ProgressUpdateFactory(commitment=commitment, milestone=milestones["mine"][0], title_es="Avance")
    url = admin_url("progressupdate", "change", update.pk)
    data = form_data(planner_client.get(url), commitment=other_commitment.pk)

    response = planner_client.post(url, data)

    assert response.status_code == 200  # the old milestone is not the new commitment's
    assert offered(response) == {milestones["other"].pk}
    update.refresh_from_db()
    assert update.commitment == commitment


def test_the_script_gets_the_milestones_of_a_commitment(planner_client, commitment, milestones):
    response = planner_client.get(f"{OPTIONS}?commitment={commitment.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "milestones": [{"id": m.pk, "label": str(m)} for m in milestones["mine"]]
    }


def test_the_script_gets_nothing_of_a_commitment_the_user_may_not_see(
    implementer_client, other_commitment, milestones, citizen
):
    assert implementer_client.get(f"{OPTIONS}?commitment={other_commitment.pk}").json() == {"milestones": []}
    assert implementer_client.get(f"{OPTIONS}?commitment=x").json() == {"milestones": []}
    assert citizen.get(f"{OPTIONS}?commitment={other_commitment.pk}").status_code == 302  # to the sign-in


def test_the_form_loads_the_script_from_its_own_file(planner_client, commitment, milestones):
    response = planner_client.get(f"{ADD}?commitment={commitment.pk}")

    assert 'src="/static/js/admin-update-choosers.js"' in response.text
    assert f'data-options-url="{OPTIONS}"' in response.text
