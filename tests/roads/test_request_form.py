"""/<lang>/vias/reportar/: a problem on a road, reported without JavaScript, stored once with its photo re-encoded
without metadata, and answered with a tracking code (the suggestion box's protections, roads' fields)."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from PIL import Image

from conecta.uploads import BAD_IMAGE, TOO_MANY_PIXELS
from feedback.contributions import Sender
from feedback.models import Moderation
from roads.models import RoadRequest
from roads.services import request_submit
from roads.tasks import send_pending_request_confirmations_task, send_request_confirmation_task
from tests.factories import CantonFactory, pdf_bytes
from tests.participation import HOSTILE, hidden_values
from tests.participation import csrf_client as csrf_client  # a fixture
from tests.participation import fresh_cache as fresh_cache  # a fixture (autouse)
from tests.roads.factories import ParishFactory, RoadWorkFactory
from tests.upload_samples import HTML_PAGE, SVG_WITH_SCRIPT, photo_with_gps, png_declaring

pytestmark = pytest.mark.django_db

URL = "/{lang}/vias/reportar/"
# Measured: the cantons, their parishes, the published road works.
FORM_QUERIES = 3


@pytest.fixture
def puyo(db):
    return ParishFactory(code="160150", name_es="Puyo", name_qu="Puyu")


def valid(place, **overrides) -> dict:
    return {
        "kind": "pothole",
        "parish": place.code,
        "description": "Un bache grande frente a la escuela, desde hace un mes.",
        "consent": "on",
        **overrides,
    }


def said(message: str, **params) -> str:
    """A message as the Spanish page shows it: translated, with its values, escaped."""
    with translation.override("es"):
        text = gettext(message)
    return escape(text % params if params else text)


def post(client, lang: str, data: dict, **files):
    """GET the form (its CSRF cookie and tokens), then POST `data` and `files` as a browser without script does."""
    page = client.get(URL.format(lang=lang))
    assert page.status_code == 200
    return client.post(URL.format(lang=lang), {**hidden_values(page.text), **data, **files})


def upload(content: bytes, name: str = "foto.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_form_works_without_javascript_in_both_languages_and_is_never_cached(
    client, puyo, lang, django_assert_max_num_queries
):
    other = ParishFactory(canton=CantonFactory(code="1602", slug="mera", name_es="Mera"), name_es="Shell")
    work = RoadWorkFactory(code="VIA-2025-001")
    RoadWorkFactory(code="VIA-2025-099", is_published=False)

    with django_assert_max_num_queries(FORM_QUERIES):
        response = client.get(URL.format(lang=lang))

    text = response.text
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in text
    assert "no-store" in response["Cache-Control"]
    assert 'enctype="multipart/form-data"' in text
    assert 'name="csrfmiddlewaretoken"' in text and re.search(r'name="token" value="[A-Za-z0-9_-]{20,}"', text)
    assert "<div hidden>" in text and 'name="hp_check"' in text
    assert 'type="radio" name="kind"' in text
    assert '<optgroup label="Pastaza">' in text and '<optgroup label="Mera">' in text
    assert f'<option value="{other.code}">Shell</option>' in text
    assert f'<option value="{work.code}">' in text and "VIA-2025-099" not in text
    assert 'name="latitude"' in text and 'name="longitude"' in text and 'type="file" name="photo"' in text
    assert "/privacidad/" in text
    # The position button is hidden until the (optional) script shows it; no inline script anywhere.
    assert '<div id="position-tool" hidden' in text
    assert re.findall(r"<script[^>]*>", text) == ['<script src="/static/js/road-position.js" defer>']


def test_only_this_page_lets_its_own_script_ask_for_the_position(client, puyo):
    form = client.get(URL.format(lang="es"))
    other = client.get("/es/vias/seguimiento/")

    assert "script-src 'self'" in form["Content-Security-Policy"]
    assert "script-src 'none'" not in form["Content-Security-Policy"]
    assert "geolocation=(self)" in form["Permissions-Policy"]
    assert "camera=()" in form["Permissions-Policy"]
    assert "script-src 'none'" in other["Content-Security-Policy"]
    assert "geolocation=()" in other["Permissions-Policy"]


def test_its_queries_do_not_grow_with_the_number_of_parishes_and_works(client, puyo, django_assert_max_num_queries):
    ParishFactory.create_batch(30)
    RoadWorkFactory.create_batch(30)

    with django_assert_max_num_queries(FORM_QUERIES):
        assert client.get(URL.format(lang="es")).status_code == 200


def test_a_request_is_stored_pending_moderation_and_answered_with_its_tracking_code(csrf_client, puyo):
    work = RoadWorkFactory(code="VIA-2025-001")

    response = post(
        csrf_client,
        "qu",
        valid(
            puyo,
            community="Barrio Obrero",
            road_name="Vía Puyo – Canelos, km 12",
            work=work.code,
            latitude="-1,492736",
            longitude="-78.003104",
            name="Rosa",
            email="rosa@example.org",
            phone="099 123 4567",
        ),
    )

    road_request = RoadRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/qu/vias/reportar/enviado/{road_request.tracking_code}/"
    assert re.fullmatch(r"VP-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}", road_request.tracking_code)
    assert (road_request.kind, road_request.parish, road_request.work) == ("pothole", puyo, work)
    assert (road_request.community, road_request.road_name) == ("Barrio Obrero", "Vía Puyo – Canelos, km 12")
    assert (road_request.latitude, road_request.longitude) == (Decimal("-1.49274"), Decimal("-78.00310"))
    assert (road_request.channel, road_request.language) == ("web", "qu")
    assert (road_request.status, road_request.moderation) == (RoadRequest.Status.RECEIVED, Moderation.PENDING)
    assert road_request.email_hash and road_request.phone_hash and road_request.ip_hash
    assert road_request.consent_at is not None and not road_request.photo
    assert "127.0.0.1" not in str(RoadRequest.objects.values().get())

    page = csrf_client.get(response["Location"])
    assert road_request.tracking_code in page.text
    assert f"/qu/vias/seguimiento/?codigo={road_request.tracking_code}" in page.text
    assert "rosa@example.org" not in page.text and "Rosa" not in page.text


def test_the_tracking_code_is_e_mailed_once_in_the_senders_language(
    csrf_client, puyo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(csrf_client, "es", valid(puyo, email="rosa@example.org"))

    road_request = RoadRequest.objects.get()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rosa@example.org"]
    assert road_request.tracking_code in mail.outbox[0].subject
    assert f"/es/vias/seguimiento/?codigo={road_request.tracking_code}" in mail.outbox[0].body
    assert road_request.tracking_code in mail.outbox[0].body
    assert send_request_confirmation_task.delay(road_request.pk).get() is False
    assert send_pending_request_confirmations_task.delay().get() == 0
    assert len(mail.outbox) == 1


def test_no_e_mail_is_sent_without_an_address(csrf_client, puyo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(csrf_client, "es", valid(puyo))

    assert RoadRequest.objects.get().confirmation_sent_at is None
    assert mail.outbox == []


def test_the_photo_is_stored_re_encoded_without_its_exif_and_gps(csrf_client, puyo):
    original = photo_with_gps(size=(64, 48))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the phone's position is in the upload

    response = post(csrf_client, "es", valid(puyo), photo=upload(original))

    road_request = RoadRequest.objects.get()
    assert response.status_code == 302
    with road_request.photo.open("rb") as stored_file:
        stored = stored_file.read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert b"Exif" not in stored and b"PhoneMaker" not in stored and b"xmpmeta" not in stored
    assert b"casa de la familia" not in stored
    assert image.size == (48, 64)  # turned upright as the phone meant it, before the orientation tag went
    assert road_request.photo_content_type == "image/jpeg"
    assert road_request.photo.name.startswith("road-requests/") and road_request.photo.name.endswith(".jpg")
    assert not road_request.photo_public


def test_a_png_or_webp_photo_is_kept_in_its_own_format(csrf_client, puyo):
    post(csrf_client, "es", valid(puyo), photo=upload(photo_with_gps(fmt="PNG"), "mapa.png", "image/png"))

    road_request = RoadRequest.objects.get()
    assert road_request.photo_content_type == "image/png" and road_request.photo.name.endswith(".png")


NOT_PHOTO = "The photo must be a JPEG, PNG or WebP image."


@pytest.mark.parametrize(
    ("content", "name", "content_type", "message"),
    [
        pytest.param(HTML_PAGE, "foto.jpg", "image/jpeg", NOT_PHOTO, id="web-page-named-jpg"),
        pytest.param(SVG_WITH_SCRIPT, "foto.svg", "image/svg+xml", NOT_PHOTO, id="svg"),
        pytest.param(pdf_bytes(), "foto.pdf", "application/pdf", NOT_PHOTO, id="pdf"),
        pytest.param(b"MZ\x90\x00" * 64, "foto.jpg", "image/jpeg", NOT_PHOTO, id="program"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 64, "foto.jpg", "image/jpeg", BAD_IMAGE, id="damaged"),
        pytest.param(png_declaring(60000, 60000), "foto.png", "image/png", TOO_MANY_PIXELS, id="pixel-bomb"),
    ],
)
def test_anything_but_a_photo_is_refused_next_to_the_field_and_nothing_is_stored(
    csrf_client, puyo, content, name, content_type, message
):
    response = post(csrf_client, "es", valid(puyo), photo=upload(content, name, content_type))

    assert response.status_code == 200
    assert RoadRequest.objects.count() == 0
    assert 'id="id_photo_error"' in response.text
    assert said(message).split("%(")[0] in response.text
    assert 'href="#id_photo"' in response.text


def test_a_photo_over_the_limit_is_refused_saying_the_limit(csrf_client, puyo, settings):
    settings.ROAD_REQUEST_PHOTO_MAX_BYTES = 1024 * 1024
    big = photo_with_gps() + b"\x00" * (1024 * 1024)

    response = post(csrf_client, "es", valid(puyo), photo=upload(big))

    assert RoadRequest.objects.count() == 0
    too_large = "The photo is too large (%(size)s MB); the limit is %(limit)s MB. Send a smaller one."
    assert said(too_large, size="1.0", limit="1.0") in response.text


@pytest.mark.parametrize(("sent", "extra", "stored"), HOSTILE)
def test_hostile_text_is_stored_as_plain_text_or_refused(csrf_client, puyo, sent, extra, stored):
    response = post(csrf_client, "es", {**valid(puyo, description=sent), **extra})

    if stored is None:
        assert response.status_code == 200
        assert RoadRequest.objects.count() == 0
    else:
        assert response.status_code == 302
        assert RoadRequest.objects.get().description == stored


def test_html_in_every_text_field_is_shown_escaped_on_the_public_page(csrf_client, client, puyo):
    script = "<script>alert(1)</script>"
    post(csrf_client, "es", valid(puyo, description=script, community=script, road_name=script))
    RoadRequest.objects.update(moderation=Moderation.APPROVED)
    code = RoadRequest.objects.get().tracking_code

    for url in ("/es/vias/solicitudes/", f"/es/vias/solicitudes/{code}/", f"/es/vias/seguimiento/?codigo={code}"):
        text = client.get(url).text
        assert "<script" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, url


OUTSIDE = (
    "This position is outside the province of Pastaza. Check the numbers (the latitude comes first, and both are "
    "negative), or leave them empty."
)
NOT_LATITUDE = "Write the latitude in decimal degrees, like -1.49270, or leave it empty."
NOT_LONGITUDE = "Write the longitude in decimal degrees, like -78.00310, or leave it empty."
ONLY_ONE = "Give both the latitude and the longitude, or neither."
NOT_PARISH = "Choose one of the listed parishes."


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param({"parish": "169999"}, "parish", NOT_PARISH, id="unknown-parish"),
        pytest.param({"parish": "<script>"}, "parish", NOT_PARISH, id="hostile-parish"),
        pytest.param({"parish": ""}, "parish", "Choose the parish where the problem is.", id="no-parish"),
        pytest.param({"kind": "bomb"}, "kind", "Choose what the problem is (or “Other”).", id="unknown-kind"),
        pytest.param({"work": "VIA-NOPE"}, "work", "Choose one of the listed road works, or none.", id="unknown-work"),
        pytest.param({"latitude": "-1.49"}, "longitude", ONLY_ONE, id="lat-without-lon"),
        pytest.param({"longitude": "-78.0"}, "latitude", ONLY_ONE, id="lon-without-lat"),
        pytest.param({"latitude": "-0.2295", "longitude": "-78.5243"}, "latitude", OUTSIDE, id="quito"),
        pytest.param({"latitude": "-78.0", "longitude": "-1.49"}, "latitude", OUTSIDE, id="swapped"),
        pytest.param({"latitude": "1.49", "longitude": "78.0"}, "latitude", OUTSIDE, id="positive-numbers"),
        pytest.param({"latitude": "abc", "longitude": "-78.0"}, "latitude", NOT_LATITUDE, id="not-a-number"),
        pytest.param({"latitude": "NaN", "longitude": "-78.0"}, "latitude", NOT_LATITUDE, id="nan"),
        pytest.param({"latitude": "-1e999", "longitude": "-78.0"}, "latitude", NOT_LATITUDE, id="huge"),
        pytest.param({"latitude": "-1.49", "longitude": "x" * 5000}, "longitude", NOT_LONGITUDE, id="long"),
        pytest.param(
            {"email": "not an address"},
            "email",
            "Enter an e-mail address like name@example.com, or leave it empty.",
            id="bad-email",
        ),
        pytest.param(
            {"phone": "<b>call</b>"},
            "phone",
            "Enter a phone number with digits only, like 099 123 4567, or leave it empty.",
            id="bad-phone",
        ),
        pytest.param({"consent": ""}, "consent", "To send it, accept the privacy notice (tick the box).", id="consent"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_stored(csrf_client, puyo, overrides, field, message):
    RoadWorkFactory(code="VIA-2025-001")

    response = post(csrf_client, "es", valid(puyo, **overrides))

    assert response.status_code == 200
    assert RoadRequest.objects.count() == 0
    assert f'id="id_{field}_error"' in response.text
    assert said(message) in response.text


def test_a_place_too_long_is_refused_saying_the_limit(csrf_client, puyo):
    response = post(csrf_client, "es", valid(puyo, community="x" * 201))

    too_long = "Write at most %(limit_value)s characters (you wrote %(show_value)s)."
    assert RoadRequest.objects.count() == 0
    assert said(too_long, limit_value=200, show_value=201) in response.text


def test_missing_fields_are_shown_next_to_each_field_and_in_a_summary_with_links(csrf_client, puyo):
    response = post(csrf_client, "es", {})

    text = response.text
    assert RoadRequest.objects.count() == 0
    assert text.index('class="error-summary"') < text.index('id="form-start"')
    for target in ("id_kind_0", "id_parish", "id_description", "id_consent"):
        assert f'href="#{target}"' in text
    assert "<title>Error: " in text


def test_a_reload_or_a_double_click_stores_one_request_and_shows_the_same_confirmation(csrf_client, puyo):
    page = csrf_client.get(URL.format(lang="es"))
    data = {**hidden_values(page.text), **valid(puyo)}

    first = csrf_client.post(URL.format(lang="es"), data)
    second = csrf_client.post(URL.format(lang="es"), data)

    assert RoadRequest.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_two_sends_of_one_form_at_the_same_instant_store_one_request(puyo):
    sender = Sender(name="Rosa")
    arguments = {"kind": "landslide", "parish": puyo, "description": "Derrumbe", "sender": sender, "token": "t" * 32}

    first, created_first = request_submit(**arguments)
    second, created_second = request_submit(**arguments)

    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk and RoadRequest.objects.count() == 1


def test_the_honeypot_refuses_the_form_and_stores_nothing(csrf_client, puyo):
    response = post(csrf_client, "es", valid(puyo, hp_check="http://spam.example"))

    assert response.status_code == 200
    assert RoadRequest.objects.count() == 0
    assert 'href="#form-start"' in response.text


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_too_many_attempts_get_a_429_page_in_the_visitors_language(csrf_client, puyo, settings, lang):
    settings.PARTICIPATION_RATE_LIMITS = {**settings.PARTICIPATION_RATE_LIMITS, "road_request": (2, 10)}
    page = csrf_client.get(URL.format(lang=lang))
    hidden = hidden_values(page.text)

    statuses = [csrf_client.post(URL.format(lang=lang), {**hidden, "description": ""}).status_code for _ in range(2)]
    limited = csrf_client.post(URL.format(lang=lang), {**hidden, **valid(puyo)})

    assert statuses == [200, 200]
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 600
    assert f'<html lang="{lang}"' in limited.text
    assert RoadRequest.objects.count() == 0


def test_the_confirmation_page_exists_only_for_real_codes(client, puyo):
    for code in ("VP-2222-22", "nope", "%3Cscript%3E"):
        assert client.get(f"/es/vias/reportar/enviado/{code}/").status_code == 404


def test_the_sweep_sends_the_confirmations_the_broker_missed_and_nothing_twice(puyo):
    missed, _created = request_submit(
        kind="pothole", parish=puyo, description="Bache", sender=Sender(email="kuri@example.org"), token="m" * 32
    )
    RoadRequest.objects.filter(pk=missed.pk).update(created_at=timezone.now() - timedelta(hours=1))

    first = send_pending_request_confirmations_task.delay().get()
    second = send_pending_request_confirmations_task.delay().get()

    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [["kuri@example.org"]]
