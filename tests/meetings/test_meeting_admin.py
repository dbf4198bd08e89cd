"""The staff admin of meetings: the signed minutes (a real PDF, at most 20 MB, fingerprinted on save), the
agreements inline, published meetings and their agreements protected from deletion, and who may do what."""

import hashlib
import os
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from commitments.roles import IMPLEMENTER
from commitments.staff import PublishedRecordProtected
from meetings.models import Agreement, Meeting

from .factories import AgreementFactory, MeetingFactory, pdf_bytes

pytestmark = pytest.mark.django_db

ADD = "/admin/meetings/meeting/add/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def form_data(**extra) -> dict:
    data = {
        "kind": "steering_committee",
        "title_es": "Comité Impulsor, marzo de 2025",
        "title_qu": "",
        "slug": "comite-2025-03",
        "plan": "",
        "axis": "",
        "date": "14/03/2025",
        "end_date": "",
        "place_es": "Puyo",
        "place_qu": "",
        "canton": "",
        "summary_es": "",
        "summary_qu": "",
        "agenda_es": "Instalación\nCronograma",
        "agenda_qu": "",
        "minutes_es": "Se instaló el comité.",
        "minutes_qu": "",
        "is_published": "",
        "attendance-TOTAL_FORMS": "0",
        "attendance-INITIAL_FORMS": "0",
        "attendance-MIN_NUM_FORMS": "0",
        "attendance-MAX_NUM_FORMS": "1000",
        "agreements-TOTAL_FORMS": "0",
        "agreements-INITIAL_FORMS": "0",
        "agreements-MIN_NUM_FORMS": "0",
        "agreements-MAX_NUM_FORMS": "1000",
        "kichwa-recording-content_type-object_id-TOTAL_FORMS": "0",  # the recordings (kichwa.admin_audio)
        "kichwa-recording-content_type-object_id-INITIAL_FORMS": "0",
    }
    return data | extra


def agreement_rows(*rows: dict, initial: int = 0) -> dict:
    data = {"agreements-TOTAL_FORMS": str(len(rows)), "agreements-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        defaults = {
            "order": "1",
            "text_es": "",
            "text_qu": "",
            "owner_institution": "",
            "owner_es": "",
            "owner_qu": "",
            "due_date": "",
            "status": "pending",
            "status_note_es": "",
            "status_note_qu": "",
            "commitment": "",
        }
        data |= {f"agreements-{i}-{key}": value for key, value in (defaults | row).items()}
    return data


def change_data(meeting: Meeting, **extra) -> dict:
    data = form_data(
        kind=meeting.kind,
        title_es=meeting.title_es,
        slug=meeting.slug,
        date=meeting.date.strftime("%d/%m/%Y"),
        place_es=meeting.place_es,
        agenda_es=meeting.agenda_es,
        minutes_es=meeting.minutes_es,
        is_published="on" if meeting.is_published else "",
    )
    return data | extra


def upload(content: bytes, name: str = "acta.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_an_uploaded_pdf_is_stored_outside_media_with_its_sha256_and_size(planner_client, settings):
    content = pdf_bytes()

    response = planner_client.post(ADD, form_data(minutes_file=upload(content)))

    assert response.status_code == 302
    meeting = Meeting.objects.get(slug="comite-2025-03")
    assert meeting.minutes_sha256 == hashlib.sha256(content).hexdigest()
    assert meeting.minutes_size == len(content)
    path = meeting.minutes_file.path
    assert path.startswith(str(settings.MINUTES_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert open(path, "rb").read() == content


def test_replacing_the_pdf_updates_its_digest_and_clearing_it_empties_them(planner_client):
    planner_client.post(ADD, form_data(minutes_file=upload(pdf_bytes(1))))
    meeting = Meeting.objects.get()
    second = pdf_bytes(2)

    response = planner_client.post(
        f"/admin/meetings/meeting/{meeting.pk}/change/", change_data(meeting, minutes_file=upload(second))
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.minutes_sha256, meeting.minutes_size) == (hashlib.sha256(second).hexdigest(), len(second))
    planner_client.post(
        f"/admin/meetings/meeting/{meeting.pk}/change/", change_data(meeting, **{"minutes_file-clear": "on"})
    )
    meeting.refresh_from_db()
    assert (meeting.minutes_file.name, meeting.minutes_sha256, meeting.minutes_size) == ("", "", None)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"Just some text, not a PDF at all.", "acta.pdf"),
        (PNG, "acta.pdf"),  # a picture renamed .pdf
        (b"%PDF-1.7\n this is not really a PDF", "acta.pdf"),
    ],
)
def test_anything_but_a_real_pdf_is_refused_with_a_message(planner_client, content, name):
    response = planner_client.post(ADD, form_data(minutes_file=upload(content, name)))

    assert response.status_code == 200
    assert not Meeting.objects.exists()
    assert 'class="errorlist' in response.text
    assert "minutes_file" in response.context["adminform"].form.errors


def test_a_pdf_over_20_mb_is_refused_with_a_message(planner_client, settings):
    assert settings.REPORTS_UPLOAD_MAX_BYTES == 20 * 1024 * 1024
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024)

    response = planner_client.post(ADD, form_data(minutes_file=upload(big)))

    assert response.status_code == 200
    assert not Meeting.objects.exists()
    errors = response.context["adminform"].form.errors["minutes_file"]
    assert errors.as_data()[0].code == "too_large"


def test_agreements_are_recorded_inline(planner_client, commitment, gad):
    data = form_data() | agreement_rows(
        {
            "order": "1",
            "text_es": "Publicar el cronograma",
            "owner_institution": str(gad.pk),
            "due_date": "30/04/2025",
            "status": "in_progress",
            "commitment": str(commitment.pk),
        },
        {"order": "2", "text_es": "Convocar a las juntas parroquiales", "owner_es": "Juntas parroquiales"},
    )

    response = planner_client.post(ADD, data)

    assert response.status_code == 302
    rows = list(Meeting.objects.get().agreements.order_by("order"))
    assert [(a.order, a.text_es, a.status) for a in rows] == [
        (1, "Publicar el cronograma", "in_progress"),
        (2, "Convocar a las juntas parroquiales", "pending"),
    ]
    assert rows[0].commitment == commitment and rows[0].owner_institution == gad
    assert rows[0].due_date == date(2025, 4, 30)


def test_two_agreements_with_the_same_number_are_refused(planner_client):
    data = form_data() | agreement_rows({"order": "1", "text_es": "Uno"}, {"order": "1", "text_es": "Otro"})

    response = planner_client.post(ADD, data)

    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_a_slug_that_is_another_pages_address_is_refused(planner_client):
    response = planner_client.post(ADD, form_data(slug="acuerdos"))

    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


def test_a_published_meeting_cannot_be_deleted_from_the_admin_or_elsewhere(planner_client):
    meeting = MeetingFactory()

    assert planner_client.get(f"/admin/meetings/meeting/{meeting.pk}/delete/").status_code == 403
    response = planner_client.post(
        "/admin/meetings/meeting/", {"action": "delete_selected", "_selected_action": [meeting.pk], "post": "yes"}
    )
    assert response.status_code == 403  # the bulk action refuses too
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    with pytest.raises(PublishedRecordProtected), transaction.atomic():
        meeting.delete()


def test_an_unpublished_meeting_can_be_deleted_and_its_minutes_go_with_it(
    planner_client, django_capture_on_commit_callbacks
):
    planner_client.post(ADD, form_data(minutes_file=upload(pdf_bytes())))
    meeting = Meeting.objects.get()
    path = meeting.minutes_file.path

    with django_capture_on_commit_callbacks(execute=True):
        response = planner_client.post(f"/admin/meetings/meeting/{meeting.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Meeting.objects.exists()
    assert not os.path.exists(path)


def test_the_agreements_of_a_published_meeting_cannot_be_deleted(planner_client):
    agreement = AgreementFactory()
    meeting = agreement.meeting

    page = planner_client.get(f"/admin/meetings/meeting/{meeting.pk}/change/")
    assert page.status_code == 200
    assert 'name="agreements-0-DELETE"' not in page.text
    assert planner_client.get(f"/admin/meetings/agreement/{agreement.pk}/delete/").status_code == 403
    with pytest.raises(PublishedRecordProtected), transaction.atomic():
        agreement.delete()
    Meeting.objects.filter(pk=meeting.pk).update(is_published=False)
    agreement.delete()
    assert not Agreement.objects.exists()


def test_the_staff_download_serves_an_unpublished_meetings_minutes_to_planners(planner_client, citizen):
    content = pdf_bytes()
    planner_client.post(ADD, form_data(minutes_file=upload(content)))
    meeting = Meeting.objects.get()

    page = planner_client.get(f"/admin/meetings/meeting/{meeting.pk}/change/")
    assert f"/admin/meetings/meeting/{meeting.pk}/minutes/" in page.text
    assert meeting.minutes_sha256 in page.text
    response = planner_client.get(f"/admin/meetings/meeting/{meeting.pk}/minutes/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert citizen.get(f"/admin/meetings/meeting/{meeting.pk}/minutes/").status_code == 302  # to the login


def test_the_agreements_changelist_filters_by_status_overdue_commitment_and_kind(planner_client, commitment):
    today = timezone.localdate()
    late = AgreementFactory(text_es="ATRASADO", due_date=today - timedelta(days=1), commitment=commitment)
    AgreementFactory(text_es="A-TIEMPO", due_date=today + timedelta(days=1))
    AgreementFactory(text_es="CUMPLIDO", due_date=today - timedelta(days=9), status="done")
    AgreementFactory(text_es="DE-ASAMBLEA", meeting=MeetingFactory(kind="citizen_assembly"))

    def listed(query: str) -> set[str]:
        text = planner_client.get(f"/admin/meetings/agreement/?{query}").text
        return {t for t in ("ATRASADO", "A-TIEMPO", "CUMPLIDO", "DE-ASAMBLEA") if t in text}

    assert listed("") == {"ATRASADO", "A-TIEMPO", "CUMPLIDO", "DE-ASAMBLEA"}
    assert listed("overdue=yes") == {"ATRASADO"}
    assert listed("status__exact=done") == {"CUMPLIDO"}
    assert listed(f"commitment__id__exact={commitment.pk}") == {"ATRASADO"}
    assert listed("meeting__kind__exact=citizen_assembly") == {"DE-ASAMBLEA"}
    assert late.pk


def test_the_monitor_reads_meetings_and_agreements_but_changes_nothing(monitor_client):
    agreement = AgreementFactory()

    assert monitor_client.get("/admin/meetings/agreement/").status_code == 200
    assert monitor_client.get(f"/admin/meetings/agreement/{agreement.pk}/change/").status_code == 200
    assert monitor_client.get("/admin/meetings/agreement/add/").status_code == 403
    assert monitor_client.get(f"/admin/meetings/meeting/{agreement.meeting_id}/delete/").status_code == 403
    response = monitor_client.post(f"/admin/meetings/agreement/{agreement.pk}/change/", {"text_es": "cambiado"})
    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.text_es != "cambiado"


def test_implementers_may_not_touch_meetings(implementer_client):
    meeting = MeetingFactory()

    assert implementer_client.get("/admin/meetings/meeting/").status_code == 403
    assert implementer_client.get(f"/admin/meetings/meeting/{meeting.pk}/minutes/").status_code in (403, 404)


def test_implementers_given_the_view_permission_follow_only_published_meetings_agreements(implementer_client):
    # The permission the lead grants in feedback/apps.py (Implementador: view agreement).
    Group.objects.get(name=IMPLEMENTER).permissions.add(Permission.objects.get(codename="view_agreement"))
    AgreementFactory(text_es="PUBLICO")
    AgreementFactory(text_es="BORRADOR", meeting=MeetingFactory(is_published=False))

    response = implementer_client.get("/admin/meetings/agreement/")

    assert response.status_code == 200
    assert "PUBLICO" in response.text and "BORRADOR" not in response.text
    assert implementer_client.get("/admin/meetings/agreement/add/").status_code == 403


def test_the_meetings_changelist_counts_participants_and_agreements(planner_client):
    meeting = MeetingFactory(title_es="Comité con acuerdos")
    AgreementFactory(meeting=meeting)
    AgreementFactory(meeting=meeting)

    response = planner_client.get("/admin/meetings/meeting/")

    assert response.status_code == 200
    assert re.search(r'<td class="field-agreements">2</td>', response.text)
