# ruff: noqa: F811 - pytest fixtures imported from other modules
"""Recordings in the staff admin: attached on the page of their record through kichwa.services.recording_add (a bad
file is a form error, never a server error), shown with their state, length, sizes and why a conversion failed,
retried from the list of recordings, and downloaded by the staff who may see their record."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from kichwa import services
from kichwa.models import Recording, RecordingState
from tests.commitments.admin_helpers import form_data, spanish
from tests.commitments.test_indicators import make_indicator
from tests.factories import ProgressUpdateFactory, UserFactory
from tests.meetings.factories import MeetingFactory
from tests.reports.conftest import draft, plan_with_progress, reports_root  # noqa: F401 - fixtures
from tests.roads.factories import RoadWorkFactory

from .audio_samples import audio_root, samples, stored_files, upload  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

PREFIX = "kichwa-recording-content_type-object_id"
COMMITMENT_CHANGE = "/admin/commitments/commitment/{pk}/change/"


@pytest.fixture(autouse=True)
def _audio(audio_root):
    return audio_root


def recording_formset(response):
    return next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is Recording)


def post_recording(client, url, file, **fields):
    """What a browser posts when staff fill the empty recording row of a record's admin page."""
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page)
    row = f"{PREFIX}-{len(recording_formset(page).initial_forms)}"
    data.update({f"{row}-language": "qu", f"{row}-title": "Willay", f"{row}-is_published": "on"})
    data.update({f"{row}-{name}": value for name, value in fields.items()})
    if file is not None:
        data[f"{row}-upload"] = file
    return client.post(url, data)


def attached(commitment, planner, samples, **fields) -> Recording:
    return services.recording_add(
        target=commitment, language="qu", upload=upload(samples["whatsapp"]), by=planner, **fields
    )


def test_a_planner_attaches_a_whatsapp_voice_note_on_the_commitment_page(
    planner_client, planner, commitment, samples, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_recording(
            planner_client, COMMITMENT_CHANGE.format(pk=commitment.pk), upload(samples["whatsapp"])
        )

    assert response.status_code == 302, response.context and response.context["errors"]
    recording = Recording.objects.get()
    assert recording.target == commitment
    assert (recording.language, recording.title, recording.is_published) == ("qu", "Willay", True)
    assert recording.created_by == planner
    assert recording.original_name == "PTT-20250314-WA0007.ogg"
    assert recording.state == RecordingState.READY


@pytest.mark.parametrize(
    ("sample", "message"),
    [
        ("text", "Este archivo no es una grabación que el portal acepte."),
        ("video", "El archivo contiene un video."),
    ],
)
def test_a_file_that_is_not_a_recording_is_a_form_error_not_a_server_error(
    planner_client, commitment, samples, audio_root, sample, message
):
    response = post_recording(planner_client, COMMITMENT_CHANGE.format(pk=commitment.pk), upload(samples[sample]))

    assert response.status_code == 200
    assert message in response.text
    assert Recording.objects.count() == 0
    assert stored_files(audio_root) == []


def test_a_recording_too_long_is_refused_with_its_length(planner_client, commitment, samples, settings):
    settings.AUDIO_MAX_SECONDS = 2

    response = post_recording(planner_client, COMMITMENT_CHANGE.format(pk=commitment.pk), upload(samples["mp3"]))

    assert response.status_code == 200
    assert "La grabación dura 0:03; el límite es 0:02." in response.text
    assert Recording.objects.count() == 0


def test_a_new_row_without_its_file_asks_for_it(planner_client, commitment):
    response = post_recording(planner_client, COMMITMENT_CHANGE.format(pk=commitment.pk), None)

    assert response.status_code == 200
    assert spanish("Choose the recording's file.") in response.text
    assert Recording.objects.count() == 0


def test_the_row_shows_the_state_length_sizes_and_why_a_conversion_failed(
    planner_client, planner, commitment, samples, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ready = attached(commitment, planner, samples, title="Lista", is_published=True)
        failed = attached(commitment, planner, samples, title="Fallida")
    Recording.objects.filter(pk=failed.pk).update(
        state=RecordingState.FAILED, error="ffmpeg no pudo convertir la grabación. Invalid data found"
    )
    ready.refresh_from_db()

    page = planner_client.get(COMMITMENT_CHANGE.format(pk=commitment.pk))

    assert "ffmpeg no pudo convertir la grabación. Invalid data found" in page.text
    assert spanish("Conversion failed") in page.text and spanish("Ready") in page.text
    assert "0:03" in page.text
    assert "PTT-20250314-WA0007.ogg" in page.text  # the file a row was uploaded as, in place of the file input
    assert f'href="/audio/gestion/{ready.pk}/opus/"' in page.text
    assert f"/audio/{ready.pk}/{ready.mp3_sha256}.mp3" in page.text  # published: its public address too
    assert f'name="{PREFIX}-0-upload"' not in page.text  # an uploaded file is never replaced


def test_a_published_recording_cannot_be_deleted_from_the_row(planner_client, planner, commitment, samples):
    recording = attached(commitment, planner, samples, is_published=True)
    url = COMMITMENT_CHANGE.format(pk=commitment.pk)
    data = form_data(planner_client.get(url))
    data[f"{PREFIX}-0-DELETE"] = "on"

    response = planner_client.post(url, data)

    assert response.status_code == 200
    assert spanish("A published recording cannot be deleted: unpublish it first.") in response.text
    assert Recording.objects.filter(pk=recording.pk).exists()


def test_an_unpublished_recording_is_deleted_with_its_files(
    planner_client, planner, commitment, samples, audio_root, django_capture_on_commit_callbacks
):
    attached(commitment, planner, samples)
    url = COMMITMENT_CHANGE.format(pk=commitment.pk)
    data = form_data(planner_client.get(url))
    data[f"{PREFIX}-0-DELETE"] = "on"

    with django_capture_on_commit_callbacks(execute=True):
        response = planner_client.post(url, data)

    assert response.status_code == 302
    assert Recording.objects.count() == 0
    assert stored_files(audio_root) == []


def test_the_monitor_sees_the_recordings_but_cannot_attach_any(monitor_client, planner, commitment, samples):
    attached(commitment, planner, samples)

    page = monitor_client.get(COMMITMENT_CHANGE.format(pk=commitment.pk))

    assert page.status_code == 200
    assert "PTT-20250314-WA0007.ogg" in page.text
    assert 'type="file"' not in page.text


def make_record(kind, commitment, request):
    if kind == "progressupdate":
        return ProgressUpdateFactory(commitment=commitment)
    if kind == "indicator":
        return make_indicator(commitment)
    if kind == "roadwork":
        return RoadWorkFactory()
    if kind == "meeting":
        return MeetingFactory()
    return request.getfixturevalue("draft")


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("progressupdate", "/admin/commitments/progressupdate/{pk}/change/"),
        ("indicator", "/admin/commitments/indicator/{pk}/change/"),
        ("roadwork", "/admin/roads/roadwork/{pk}/change/"),
        ("meeting", "/admin/meetings/meeting/{pk}/change/"),
        ("report", "/admin/reports/report/{pk}/change/"),
    ],
)
def test_recordings_are_attached_to_updates_indicators_road_works_meetings_and_reports(
    planner_client, commitment, samples, kind, url, request, django_capture_on_commit_callbacks
):
    record = make_record(kind, commitment, request)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_recording(planner_client, url.format(pk=record.pk), upload(samples["m4a"]), language="es")

    assert response.status_code == 302, response.context and response.context["errors"]
    recording = Recording.objects.get()
    assert recording.content_type == ContentType.objects.get_for_model(record)
    assert recording.object_id == record.pk
    assert (recording.language, recording.state) == ("es", RecordingState.READY)


# The list of recordings.


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="admin-general", is_staff=True, is_superuser=True))
    return client


def test_the_list_filters_by_state(superuser_client, planner, commitment, samples):
    attached(commitment, planner, samples, title="En cola")
    failed = attached(commitment, planner, samples, title="Con fallo")
    Recording.objects.filter(pk=failed.pk).update(state=RecordingState.FAILED, error="Invalid data found")

    response = superuser_client.get("/admin/kichwa/recording/?state__exact=failed")

    assert [r.title for r in response.context["cl"].result_list] == ["Con fallo"]
    assert "Invalid data found" in response.text


def test_the_retry_action_converts_a_failed_recording_again(
    superuser_client, planner, commitment, samples, settings, django_capture_on_commit_callbacks
):
    settings.AUDIO_OPUS_BITRATE = 1000
    with django_capture_on_commit_callbacks(execute=True):
        recording = attached(commitment, planner, samples)
    recording.refresh_from_db()
    assert recording.state == RecordingState.FAILED
    settings.AUDIO_OPUS_BITRATE = 24

    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            "/admin/kichwa/recording/", {"action": "retry", "_selected_action": [recording.pk]}, follow=True
        )

    recording.refresh_from_db()
    assert (recording.state, recording.attempts) == (RecordingState.READY, 2)
    assert "1 grabación se convertirá de nuevo." in response.text


def test_planners_keep_the_list_of_recordings_and_implementers_do_not(
    planner_client, implementer_client, planner, commitment, samples
):
    recording = attached(commitment, planner, samples, title="Para la radio")

    listed = planner_client.get("/admin/kichwa/recording/")

    assert [r.title for r in listed.context["cl"].result_list] == ["Para la radio"]
    assert planner_client.get(f"/admin/kichwa/recording/{recording.pk}/change/").status_code == 200
    assert implementer_client.get("/admin/kichwa/recording/").status_code == 403


def test_recordings_are_added_only_on_their_records_page(superuser_client):
    assert superuser_client.get("/admin/kichwa/recording/add/").status_code == 403


# The staff's downloads.


def test_staff_who_may_see_the_record_download_the_original(
    implementer_client, other_implementer_client, planner, commitment, samples
):
    recording = attached(commitment, planner, samples)

    response = implementer_client.get(f"/audio/gestion/{recording.pk}/original/")

    assert response.status_code == 200
    assert response["Content-Type"] == "audio/ogg"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == samples["whatsapp"].read_bytes()
    # Another department's implementer does not see this commitment in the admin, nor its recordings.
    assert other_implementer_client.get(f"/audio/gestion/{recording.pk}/original/").status_code == 404


def test_the_public_never_gets_the_staff_downloads(citizen, planner, commitment, samples):
    recording = attached(commitment, planner, samples)

    response = citizen.get(f"/audio/gestion/{recording.pk}/original/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_kind_filter_lists_only_kinds_that_have_recordings(planner_client):
    """Not sessions, permissions or sign-in failures: the kinds of record a recording is attached to."""
    page = planner_client.get("/admin/kichwa/recording/").text

    # No recording yet: no kind to offer (before, every content type of the project was listed).
    assert "content_type__id__exact=" not in page
