"""One write path per record: the admin form and the spreadsheet import save commitments and milestones through the
same services (commitments.services), and a progress update's author and review notice come from its service."""

import pytest
import tablib
from django.core import mail
from django.db import IntegrityError, transaction

from commitments import services
from commitments.models import Milestone, ProgressUpdate
from commitments.resources import CommitmentResource, MilestoneResource
from tests.factories import MilestoneFactory

from .admin_helpers import admin_url, form_data, milestone_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved(monkeypatch):
    """The records each service saved, by service name."""
    calls: dict[str, list] = {}
    for name in ("commitment_save", "milestone_save"):
        original = getattr(services, name)

        def spy(*, _original=original, _name=name, **kwargs):
            calls.setdefault(_name, []).append(kwargs)
            return _original(**kwargs)

        monkeypatch.setattr(services, name, spy)
    return calls


def import_rows(resource, rows: list[dict]):
    dataset = tablib.Dataset(headers=list(rows[0]))
    for row in rows:
        dataset.append(list(row.values()))
    result = resource.import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()


def test_the_milestone_form_saves_through_the_service(planner_client, commitment, saved):
    milestone = MilestoneFactory(commitment=commitment, order=1, progress=40)
    page = planner_client.get(admin_url("milestone", "change", milestone.pk))

    response = planner_client.post(admin_url("milestone", "change", milestone.pk), form_data(page, title_es="Nuevo"))

    assert response.status_code == 302
    [call] = saved["milestone_save"]
    assert call["milestone"].pk == milestone.pk and call["new"] is False


def test_the_milestone_import_saves_through_the_same_service(commitment, saved):
    milestone = MilestoneFactory(commitment=commitment, order=1, progress=40)
    new = {**milestone_row(milestone, avance=0, nivel_irm="not_started"), "id": "", "orden": 2}

    import_rows(MilestoneResource(), [milestone_row(milestone, avance=60, nivel_irm="substantial"), new])

    assert [(call["milestone"].order, call["new"]) for call in saved["milestone_save"]] == [(1, False), (2, True)]


def test_the_commitment_form_and_import_save_through_the_same_service(planner_client, commitment, saved):
    page = planner_client.get(admin_url("commitment", "change", commitment.pk))
    planner_client.post(admin_url("commitment", "change", commitment.pk), form_data(page, title_es="Otro título"))
    import_rows(CommitmentResource(), [{"codigo": commitment.code, "titulo_es": "Título importado"}])

    assert [call["commitment"].title_es for call in saved["commitment_save"]] == ["Otro título", "Título importado"]


def test_a_new_milestone_never_writes_over_one_that_exists(commitment):
    stored = MilestoneFactory(commitment=commitment, order=1)
    copy = Milestone.objects.get(pk=stored.pk)
    copy.order = 2

    with pytest.raises(IntegrityError), transaction.atomic():
        services.milestone_save(milestone=copy, new=True)

    assert Milestone.objects.get(pk=stored.pk).order == 1


def test_a_new_update_is_its_authors_and_awaits_review(planner, commitment, django_capture_on_commit_callbacks):
    update = ProgressUpdate(commitment=commitment, occurred_on=commitment.starts_on, title_es="Avance", text_es="…")

    with django_capture_on_commit_callbacks(execute=True):
        services.update_save(update=update, by=planner)

    assert ProgressUpdate.objects.get(pk=update.pk).author == planner
    assert [message.to for message in mail.outbox] == [[planner.email]]
