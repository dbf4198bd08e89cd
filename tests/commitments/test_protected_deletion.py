"""Published records never disappear: not from the admin (one by one or in bulk), not from code."""

import re

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from commitments.models import Commitment, Milestone, ProgressUpdate
from commitments.staff import PublishedRecordProtected
from tests.factories import CommitmentFactory, MilestoneFactory, ProgressUpdateFactory

from .admin_helpers import admin_url

pytestmark = pytest.mark.django_db

MODELS = {"commitment": Commitment, "milestone": Milestone, "progressupdate": ProgressUpdate}


@pytest.fixture
def published(commitment):
    """A published record of each kind with nothing hanging from it (TEST0003 has no milestones or updates)."""
    return {
        "commitment": CommitmentFactory(code="TEST0003", plan=commitment.plan, is_published=True),
        "milestone": MilestoneFactory(commitment=commitment, is_published=True),
        "progressupdate": ProgressUpdateFactory(commitment=commitment, is_published=True),
    }


@pytest.mark.parametrize("model", MODELS)
def test_the_admin_refuses_to_delete_a_published_record(planner_client, published, model):
    record = published[model]

    assert planner_client.get(admin_url(model, "delete", record.pk)).status_code == 403
    assert planner_client.post(admin_url(model, "delete", record.pk), {"post": "yes"}).status_code == 403
    assert MODELS[model].objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("model", MODELS)
def test_the_change_page_of_a_published_record_offers_no_delete_link(planner_client, published, model):
    record = published[model]

    response = planner_client.get(admin_url(model, "change", record.pk))

    assert response.context["has_delete_permission"] is False
    assert admin_url(model, "delete", record.pk) not in response.text


@pytest.mark.parametrize("model", MODELS)
def test_the_bulk_delete_action_refuses_published_records(planner_client, published, model):
    record = published[model]
    draft = MilestoneFactory(commitment=published["milestone"].commitment, is_published=False)
    selected = [record.pk, draft.pk] if model == "milestone" else [record.pk]

    response = planner_client.post(
        admin_url(model), {"action": "delete_selected", "_selected_action": selected, "post": "yes"}
    )

    assert response.status_code == 403
    assert MODELS[model].objects.filter(pk__in=selected).count() == len(selected)


@pytest.mark.parametrize("model", MODELS)
def test_deleting_a_published_record_in_code_raises(published, model):
    record = published[model]

    # The guard raises inside Django's deletion transaction, which then cannot go on: each attempt gets its own.
    with pytest.raises(PublishedRecordProtected, match=re.escape(str(record))), transaction.atomic():
        record.delete()
    with pytest.raises(PublishedRecordProtected), transaction.atomic():
        MODELS[model].objects.filter(pk=record.pk).delete()

    assert MODELS[model].objects.filter(pk=record.pk).exists()


def test_a_draft_milestone_with_nothing_attached_can_be_deleted_in_the_admin(planner_client, commitment):
    draft = MilestoneFactory(commitment=commitment, is_published=False)

    confirm = planner_client.get(admin_url("milestone", "delete", draft.pk))
    response = planner_client.post(admin_url("milestone", "delete", draft.pk), {"post": "yes"})

    assert confirm.status_code == 200
    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=draft.pk).exists()


def test_draft_milestones_can_be_deleted_in_bulk(planner_client, commitment):
    drafts = [MilestoneFactory(commitment=commitment, is_published=False) for _ in range(2)]

    response = planner_client.post(
        admin_url("milestone"),
        {"action": "delete_selected", "_selected_action": [m.pk for m in drafts], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Milestone.objects.filter(pk__in=[m.pk for m in drafts]).exists()


def test_a_draft_milestone_with_an_update_about_it_cannot_be_deleted(planner_client, commitment):
    draft = MilestoneFactory(commitment=commitment, is_published=False)
    ProgressUpdateFactory(commitment=commitment, milestone=draft, is_published=False)

    response = planner_client.post(admin_url("milestone", "delete", draft.pk), {"post": "yes"})

    assert response.status_code == 200, "the admin explains what protects it instead of deleting"
    assert Milestone.objects.filter(pk=draft.pk).exists()
    with pytest.raises(ProtectedError):
        draft.delete()


def test_a_commitment_with_milestones_cannot_be_deleted_even_unpublished(planner_client, plan):
    draft = CommitmentFactory(code="TEST0009", plan=plan, is_published=False)
    MilestoneFactory(commitment=draft, is_published=False)

    response = planner_client.post(admin_url("commitment", "delete", draft.pk), {"post": "yes"})

    assert response.status_code == 200
    assert Commitment.objects.filter(pk=draft.pk).exists()
    with pytest.raises(ProtectedError):
        draft.delete()


def test_an_unpublished_commitment_with_nothing_attached_can_be_deleted(planner_client, plan):
    draft = CommitmentFactory(code="TEST0009", plan=plan, is_published=False)

    response = planner_client.post(admin_url("commitment", "delete", draft.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Commitment.objects.filter(pk=draft.pk).exists()


def test_a_plan_with_commitments_cannot_be_deleted(commitment):
    with pytest.raises(ProtectedError):
        commitment.plan.delete()


def test_an_institution_that_leads_a_commitment_cannot_be_deleted(commitment):
    with pytest.raises(ProtectedError):
        commitment.lead_department.delete()
