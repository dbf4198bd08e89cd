"""The pages that follow road requests: the tracking page (/vias/seguimiento/), the published requests with their
figures per parish (/vias/solicitudes/), one request's page and its public photo; and how road requests count in
the planners' digest and the retention rule. Never anyone's contact data."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from feedback.models import Moderation
from feedback.services import anonymise_expired, digest_send
from roads.models import RoadRequest, RoadRequestChange
from roads.request_services import road_requests_anonymise_idle
from tests.factories import CantonFactory
from tests.participation import fresh_cache as fresh_cache  # a fixture (autouse)
from tests.roads.factories import ParishFactory, RoadRequestFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

TRACK = "/{lang}/vias/seguimiento/"
LIST = "/{lang}/vias/solicitudes/"
# Measured: the request with its parish, canton and works; its changes.
TRACK_QUERIES = 2
DETAIL_QUERIES = 2
# Measured: the cantons, their parishes, the count, the page of requests, the figures (two).
LIST_QUERIES = 6

PRIVATE = {"name": "Rosa Gualinga", "email": "rosa@example.org", "phone": "0991234567"}


@pytest.fixture
def puyo(db):
    return ParishFactory(code="160150", name_es="Puyo", name_qu="Puyu")


@pytest.fixture
def shell(db):
    return ParishFactory(canton=CantonFactory(code="1602", slug="mera", name_es="Mera"), code="160251", name_es="Shell")


def scheduled(road_request, *, note_es="Programado para julio.", note_qu="", at=None):
    road_request.status = RoadRequest.Status.SCHEDULED
    road_request.save()
    return RoadRequestChange.objects.create(
        request=road_request,
        status=RoadRequest.Status.SCHEDULED,
        note_es=note_es,
        note_qu=note_qu,
        changed_at=at or datetime(2025, 6, 10, 15, tzinfo=UTC),
    )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# The tracking page.


@pytest.mark.parametrize("typed", ["VP-7K3M-Q9", "vp-7k3m-q9", "VP7K3MQ9", " vp 7k3m q9 ", "7k3mq9"])
def test_the_code_is_found_however_it_was_typed(client, puyo, typed):
    road_request = RoadRequestFactory(tracking_code="VP-7K3M-Q9", parish=puyo)

    response = client.get(TRACK.format(lang="es"), {"codigo": typed})

    assert response.status_code == 200
    assert response.context["road_request"] == road_request
    assert "VP-7K3M-Q9" in response.text


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_tracking_page_shows_status_notes_work_and_dates_but_never_who_sent_it(
    client, puyo, lang, django_assert_max_num_queries
):
    work = RoadWorkFactory(code="VIA-2025-001")
    road_request = RoadRequestFactory(
        parish=puyo,
        community="San Jacinto",
        moderation=Moderation.PENDING,
        description="Soy Rosa, mi cédula es 1600000000",
        answered_by_work=work,
        **PRIVATE,
    )
    scheduled(road_request, note_es="Programado para julio.", note_qu="Julio killapi rurashun.")

    with django_assert_max_num_queries(TRACK_QUERIES):
        response = client.get(TRACK.format(lang=lang), {"codigo": road_request.tracking_code})

    text = response.text
    assert f'<html lang="{lang}"' in text
    assert "no-store" in response["Cache-Control"]
    assert ("Programado para julio." if lang == "es" else "Julio killapi rurashun.") in text
    assert "San Jacinto" in text and ("Puyo" if lang == "es" else "Puyu") in text
    assert f'href="/{lang}/vias/VIA-2025-001/"' in text
    assert f"/{lang}/vias/solicitudes/{road_request.tracking_code}/" not in text  # not published yet
    for private in (*PRIVATE.values(), "Rosa", "1600000000"):
        assert private not in text


def test_on_the_kichwa_page_a_note_written_only_in_spanish_is_marked_as_spanish(client, puyo):
    road_request = RoadRequestFactory(parish=puyo)
    scheduled(road_request, note_es="Programado para julio.")

    for url in (f"/qu/vias/solicitudes/{road_request.tracking_code}/", TRACK.format(lang="qu")):
        response = client.get(url, {"codigo": road_request.tracking_code})
        assert '<span lang="es">Programado para julio.</span>' in response.text


@pytest.mark.parametrize(
    ("raw", "known"),
    [
        ("VP-2222-22", True),
        ("PZ-7K3M-Q9", False),
        ("nope", False),
        ("<script>alert(1)</script>", False),
        ("a\x00b", False),
    ],
)
def test_an_unknown_or_malformed_code_says_so_next_to_the_field(client, puyo, raw, known):
    RoadRequestFactory(tracking_code="VP-7K3M-Q9", parish=puyo)

    response = client.get(TRACK.format(lang="es"), {"codigo": raw})

    assert response.status_code == 200
    assert response.context["road_request"] is None
    assert (response.context["code"] is not None) is known
    assert 'id="codigo-error"' in response.text and 'aria-invalid="true"' in response.text
    assert "<script>alert" not in response.text


def test_a_suggestions_code_is_sent_to_the_suggestions_tracking_page(client):
    response = client.get(TRACK.format(lang="qu"), {"codigo": "pz 7k3m q9"})

    assert response.status_code == 200
    assert 'href="/qu/participa/seguimiento/?codigo=PZ-7K3M-Q9"' in response.text


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_without_a_code_the_tracking_page_shows_only_the_form(client, lang):
    response = client.get(TRACK.format(lang=lang))

    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    assert 'id="codigo-error"' not in response.text


def test_guessing_codes_is_rate_limited_with_the_suggestions_tracking(client, settings):
    settings.PARTICIPATION_RATE_LIMITS = {**settings.PARTICIPATION_RATE_LIMITS, "track": (2, 10)}

    client.get("/es/participa/seguimiento/", {"codigo": "PZ-2222-22"})
    client.get(TRACK.format(lang="es"), {"codigo": "VP-2222-22"})
    limited = client.get(TRACK.format(lang="es"), {"codigo": "VP-3333-33"})

    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0


# The published requests.


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_list_shows_only_approved_requests_newest_first_without_personal_data(client, puyo, lang):
    older = RoadRequestFactory(parish=puyo, received_on=date(2025, 5, 1), description="Bache viejo", **PRIVATE)
    newer = RoadRequestFactory(parish=puyo, received_on=date(2025, 6, 1), description="Derrumbe nuevo")
    hidden = [
        RoadRequestFactory(parish=puyo, moderation=moderation, description=f"Oculto {moderation}")
        for moderation in (Moderation.PENDING, Moderation.REJECTED, Moderation.HIDDEN)
    ]

    response = client.get(LIST.format(lang=lang))

    text = response.text
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in text
    assert text.index(newer.tracking_code) < text.index(older.tracking_code)
    assert '<p lang="es">Derrumbe nuevo</p>' in text
    for request in hidden:
        assert request.tracking_code not in text and request.description not in text
    for private in PRIVATE.values():
        assert private not in text


def test_the_list_filters_by_status_problem_canton_and_parish(client, puyo, shell):
    pothole = RoadRequestFactory(parish=puyo, kind="pothole")
    landslide = RoadRequestFactory(parish=shell, kind="landslide", status="fixed", fixed_on=date(2025, 6, 5))

    def shown(**params):
        response = client.get(LIST.format(lang="es"), params)
        assert response.status_code == 200
        return {r.tracking_code for r in response.context["road_requests"]}

    both = {pothole.tracking_code, landslide.tracking_code}
    assert shown() == both
    assert shown(estado="fixed") == {landslide.tracking_code}
    assert shown(tipo="pothole") == {pothole.tracking_code}
    assert shown(canton="mera") == {landslide.tracking_code}
    assert shown(parroquia=puyo.code) == {pothole.tracking_code}
    assert shown(parroquia=puyo.code, tipo="landslide") == set()
    # A value that names nothing is no filter.
    assert shown(estado="<script>", tipo="x" * 500, canton="../", parroquia="\x00") == both


def test_the_list_is_paginated_and_its_pages_keep_the_filter(client, puyo):
    RoadRequestFactory.create_batch(25, parish=puyo, kind="pothole")

    first = client.get(LIST.format(lang="es"), {"tipo": "pothole"})
    second = client.get(LIST.format(lang="es"), {"tipo": "pothole", "page": "2"})

    assert len(first.context["road_requests"]) == 20 and len(second.context["road_requests"]) == 5
    assert 'href="?tipo=pothole&amp;page=2"' in first.text
    assert client.get(LIST.format(lang="es"), {"page": "999999999999"}).status_code == 200


def test_the_list_runs_the_same_queries_for_3_or_30_requests(client, puyo, shell, django_assert_max_num_queries):
    work = RoadWorkFactory()
    for parish in (puyo, shell):
        RoadRequestFactory.create_batch(
            2, parish=parish, answered_by_work=work, status="fixed", fixed_on=date(2025, 7, 1)
        )
    few = count_queries(client, LIST.format(lang="es"))
    for parish in (puyo, shell):
        RoadRequestFactory.create_batch(14, parish=parish, work=work, status="fixed", fixed_on=date(2025, 7, 1))
    ParishFactory.create_batch(10)

    with django_assert_max_num_queries(LIST_QUERIES):
        many = count_queries(client, LIST.format(lang="qu"))
    assert few == many


def test_the_figures_count_requests_received_and_fixed_and_the_median_days_per_parish(client, puyo, shell):
    received = date(2025, 6, 1)
    for days in (2, 4, 10):
        RoadRequestFactory(parish=puyo, received_on=received, status="fixed", fixed_on=received + timedelta(days=days))
    RoadRequestFactory(parish=puyo, moderation=Moderation.PENDING)  # counted, though not public yet
    RoadRequestFactory(parish=puyo, moderation=Moderation.REJECTED, status="fixed", fixed_on=received)  # spam
    RoadRequestFactory(parish=shell, moderation=Moderation.HIDDEN)
    RoadRequestFactory(parish=shell, received_on=received, status="fixed", fixed_on=received + timedelta(days=3))
    RoadRequestFactory(parish=shell)

    response = client.get(LIST.format(lang="es"))

    figures = {row.parish.code: (row.received, row.fixed, row.median_days) for row in response.context["by_parish"]}
    total = response.context["total"]
    assert figures == {puyo.code: (4, 3, 4), shell.code: (2, 1, 3)}
    assert (total.received, total.fixed, total.median_days) == (6, 4, 3.5)
    assert "3,5" in response.text  # Spanish decimals


# One request's page.


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_a_published_request_shows_its_status_history_and_answering_work(
    client, puyo, lang, django_assert_max_num_queries
):
    work = RoadWorkFactory(code="VIA-2025-001")
    unpublished = RoadWorkFactory(code="VIA-2025-099", is_published=False)
    road_request = RoadRequestFactory(
        parish=puyo,
        work=unpublished,
        answered_by_work=work,
        language="qu",
        description="Ñanpi uchku tiyan. Rosa Gualinga",
        road_name="Vía a Canelos",
        **PRIVATE,
    )
    scheduled(road_request)

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(road_request.get_absolute_url().replace("/es/", f"/{lang}/"))

    text = response.text
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in text
    assert '<div class="prose" lang="qu"><p>Ñanpi uchku tiyan. […]</p></div>' in text
    assert "Vía a Canelos" in text
    assert f'href="/{lang}/vias/VIA-2025-001/"' in text
    assert "VIA-2025-099" not in text
    assert "Programado para julio." in text
    for private in (*PRIVATE.values(), "Gualinga"):
        assert private not in text


def test_its_queries_do_not_grow_with_its_history(client, puyo):
    road_request = RoadRequestFactory(parish=puyo)
    scheduled(road_request)
    few = count_queries(client, road_request.get_absolute_url())
    for day in range(1, 30):
        scheduled(road_request, at=datetime(2025, 7, day, tzinfo=UTC))

    assert count_queries(client, road_request.get_absolute_url()) == few == DETAIL_QUERIES


@pytest.mark.parametrize("moderation", [Moderation.PENDING, Moderation.REJECTED, Moderation.HIDDEN])
def test_a_request_not_approved_has_no_public_page(client, puyo, moderation):
    road_request = RoadRequestFactory(parish=puyo, moderation=moderation)

    assert client.get(road_request.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("code", ["VP-2222-22", "vp-2222-22", "%3Cscript%3E", "VP-2222-22%00", "X" * 300])
def test_an_unknown_code_is_a_not_found_page_in_its_language(client, code):
    response = client.get(f"/qu/vias/solicitudes/{code}/")

    assert response.status_code == 404
    assert '<html lang="qu"' in response.text


# Its photo.


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def with_photo(puyo, **fields) -> RoadRequest:
    content = jpeg_bytes()
    road_request = RoadRequestFactory(parish=puyo, photo_content_type="image/jpeg", **fields)
    road_request.photo_sha256 = hashlib.sha256(content).hexdigest()
    road_request.photo = ContentFile(content, name="photo.jpg")
    road_request.save()
    return road_request


def photo_url(road_request) -> str:
    return f"/es/vias/solicitudes/{road_request.tracking_code}/foto/{road_request.photo_sha256[:16]}/"


def test_a_public_photo_is_served_with_safe_headers_and_shown_on_its_page(client, puyo):
    road_request = with_photo(puyo, photo_public=True)

    page = client.get(road_request.get_absolute_url())
    response = client.get(photo_url(road_request))

    assert f'src="{photo_url(road_request)}"' in page.text
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == jpeg_bytes()
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client.get(photo_url(road_request), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize(
    "fields",
    [
        {"photo_public": False},
        {"photo_public": True, "moderation": Moderation.PENDING},
        {"photo_public": True, "moderation": Moderation.HIDDEN},
    ],
)
def test_a_photo_not_made_public_or_of_an_unpublished_request_is_never_served(client, puyo, fields):
    road_request = with_photo(puyo, **fields)

    assert client.get(photo_url(road_request)).status_code == 404
    if road_request.moderation == Moderation.APPROVED:
        assert "/foto/" not in client.get(road_request.get_absolute_url()).text


def test_a_wrong_digest_finds_no_photo(client, puyo):
    road_request = with_photo(puyo, photo_public=True)

    for digest in ("0" * 16, "nothex", road_request.photo_sha256[:15]):
        url = f"/es/vias/solicitudes/{road_request.tracking_code}/foto/{digest}/"
        assert client.get(url).status_code == 404


# The digest and the retention rule.


def test_idle_requests_lose_their_contact_data_but_keep_their_text_and_figures(puyo):
    long_ago = datetime(2022, 1, 1, tzinfo=UTC)
    idle = RoadRequestFactory(
        parish=puyo,
        description="Soy Rosa Gualinga: hay un bache.",
        email_hash="e",
        phone_hash="p",
        ip_hash="i",
        **PRIVATE,
    )
    recent = RoadRequestFactory(parish=puyo, **PRIVATE)
    RoadRequest.objects.filter(pk=idle.pk).update(created_at=long_ago, updated_at=long_ago)

    wiped = road_requests_anonymise_idle(datetime(2023, 1, 1, tzinfo=UTC), datetime.now(UTC))

    idle.refresh_from_db()
    recent.refresh_from_db()
    assert wiped == 1
    assert (idle.name, idle.email, idle.phone, idle.email_hash, idle.phone_hash, idle.ip_hash) == ("",) * 6
    assert idle.anonymised_at is not None
    assert idle.description == "Soy […]: hay un bache."
    assert recent.email == PRIVATE["email"]


def test_the_retention_rule_anonymises_road_requests_with_the_other_contributions(puyo):
    idle = RoadRequestFactory(parish=puyo, **PRIVATE)
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    RoadRequest.objects.filter(pk=idle.pk).update(created_at=long_ago, updated_at=long_ago)

    done = anonymise_expired()

    assert done.others["road_requests"] == 1
    assert RoadRequest.objects.get(pk=idle.pk).email == ""


def test_the_planners_digest_counts_and_lists_new_road_requests(planner, puyo):
    RoadRequestFactory(
        parish=puyo, tracking_code="VP-DAYS-22", description="Derrumbe en la vía", moderation=Moderation.PENDING
    )

    assert digest_send() is True

    body = mail.outbox[0].body
    assert "VP-DAYS-22" in body and "Derrumbe en la vía" in body and "Puyo" in body
    assert "/admin/roads/roadrequest/" in body
