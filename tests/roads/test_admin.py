"""The staff admin of road works and road requests (roads.admin): a work's line from a GPS track or two points, its
monthly progress and documents inline, and what the forms refuse (a bad track, a point outside Pastaza, an amount
beyond the budget, a published observation deleted, a published document's file replaced) said on the form, never
as a server error; a request entered offline, its change of status with a public note, its photo for staff; and
every admin saying whole sentences of its own."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from conecta.admin_messages import NEUTRAL, AdminMessagesMixin, sentences_for
from roads import services
from roads.models import RoadDocument, RoadProgress, RoadRequest, RoadRequestChange, RoadWork
from tests.commitments.admin_helpers import form_data
from tests.factories import pdf_bytes
from tests.roads.factories import ParishFactory, RoadProgressFactory, RoadRequestFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

GPX = b"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
<trkpt lat="-1.4900" lon="-78.0000"></trkpt><trkpt lat="-1.5000" lon="-77.9800"></trkpt>
<trkpt lat="-1.5200" lon="-77.9500"></trkpt></trkseg></trk></gpx>"""


def work_url(work=None, view="change") -> str:
    return f"/admin/roads/roadwork/{work.pk}/{view}/" if work else "/admin/roads/roadwork/add/"


def request_url(road_request=None) -> str:
    return f"/admin/roads/roadrequest/{road_request.pk}/change/" if road_request else "/admin/roads/roadrequest/add/"


def errors_of(response) -> dict:
    assert response.status_code == 200
    return response.context["adminform"].form.errors


def inline_errors(response, prefix: str) -> list:
    formset = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == prefix)
    return [formset.non_form_errors(), *[form.errors for form in formset.forms]]


def photo_bytes() -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 30), (120, 90, 60)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def work(other_department):
    """A draft work of Public Works (other_department), with a budget."""
    return RoadWorkFactory(
        code="VIA-2025-001",
        name_es="Vía Puyo – Canelos",
        institution=other_department,
        is_published=False,
        budget=Decimal("100000.00"),
    )


# A work's line.


def test_a_planner_adds_a_work_with_its_start_and_end(planner_client, other_department):
    page = planner_client.get(work_url())
    data = form_data(
        page,
        code="VIA-2026-010",
        name_es="Lastrado Tarqui – Teniente Hugo Ortiz",
        kind="gravel",
        status="preparation",
        institution=other_department.pk,
        executor="direct",
        start_longitude="-78,00",
        start_latitude="-1.49",
        end_longitude="-77.95",
        end_latitude="-1.52",
    )

    response = planner_client.post(work_url(), data)

    assert response.status_code == 302, errors_of(response)
    work = RoadWork.objects.get(code="VIA-2026-010")
    assert work.geometry == [[-78.0, -1.49], [-77.95, -1.52]]
    assert work.geometry_source == "points"


def test_an_uploaded_gps_track_becomes_the_works_line(planner_client, work):
    data = form_data(planner_client.get(work_url(work)))
    data["track"] = SimpleUploadedFile("recorrido.gpx", GPX, content_type="application/gpx+xml")

    response = planner_client.post(work_url(work), data)

    assert response.status_code == 302, errors_of(response)
    work.refresh_from_db()
    assert work.geometry_source == "track"
    assert work.geometry[0] == [-78.0, -1.49] and len(work.geometry) >= 2
    page = planner_client.get(work_url(work)).content.decode()
    assert "km" in page and "puntos" in page


@pytest.mark.parametrize(
    "content, name",
    [
        (b"this is not a track at all", "recorrido.gpx"),
        (b"", "vacio.gpx"),
        (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><gpx>&lol;</gpx>', "bomba.gpx"),
        (b'{"type": "LineString", "coordinates": [[2.35, 48.85], [2.36, 48.86]]}', "paris.geojson"),
    ],
)
def test_a_bad_track_is_refused_on_its_field(planner_client, work, content, name):
    data = form_data(planner_client.get(work_url(work)))
    data["track"] = SimpleUploadedFile(name, content)

    response = planner_client.post(work_url(work), data)

    errors = errors_of(response)
    assert list(errors) == ["track"] and errors["track"][0]
    work.refresh_from_db()
    assert work.geometry_source == "points"  # the line drawn before stays


def test_points_outside_pastaza_are_refused_on_the_start(planner_client, work):
    data = form_data(planner_client.get(work_url(work)), start_longitude="-79.5", start_latitude="-0.2")

    errors = errors_of(planner_client.post(work_url(work), data))

    assert list(errors) == ["start_longitude"] and "Pastaza" in errors["start_longitude"][0]
    work.refresh_from_db()
    assert work.geometry == [[-78.0, -1.49], [-77.95, -1.52]]


def test_a_track_and_typed_points_together_are_refused(planner_client, work):
    data = form_data(planner_client.get(work_url(work)), start_longitude="-78.0", start_latitude="-1.49")
    data["track"] = SimpleUploadedFile("recorrido.gpx", GPX)

    assert "track" in errors_of(planner_client.post(work_url(work), data))


def test_the_line_can_be_removed(planner_client, work):
    data = form_data(planner_client.get(work_url(work)), clear_geometry=True)

    assert planner_client.post(work_url(work), data).status_code == 302

    work.refresh_from_db()
    assert (work.geometry, work.geometry_source) == ([], "")


# Monthly progress, inline.


def progress_rows(data: dict, rows: list[dict]) -> dict:
    """The progress inline of `data` with `rows` added as new forms."""
    prefix = "progress"
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{start + offset}-{key}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))
    return data


def test_progress_entered_on_the_works_form_refreshes_what_it_shows(other_implementer_client, work, other_implementer):
    data = progress_rows(
        form_data(other_implementer_client.get(work_url(work))),
        # The department publishes its own progress (the box is ticked on a new row), and may withdraw it.
        [
            {
                "observed_on": "2025-05-31",
                "physical_pct": "35",
                "paid_amount": "40000",
                "note_es": "Lastrado 4 km.",
                "is_published": "on",
            }
        ],
    )

    response = other_implementer_client.post(work_url(work), data)

    assert response.status_code == 302, inline_errors(response, "progress")
    work.refresh_from_db()
    assert (work.physical_pct, work.paid_amount, work.progress_on) == (35, Decimal("40000.00"), date(2025, 5, 31))
    assert RoadProgress.objects.get(work=work).recorded_by == other_implementer


def test_an_amount_paid_beyond_the_budget_is_refused_on_the_form(planner_client, work):
    data = progress_rows(
        form_data(planner_client.get(work_url(work))),
        [{"observed_on": "2025-05-31", "physical_pct": "35", "paid_amount": "150000"}],
    )

    response = planner_client.post(work_url(work), data)

    assert response.status_code == 200
    assert "paid_amount" in inline_errors(response, "progress")[1]
    assert not RoadProgress.objects.exists()


def test_published_progress_is_not_deleted_but_a_draft_is(planner_client, work):
    published = RoadProgressFactory(work=work, observed_on=date(2025, 4, 30), physical_pct=20)
    draft = RoadProgressFactory(work=work, observed_on=date(2025, 5, 31), physical_pct=30, is_published=False)
    page = planner_client.get(work_url(work))
    forms = {form.instance.pk: form.prefix for form in page.context["inline_admin_formsets"][0].formset.forms}

    refused = planner_client.post(work_url(work), form_data(page, **{f"{forms[published.pk]}-DELETE": True}))
    assert refused.status_code == 200
    assert "no se elimina" in str(inline_errors(refused, "progress"))

    done = planner_client.post(work_url(work), form_data(page, **{f"{forms[draft.pk]}-DELETE": True}))
    assert done.status_code == 302
    assert list(RoadProgress.objects.values_list("pk", flat=True)) == [published.pk]


# Documents, inline.


def test_the_file_of_a_published_document_is_not_replaced(planner_client, work, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    work.is_published = True
    work.name_qu = "Puyo – Canelos ñan"
    work.save()
    document = RoadDocument(work=work, document_type="physicalProgressReport", title_es="Informe de mayo")
    document.file = ContentFile(pdf_bytes(1), name="informe.pdf")
    document.save()
    page = planner_client.get(work_url(work))
    data = form_data(page)
    data["documents-0-file"] = SimpleUploadedFile("otro.pdf", pdf_bytes(2))

    response = planner_client.post(work_url(work), data)

    assert response.status_code == 200
    assert "nunca se reemplaza" in str(inline_errors(response, "documents"))
    document.refresh_from_db()
    assert document.original_name == "informe.pdf"
    download = planner_client.get(f"/admin/roads/roadwork/document/{document.pk}/")
    assert download.status_code == 200
    assert download["Content-Security-Policy"].endswith("sandbox")
    assert download["X-Content-Type-Options"] == "nosniff"


# Road requests.


def test_a_request_gathered_in_an_assembly_gets_its_code_and_is_approved(planner_client, planner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    parish = ParishFactory(name_es="Tarqui")
    data = form_data(
        planner_client.get(request_url()),
        kind="landslide",
        parish=parish.pk,
        community="San Ramón",
        description="Derrumbe en el km 4 desde el sábado.",
        channel="assembly",
        language="es",
        received_on="2025-06-10",
        name="Rosa Vargas",
        phone="0991234567",
    )
    data["photo"] = SimpleUploadedFile("derrumbe.jpg", photo_bytes(), content_type="image/jpeg")

    response = planner_client.post(request_url(), data)

    assert response.status_code == 302, errors_of(response)
    road_request = RoadRequest.objects.get()
    assert road_request.tracking_code.startswith("VP-")
    assert (road_request.moderation, road_request.entered_by, road_request.channel) == ("approved", planner, "assembly")
    assert road_request.photo_content_type == "image/jpeg"
    assert RoadRequestChange.objects.filter(request=road_request, status="received").count() == 1
    photo = planner_client.get(f"/admin/roads/roadrequest/{road_request.pk}/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert "no-store" in photo["Cache-Control"] and photo["X-Content-Type-Options"] == "nosniff"


def test_an_offline_request_with_a_file_that_is_no_photo_is_refused_on_its_field(planner_client):
    parish = ParishFactory()
    data = form_data(
        planner_client.get(request_url()),
        kind="pothole",
        parish=parish.pk,
        description="Bache.",
        channel="phone",
        language="es",
        received_on="2025-06-10",
    )
    data["photo"] = SimpleUploadedFile("foto.jpg", b"<html><script>alert(1)</script></html>")

    errors = errors_of(planner_client.post(request_url(), data))

    assert list(errors) == ["photo"]
    assert not RoadRequest.objects.exists()


def test_a_status_change_records_its_public_note_and_work(planner_client, planner, work):
    road_request = RoadRequestFactory(work=work)
    data = form_data(
        planner_client.get(request_url(road_request)),
        change_status="scheduled",
        change_note_es="Se atenderá con la obra de lastrado en julio.",
        change_note_qu="Julio killapi allichinka.",
        change_work=work.pk,
    )

    response = planner_client.post(request_url(road_request), data)

    assert response.status_code == 302, errors_of(response)
    road_request.refresh_from_db()
    assert (road_request.status, road_request.answered_by_work) == ("scheduled", work)
    change = RoadRequestChange.objects.get(request=road_request)
    assert (change.status, change.note_es, change.note_qu, change.changed_by) == (
        "scheduled",
        "Se atenderá con la obra de lastrado en julio.",
        "Julio killapi allichinka.",
        planner,
    )
    page = planner_client.get(request_url(road_request)).content.decode()
    assert "Se atenderá con la obra de lastrado en julio." in page


def test_fixed_without_a_date_is_refused_on_the_form(planner_client):
    road_request = RoadRequestFactory()
    data = form_data(planner_client.get(request_url(road_request)), change_status="fixed")

    errors = errors_of(planner_client.post(request_url(road_request), data))

    assert list(errors) == ["change_fixed_on"]
    road_request.refresh_from_db()
    assert road_request.status == "received" and not road_request.changes.exists()


def test_moderators_approve_a_pending_request_from_the_queue(planner_client):
    pending = RoadRequestFactory(moderation="pending")

    queue = planner_client.get("/admin/roads/roadrequest/")
    assert [r.pk for r in queue.context["cl"].result_list] == [pending.pk]
    response = planner_client.post(
        "/admin/roads/roadrequest/", {"action": "approve_selected", "_selected_action": [pending.pk]}
    )

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.moderation == "approved"


def test_rejecting_asks_for_a_reason(planner_client):
    pending = RoadRequestFactory(moderation="pending")
    action = {"action": "reject_selected", "_selected_action": [pending.pk]}

    step = planner_client.post("/admin/roads/roadrequest/", action)
    done = planner_client.post("/admin/roads/roadrequest/", {**action, "apply": "1", "reason": "Publicidad."})

    assert step.status_code == 200 and done.status_code == 302
    pending.refresh_from_db()
    assert (pending.moderation, pending.moderation_reason) == ("rejected", "Publicidad.")


# Whole sentences.

ROAD_ADMINS = [RoadWork, RoadProgress, RoadRequest]


def test_every_roads_admin_says_whole_sentences_of_its_own():
    registered = [model for model in admin.site._registry if model._meta.app_label == "roads"]
    assert sorted(m._meta.model_name for m in registered) == sorted(m._meta.model_name for m in ROAD_ADMINS)
    for model in registered:
        assert isinstance(admin.site._registry[model], AdminMessagesMixin), model
        assert sentences_for(model) is not NEUTRAL, model


@pytest.mark.parametrize("language", ["es", "qu"])
def test_the_roads_sentences_are_translated(language):
    for model in ROAD_ADMINS:
        sentences = sentences_for(model)
        for name in ("added", "changed", "deleted"):
            sentence = getattr(sentences, name)
            if sentence is None:
                continue
            with translation.override("en"):
                english = str(sentence)
            with translation.override(language):
                assert str(sentence) != english and "%(obj)s" in str(sentence), (model, name)
        if sentences.deleted_many is not None:
            with translation.override(language):
                one, two = (sentences.deleted_many % {"count": n} for n in (1, 2))
            assert one != two and "deleted" not in one + two


def test_adding_a_work_says_it_in_the_feminine(planner_client, other_department):
    data = form_data(
        planner_client.get(work_url()),
        code="VIA-2026-020",
        name_es="Puente sobre el río Pindo",
        kind="bridge",
        status="identification",
        institution=other_department.pk,
        executor="direct",
    )

    response = planner_client.post(work_url(), data, follow=True)

    said = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("La obra vial “<a href=") and m.endswith("” se agregó.") for m in said), said


def test_services_refresh_is_what_the_list_shows(planner_client, work):
    RoadProgressFactory(work=work, observed_on=date(2025, 6, 30), physical_pct=55)
    services.road_progress_refresh()

    listing = planner_client.get("/admin/roads/roadwork/")

    assert "55 %" in listing.content.decode()


def test_the_same_address_link_lists_what_that_address_sent(planner_client):
    """feedback.moderation's links ("from the same": contact, address) filter the queue with the contribution
    querysets' from_contact and from_address."""
    first = RoadRequestFactory(ip_hash="a" * 64, email_hash="b" * 64)
    RoadRequestFactory(ip_hash="c" * 64)

    by_address = planner_client.get("/admin/roads/roadrequest/", {"address": "a" * 64, "moderation": "all"})
    by_contact = planner_client.get("/admin/roads/roadrequest/", {"contact": "b" * 64, "moderation": "all"})

    assert [r.pk for r in by_address.context["cl"].result_list] == [first.pk]
    assert [r.pk for r in by_contact.context["cl"].result_list] == [first.pk]


def test_half_a_position_is_refused_on_the_request_form(planner_client):
    road_request = RoadRequestFactory()
    data = form_data(planner_client.get(request_url(road_request)), latitude="-1.49")

    errors = errors_of(planner_client.post(request_url(road_request), data))

    assert list(errors) == ["longitude"]


CHANGELIST = "/admin/roads/roadrequest/?moderation=all"


def test_a_planner_anonymises_a_senders_requests_after_confirming(planner_client, implementer_client):
    from feedback.protection import email_hash

    key = email_hash("rosa@example.org")
    first = RoadRequestFactory(
        name="Rosa Grefa", email="rosa@example.org", email_hash=key, description="Firmado: Rosa Grefa"
    )
    second = RoadRequestFactory(name="Rosa G.", email="rosa@example.org", email_hash=key, phone="0991234567")
    other = RoadRequestFactory(name="Pedro", email="pedro@example.org", email_hash=email_hash("pedro@example.org"))
    chosen = {"action": "anonymise_requests", "_selected_action": [first.pk]}

    not_offered = implementer_client.post(CHANGELIST, {**chosen, "apply": "1"})
    asked = planner_client.post(CHANGELIST, chosen)
    first.refresh_from_db()
    untouched = first.email
    done = planner_client.post(CHANGELIST, {**chosen, "apply": "1"})

    assert not_offered.status_code in (200, 302, 403) and untouched == "rosa@example.org"  # not offered: nothing done
    assert asked.status_code == 200 and 'name="apply"' in asked.content.decode()
    assert done.status_code == 302
    for row in (first, second):
        row.refresh_from_db()
        assert (row.name, row.email, row.email_hash, row.phone, row.ip_hash) == ("", "", "", "", "")
        assert row.anonymised_at is not None
    assert "Rosa Grefa" not in first.description and first.description.startswith("Firmado:")
    other.refresh_from_db()
    assert other.name == "Pedro" and other.email_hash


def test_a_surveyed_track_replaces_an_approximate_line_and_its_note_and_a_short_one_is_questioned(
    planner_client, work
):
    RoadWork.objects.filter(pk=work.pk).update(
        geometry_source="approximate", geometry_note_es="Trazado aproximado.", length_km=Decimal("40")
    )
    data = form_data(planner_client.get(work_url(work)))
    data["track"] = SimpleUploadedFile("recorrido.gpx", GPX, content_type="application/gpx+xml")

    response = planner_client.post(work_url(work), data, follow=True)

    work.refresh_from_db()
    assert (work.geometry_source, work.geometry_note_es) == ("track", "")
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and "40" in warnings[0]


def test_from_the_same_contact_opens_that_contacts_road_requests(planner_client):
    from feedback.protection import email_hash

    key = email_hash("rosa@example.org")
    RoadRequestFactory(email="rosa@example.org", email_hash=key, moderation="pending")

    page = planner_client.get("/admin/roads/roadrequest/").content.decode()
    mine = planner_client.get(f"/admin/roads/roadrequest/?contact={key}&moderation=all")

    assert f"/admin/roads/roadrequest/?contact={key}&amp;moderation=all" in page
    assert mine.status_code == 200 and mine.context["cl"].result_count == 1
