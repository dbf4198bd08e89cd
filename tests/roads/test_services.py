"""The writes of road works and road requests (roads.services): the dated progress history, the tracking codes,
offline entry, status changes with public notes, and documents written once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F

from conecta.published_files import PublishedFileFrozen
from feedback.contributions import Sender
from roads import services
from roads.models import RoadDocument, RoadProgress, RoadRequest, RoadRequestChange, RoadWork, road_progress_as_of
from tests.factories import pdf_bytes
from tests.roads.factories import ParishFactory, RoadProgressFactory, RoadRequestFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db


def test_a_work_shows_its_latest_published_progress():
    work = RoadWorkFactory()
    RoadProgressFactory(work=work, observed_on=date(2025, 4, 30), physical_pct=10, paid_amount=Decimal("20000"))
    RoadProgressFactory(work=work, observed_on=date(2025, 5, 31), physical_pct=35, paid_amount=Decimal("60000"))
    RoadProgressFactory(work=work, observed_on=date(2025, 6, 30), physical_pct=50, is_published=False)

    services.road_progress_refresh()

    work.refresh_from_db()
    assert (work.physical_pct, work.paid_amount, work.progress_on) == (35, Decimal("60000.00"), date(2025, 5, 31))
    assert work.financial_pct == 24  # 60,000 of 250,000


def test_a_work_without_published_progress_shows_none():
    work = RoadWorkFactory(physical_pct=80, paid_amount=Decimal("1"), progress_on=date(2025, 1, 1))
    RoadProgressFactory(work=work, is_published=False)

    services.road_progress_refresh(works=RoadWork.objects.filter(pk=work.pk))

    work.refresh_from_db()
    assert (work.physical_pct, work.paid_amount, work.progress_on) == (0, None, None)


def test_progress_as_of_a_day_reads_the_history():
    work = RoadWorkFactory()
    RoadProgressFactory(work=work, observed_on=date(2025, 3, 31), physical_pct=10, paid_amount=Decimal("5000"))
    RoadProgressFactory(work=work, observed_on=date(2025, 7, 15), physical_pct=60, paid_amount=Decimal("90000"))
    physical, paid = road_progress_as_of(date(2025, 6, 30))

    row = RoadWork.objects.annotate(physical_then=physical, paid_then=paid).get(pk=work.pk)
    before = RoadWork.objects.annotate(physical_then=road_progress_as_of(date(2025, 1, 1))[0]).get(pk=work.pk)

    assert (row.physical_then, row.paid_then) == (10, Decimal("5000.00"))
    assert before.physical_then is None


@time_machine.travel(date(2025, 8, 1))
def test_saving_progress_validates_and_refreshes_the_work():
    work = RoadWorkFactory(budget=Decimal("100000"))
    saved = services.road_progress_save(
        progress=RoadProgress(work=work, observed_on=date(2025, 7, 31), physical_pct=45, paid_amount=Decimal("40000"))
    )
    work.refresh_from_db()
    assert saved.pk and work.physical_pct == 45

    with pytest.raises(ValidationError) as paid_too_much:
        services.road_progress_save(
            progress=RoadProgress(work=work, observed_on=date(2025, 7, 1), physical_pct=50, paid_amount=Decimal("1e6"))
        )
    with pytest.raises(ValidationError) as future:
        services.road_progress_save(progress=RoadProgress(work=work, observed_on=date(2025, 9, 1), physical_pct=50))
    with pytest.raises(ValidationError) as over_100:
        services.road_progress_save(progress=RoadProgress(work=work, observed_on=date(2025, 7, 2), physical_pct=101))

    assert "paid_amount" in paid_too_much.value.message_dict
    assert "observed_on" in future.value.message_dict
    assert "physical_pct" in over_100.value.message_dict
    assert RoadProgress.objects.filter(work=work).count() == 1


def test_published_progress_is_never_deleted():
    progress = RoadProgressFactory()
    with pytest.raises(ValidationError):
        services.road_progress_delete(progress=progress)
    draft = RoadProgressFactory(work=progress.work, observed_on=date(2025, 7, 31), is_published=False)
    services.road_progress_delete(progress=draft)
    assert list(RoadProgress.objects.values_list("pk", flat=True)) == [progress.pk]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("VP-7K3M-Q9", "VP-7K3M-Q9"),
        ("vp 7k3m q9", "VP-7K3M-Q9"),
        ("7K3MQ9", "VP-7K3M-Q9"),
        (" vp-7k3m-q9 ", "VP-7K3M-Q9"),
    ],
)
def test_tracking_codes_are_read_as_people_type_them(typed, stored):
    assert services.request_tracking_code_normalise(typed) == stored


@pytest.mark.parametrize("typed", ["", None, "PZ-7K3M-Q9", "VP-7K3M-Q0", "VP-7K", "x" * 500, "VP-7K3M-Q9-9"])
def test_what_cannot_be_a_road_request_code_is_refused(typed):
    assert services.request_tracking_code_normalise(typed) is None


def test_a_request_from_the_form_is_stored_once_per_token_and_awaits_moderation():
    parish = ParishFactory()
    sender = Sender(name="Rosa", email="rosa@example.org", ip_hash="abc", language="qu")

    first, created = services.request_submit(
        kind=RoadRequest.Kind.LANDSLIDE, parish=parish, description="Derrumbe en la curva.", sender=sender, token="t1"
    )
    again, created_again = services.request_submit(
        kind=RoadRequest.Kind.LANDSLIDE, parish=parish, description="Derrumbe en la curva.", sender=sender, token="t1"
    )

    assert created and not created_again and again.pk == first.pk
    assert first.tracking_code.startswith("VP-") and services.request_tracking_code_normalise(first.tracking_code)
    assert (first.moderation, first.status, first.language, first.channel) == ("pending", "received", "qu", "web")
    assert first.email_hash and first.consent_at
    assert not RoadRequest.objects.public().exists()


def test_a_photo_that_is_not_an_image_is_refused():
    upload = SimpleUploadedFile("bache.jpg", pdf_bytes(), content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.request_submit(
            kind="pothole", parish=ParishFactory(), description="x", sender=Sender(), token="t2", photo=upload
        )
    assert not RoadRequest.objects.exists()


def test_staff_enter_a_request_from_an_assembly():
    request = RoadRequest(
        kind=RoadRequest.Kind.DRAINAGE,
        parish=ParishFactory(),
        description="La cuneta está tapada.",
        channel=RoadRequest.Channel.ASSEMBLY,
        received_on=date(2025, 5, 10),
        phone="0999999999",
    )
    saved = services.request_save_offline(request=request, by=None)

    assert saved.tracking_code.startswith("VP-") and saved.moderation == "approved"
    assert saved.phone_hash and saved in RoadRequest.objects.public()
    assert list(saved.changes.values_list("status", flat=True)) == ["received"]


@time_machine.travel(date(2025, 9, 1))
def test_a_status_change_records_its_public_note_and_the_answering_work(planner):
    request = RoadRequestFactory(received_on=date(2025, 6, 2))
    work = RoadWorkFactory()

    scheduled = services.request_status_change(
        request=request, status="scheduled", by=planner, note_es="Incluido en el mantenimiento.", answered_by_work=work
    )
    with pytest.raises(ValidationError) as no_date:
        services.request_status_change(request=request, status="fixed", by=planner)
    with pytest.raises(ValidationError) as too_early:
        services.request_status_change(request=request, status="fixed", by=planner, fixed_on=date(2025, 6, 1))
    fixed = services.request_status_change(request=request, status="fixed", by=planner, fixed_on=date(2025, 8, 20))
    nothing = services.request_status_change(request=request, status="fixed", by=planner)

    request.refresh_from_db()
    assert (request.status, request.fixed_on, request.answered_by_work) == ("fixed", date(2025, 8, 20), work)
    assert "fixed_on" in no_date.value.message_dict and "fixed_on" in too_early.value.message_dict
    assert scheduled.note_es == "Incluido en el mantenimiento." and scheduled.changed_by == planner
    assert fixed.status == "fixed" and nothing is None
    assert RoadRequestChange.objects.filter(request=request).count() == 2
    assert list(work.answered_requests.all()) == [request]
    assert not request.is_open


def test_a_published_documents_file_is_written_once():
    work = RoadWorkFactory()
    document = RoadDocument.objects.create(
        work=work,
        document_type="physicalProgressReport",
        title_es="Informe de avance de junio",
        file=SimpleUploadedFile("informe.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    assert document.content_type == "application/pdf" and len(document.sha256) == 64 and document.size > 0
    assert document.get_file_url().endswith(f"/{document.sha256[:16]}/{document.download_name}")

    document.file = SimpleUploadedFile("otro.pdf", pdf_bytes(2), content_type="application/pdf")
    with pytest.raises(PublishedFileFrozen):
        document.save()


def test_the_database_refuses_two_observations_on_one_day_and_dates_out_of_order():
    work = RoadWorkFactory()
    RoadProgressFactory(work=work, observed_on=date(2025, 6, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        RoadProgressFactory(work=work, observed_on=date(2025, 6, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        RoadWork.objects.filter(pk=work.pk).update(planned_end=date(2025, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        RoadProgress.objects.filter(work=work).update(physical_pct=F("physical_pct") + 200)


def test_the_same_report_sent_again_under_a_new_token_is_the_one_stored():
    parish = ParishFactory()
    sender = Sender(ip_hash="same-address")
    report = {"kind": "landslide", "parish": parish, "description": "Derrumbe en la curva.", "sender": sender}

    first, _created = services.request_submit(**report, token="t1")
    again, created_again = services.request_submit(**report, token="t2")  # Back, then Send again
    other, created_other = services.request_submit(**{**report, "description": "Otro derrumbe."}, token="t3")
    elsewhere, _c = services.request_submit(**{**report, "sender": Sender(ip_hash="another")}, token="t4")

    assert again.pk == first.pk and not created_again
    assert created_other and other.pk != first.pk and elsewhere.pk not in (first.pk, other.pk)
    assert RoadRequest.objects.count() == 3


@time_machine.travel(date(2025, 12, 1))
def test_progress_does_not_go_back_nor_start_before_the_work():
    work = RoadWorkFactory(actual_start=date(2025, 3, 10), budget=Decimal("100000"))
    services.road_progress_save(
        progress=RoadProgress(work=work, observed_on=date(2025, 6, 30), physical_pct=40, paid_amount=Decimal("30000"))
    )

    def refused(**fields) -> dict:
        with pytest.raises(ValidationError) as error:
            services.road_progress_save(progress=RoadProgress(work=work, **fields))
        return error.value.message_dict

    lower_later = refused(observed_on=date(2025, 9, 30), physical_pct=20, paid_amount=Decimal("35000"))
    higher_earlier = refused(observed_on=date(2025, 4, 30), physical_pct=50)
    less_paid_later = refused(observed_on=date(2025, 9, 30), physical_pct=60, paid_amount=Decimal("1000"))
    before_start = refused(observed_on=date(2025, 3, 1), physical_pct=0)
    draft = services.road_progress_save(
        progress=RoadProgress(work=work, observed_on=date(2025, 9, 30), physical_pct=20, is_published=False)
    )

    assert "40 %" in lower_later["physical_pct"][0]  # the earlier figure it contradicts
    assert "physical_pct" in higher_earlier and "paid_amount" in less_paid_later
    assert "observed_on" in before_start
    assert draft.pk  # a draft is not public history: it may hold what is being corrected
    assert RoadProgress.objects.filter(work=work, is_published=True).count() == 1
