"""Evidence the public sees is a published record like its milestone: its file is never replaced nor removed (a
new file is new evidence), it is not deleted (a planner unpublishes it), implementers do not publish or withdraw
it, and every change to evidence is in the change history. Evidence can be given in the same save as the new
milestone or update it backs."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments.admin import MilestoneEvidenceInline
from commitments.models import ChangeRecord, Evidence, Milestone, ProgressUpdate
from commitments.staff import PublishedRecordProtected
from conecta.published_files import PublishedFileFrozen
from tests.factories import MilestoneFactory
from tests.upload_samples import pdf_bytes

from .admin_helpers import admin_url, form_data, html, spanish

pytestmark = pytest.mark.django_db

FROZEN_FILE = (
    "This evidence is published: its file is never replaced nor removed. Add the new file as new evidence."
)


@pytest.fixture
def milestone(commitment):
    return MilestoneFactory(commitment=commitment, order=1)


@pytest.fixture
def published_evidence(milestone):
    evidence = Evidence(milestone=milestone, title_es="Acta firmada", file=SimpleUploadedFile("acta.pdf", pdf_bytes()))
    evidence.save()
    return evidence


def change_page(client, milestone):
    url = admin_url("milestone", "change", milestone.pk)
    return url, form_data(client.get(url))


def test_an_implementer_cannot_replace_the_file_of_published_evidence(implementer_client, milestone,
                                                                      published_evidence):
    stored = (published_evidence.file.name, published_evidence.sha256)
    url, data = change_page(implementer_client, milestone)
    data["evidence-0-file"] = SimpleUploadedFile("otra.pdf", pdf_bytes(3), content_type="application/pdf")

    response = implementer_client.post(url, data)

    assert response.status_code == 200
    assert html(spanish(FROZEN_FILE)) in response.text
    published_evidence.refresh_from_db()
    assert (published_evidence.file.name, published_evidence.sha256) == stored


def test_nobody_deletes_published_evidence_from_the_admin(planner_client, milestone, published_evidence):
    url, data = change_page(planner_client, milestone)
    data["evidence-0-DELETE"] = "on"

    response = planner_client.post(url, data)

    assert response.status_code == 200
    assert "Acta firmada" in response.text and "errorlist" in response.text
    assert Evidence.objects.filter(pk=published_evidence.pk).exists()


def test_published_evidence_keeps_its_file_and_stays_whatever_the_code_path(published_evidence):
    published_evidence.file = SimpleUploadedFile("otra.pdf", pdf_bytes(2))
    with pytest.raises(PublishedFileFrozen):
        published_evidence.save()

    fresh = Evidence.objects.get(pk=published_evidence.pk)
    with pytest.raises(PublishedRecordProtected):
        fresh.delete()


def test_a_planner_withdraws_published_evidence_by_unpublishing_it_and_it_is_recorded(
    planner_client, milestone, published_evidence
):
    url, data = change_page(planner_client, milestone)
    data.pop("evidence-0-is_published")

    response = planner_client.post(url, data)

    assert response.status_code == 302
    published_evidence.refresh_from_db()
    assert not published_evidence.is_published
    record = ChangeRecord.objects.get(model="evidence", object_id=published_evidence.pk, action="changed")
    assert record.changes == {"is_published": [True, False]}
    assert record.commitment_code == milestone.commitment.code
    assert record.user_display == "planificadora"


def test_evidence_of_a_draft_may_still_be_replaced_and_deleted(commitment):
    draft = MilestoneFactory(commitment=commitment, order=2, is_published=False)
    evidence = Evidence(milestone=draft, title_es="Borrador", file=SimpleUploadedFile("a.pdf", pdf_bytes()))
    evidence.save()

    evidence.file = SimpleUploadedFile("b.pdf", pdf_bytes(2))
    evidence.save()
    evidence.delete()

    assert not Evidence.objects.exists()
    assert list(ChangeRecord.objects.filter(model="evidence").values_list("action", flat=True).order_by("pk")) == [
        "created",
        "changed",
        "deleted",
    ]


def test_implementers_do_not_publish_nor_withdraw_evidence(implementer, planner, rf):
    request = rf.get("/")
    inline = MilestoneEvidenceInline(Milestone, admin.site)

    request.user = implementer
    assert "is_published" in inline.get_readonly_fields(request)
    request.user = planner
    assert "is_published" not in inline.get_readonly_fields(request)


def test_evidence_is_given_in_the_same_save_as_a_new_update(implementer_client, commitment):
    url = admin_url("progressupdate", "add")
    data = form_data(implementer_client.get(url))
    data.update(
        {
            "commitment": str(commitment.pk),
            "occurred_on": "2026-11-20",
            "title_es": "Socialización en Canelos",
            "text_es": "Se presentó el avance a la comunidad.",
            "evidence-TOTAL_FORMS": "1",
            "evidence-0-title_es": "Acta de la socialización",
            "evidence-0-file": SimpleUploadedFile("acta.pdf", pdf_bytes(), content_type="application/pdf"),
        }
    )

    response = implementer_client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    update = ProgressUpdate.objects.get(title_es="Socialización en Canelos")
    assert update.evidence.get().title_es == "Acta de la socialización"


def test_evidence_with_neither_link_nor_file_gets_one_plain_message(planner_client, milestone):
    url, data = change_page(planner_client, milestone)
    data.update({"evidence-TOTAL_FORMS": "1", "evidence-0-title_es": "Nada"})

    response = planner_client.post(url, data)

    assert response.status_code == 200
    assert response.text.count(html(spanish("Give a link or upload a file."))) == 1
    assert "evidence_has_link_or_file" not in response.text


def test_a_row_not_saved_yet_shows_no_verdict_on_its_file(milestone):
    unsaved = Evidence(milestone=milestone, title_es="Nueva", file="evidence/2026/12/x.pdf")

    assert MilestoneEvidenceInline(Milestone, admin.site).file_check(unsaved) == "—"
