"""Open311 GeoReport v2, read-only (roads.open311, /open311/v2/...): discovery, services, service definitions and
the public road requests in JSON and XML, the spec's filters and errors, paging, and never anything personal."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from roads.models import RoadRequest, RoadRequestChange
from tests.factories import CantonFactory, DepartmentFactory
from tests.roads.factories import ParishFactory, RoadRequestFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

PASTAZA = ZoneInfo("America/Guayaquil")
# Every test runs on this day, so that the spec's default window (the last 90 days) is known.
TODAY = date(2025, 7, 1)
FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
# A sender's personal data, which no answer may hold.
NAME, EMAIL, PHONE = "Rosalía Gualinga", "rosalia.gualinga@example.org", "0991234567"


@pytest.fixture(autouse=True)
def pastaza_today():
    with time_machine.travel(datetime(2025, 7, 1, 10, 0, tzinfo=PASTAZA), tick=False):
        yield


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def place():
    canton = CantonFactory(code="1601", slug="pastaza", name_es="Pastaza", seat="Puyo")
    return ParishFactory(code="160163", name_es="Tarqui", canton=canton)


def _request(place, **fields) -> RoadRequest:
    return RoadRequestFactory(parish=place, **fields)


def _json(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def _xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)


# Discovery and services.


def test_discovery_names_the_spec_and_says_the_api_is_read_only(client):
    data = _json(client.get("/open311/v2/discovery.json"))
    root = _xml(client.get("/open311/v2/discovery.xml"))

    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["formats"] == ["application/json", "text/xml"]
    assert "405" in data["key_service"]
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["application/json", "text/xml"]


def test_services_are_the_kinds_of_road_problem(client):
    data = _json(client.get("/open311/v2/services.json"))
    root = _xml(client.get("/open311/v2/services.xml"))

    assert [s["service_code"] for s in data] == RoadRequest.Kind.values
    pothole = data[0]
    assert set(pothole) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert (pothole["metadata"], pothole["type"], pothole["group"]) == (False, "realtime", "vías")
    assert pothole["service_name"] == str(RoadRequest.Kind.POTHOLE.label)
    assert "bache" in pothole["keywords"]
    assert root.tag == "services"
    first = root.find("service")
    assert [child.tag for child in first] == list(pothole)
    assert first.findtext("metadata") == "false"


def test_services_speak_kichwa_when_asked(client):
    by_param = _json(client.get("/open311/v2/services.json?lang=qu"))
    by_header = _json(client.get("/open311/v2/services.json", HTTP_ACCEPT_LANGUAGE="qu"))
    response = client.get("/open311/v2/services.json?lang=qu")

    assert by_param == by_header
    assert by_param[0]["group"] == "ñankuna"
    assert response["Content-Language"] == "qu"


def test_a_service_definition_has_no_attributes_and_an_unknown_one_is_the_spec_404(client):
    data = _json(client.get("/open311/v2/services/pothole.json"))
    root = _xml(client.get("/open311/v2/services/pothole.xml"))
    missing = client.get("/open311/v2/services/volcano.json")
    missing_xml = client.get("/open311/v2/services/volcano.xml")

    assert data == {"service_code": "pothole", "attributes": []}
    assert root.tag == "service_definition" and root.findtext("service_code") == "pothole"
    assert root.find("attributes") is not None and len(root.find("attributes")) == 0
    assert missing.status_code == 404
    assert _json(missing)[0]["code"] == 404 and "volcano" in _json(missing)[0]["description"]
    errors = _xml(missing_xml)
    assert missing_xml.status_code == 404
    assert errors.tag == "errors" and errors.findtext("error/code") == "404"


# Requests: the fields.


@pytest.fixture
def full_request(place):
    """A public request with everything the spec can show: a point, a cleared photo, a public note naming its
    sender, and the published work that answers it."""
    department = DepartmentFactory(name_es="Dirección de Obras Públicas")
    work = RoadWorkFactory(code="VIA-2025-007", name_es="Lastrado de la vía Tarqui", institution=department)
    road_request = _request(
        place,
        kind=RoadRequest.Kind.LANDSLIDE,
        community="San Jacinto",
        description=f"Soy {NAME}: el derrumbe tapó la vía.",
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        ip_hash="f" * 64,
        latitude=Decimal("-1.51234"),
        longitude=Decimal("-77.98765"),
        photo="road-requests/2025/06/x.jpg",
        photo_content_type="image/jpeg",
        photo_sha256="ab" * 32,
        photo_public=True,
        received_on=date(2025, 6, 2),
        status=RoadRequest.Status.SCHEDULED,
        answered_by_work=work,
        status_changed_at=datetime(2025, 6, 5, 9, 30, tzinfo=PASTAZA),
    )
    RoadRequestChange.objects.create(
        request=road_request, status="received", changed_at=datetime(2025, 6, 2, 8, 0, tzinfo=PASTAZA)
    )
    RoadRequestChange.objects.create(
        request=road_request,
        status="scheduled",
        note_es=f"Estimada {NAME}: la maquinaria llega el lunes.",
        note_qu="Killa puncha makinakuna chayanka.",
        changed_at=datetime(2025, 6, 5, 9, 30, tzinfo=PASTAZA),
    )
    return road_request


def test_a_request_has_every_field_of_the_spec(client, full_request):
    rows = _json(client.get("/open311/v2/requests.json"))

    assert len(rows) == 1
    row = rows[0]
    assert list(row) == FIELDS
    code = full_request.tracking_code
    assert row["service_request_id"] == code
    assert row["status"] == "open"
    assert row["status_notes"] == "La maquinaria llega el lunes."
    assert (row["service_code"], row["service_name"]) == ("landslide", str(RoadRequest.Kind.LANDSLIDE.label))
    assert row["description"] == "Soy […]: el derrumbe tapó la vía."
    assert row["agency_responsible"] == "Dirección de Obras Públicas"
    assert row["service_notice"] == "Atendida por la obra vial VIA-2025-007 (Lastrado de la vía Tarqui)."
    assert row["requested_datetime"] == "2025-06-02T00:00:00-05:00"
    assert row["updated_datetime"] == "2025-06-05T09:30:00-05:00"
    assert row["expected_datetime"] is None
    assert row["address"] == "San Jacinto, Tarqui, Pastaza"
    assert (row["address_id"], row["zipcode"]) == (None, None)
    assert (row["lat"], row["long"]) == (-1.51234, -77.98765)
    assert row["media_url"].endswith(f"/es/vias/solicitudes/{code}/foto/{'ab' * 8}/")


def test_a_request_without_point_photo_or_note_leaves_them_null(client, place):
    _request(place, photo="road-requests/y.jpg", photo_sha256="c" * 64, photo_public=False)

    row = _json(client.get("/open311/v2/requests.json"))[0]

    assert (row["lat"], row["long"], row["media_url"], row["status_notes"], row["service_notice"]) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert row["agency_responsible"] == "Gobierno Autónomo Descentralizado Provincial de Pastaza"


@pytest.mark.parametrize("status", RoadRequest.CLOSED_STATUSES)
def test_fixed_closed_and_not_provincial_requests_are_closed(client, place, status):
    _request(place, status=status, fixed_on=date(2025, 6, 20) if status == "fixed" else None)

    assert _json(client.get("/open311/v2/requests.json"))[0]["status"] == "closed"


def test_the_xml_is_the_spec_shape_with_the_same_values(client, full_request):
    row = _json(client.get("/open311/v2/requests.json"))[0]
    root = _xml(client.get("/open311/v2/requests.xml"))

    assert root.tag == "service_requests"
    element = root.find("request")
    assert [child.tag for child in element] == FIELDS
    assert element.findtext("service_request_id") == row["service_request_id"]
    assert element.findtext("description") == row["description"]
    assert element.findtext("lat") == "-1.51234"
    assert element.findtext("expected_datetime") == ""


def test_xml_escapes_markup_and_drops_what_xml_cannot_hold(client, place):
    _request(place, description='<b>Hueco</b> & "peligro"\x0b ]]> fin')

    root = _xml(client.get("/open311/v2/requests.xml"))

    assert root.findtext("request/description") == '<b>Hueco</b> & "peligro" ]]> fin'


def test_notes_and_names_follow_the_language_asked(client, full_request):
    row = _json(client.get("/open311/v2/requests.json?lang=qu"))[0]

    assert row["status_notes"] == "Killa puncha makinakuna chayanka."


def test_one_request_is_a_list_of_one_and_an_unknown_one_the_spec_404(client, full_request):
    code = full_request.tracking_code
    one = _json(client.get(f"/open311/v2/requests/{code}.json"))
    typed = _json(client.get(f"/open311/v2/requests/{code.lower().replace('-', ' ')}.json"))
    xml_one = _xml(client.get(f"/open311/v2/requests/{code}.xml"))
    missing = client.get("/open311/v2/requests/VP-AAAA-AA.json")
    garbage = client.get("/open311/v2/requests/%3Cscript%3E.xml")

    assert [row["service_request_id"] for row in one] == [code]
    assert typed == one
    assert [element.tag for element in xml_one] == ["request"]
    assert missing.status_code == 404 and _json(missing)[0]["code"] == 404
    assert garbage.status_code == 404 and _xml(garbage).findtext("error/code") == "404"


# Requests: only the public ones, never anything personal.


@pytest.mark.parametrize("moderation", ["pending", "rejected", "hidden"])
def test_requests_not_approved_never_appear(client, place, moderation):
    hidden = _request(place, moderation=moderation)
    shown = _request(place)

    listed = _json(client.get("/open311/v2/requests.json"))
    by_id = _json(client.get(f"/open311/v2/requests.json?service_request_id={hidden.tracking_code}"))
    alone = client.get(f"/open311/v2/requests/{hidden.tracking_code}.json")

    assert [row["service_request_id"] for row in listed] == [shown.tracking_code]
    assert by_id == []
    assert alone.status_code == 404


def test_no_answer_holds_the_senders_personal_data(client, full_request):
    code = full_request.tracking_code
    bodies = b"".join(
        client.get(address).content
        for address in (
            "/open311/v2/requests.json",
            "/open311/v2/requests.xml",
            f"/open311/v2/requests/{code}.json",
            f"/open311/v2/requests/{code}.xml",
            "/open311/v2/requests.json?lang=qu",
        )
    )

    for private in (NAME, "Rosalía", "Gualinga", EMAIL, PHONE, "f" * 64, "road-requests/2025/06/x.jpg"):
        assert private.encode() not in bodies
    assert b"Rosal\\u00eda" not in bodies


# Filters.


@pytest.fixture
def several(place):
    return {
        "pothole_open": _request(place, kind="pothole", received_on=date(2025, 6, 10)),
        "pothole_fixed": _request(place, kind="pothole", status="fixed", fixed_on=date(2025, 6, 20)),
        "bridge_open": _request(place, kind="bridge", received_on=date(2025, 5, 1)),
        "old": _request(place, kind="bridge", received_on=date(2025, 3, 1)),
    }


def _ids(client, query: str) -> set[str]:
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 200, response.content
    return {row["service_request_id"] for row in json.loads(response.content)}


def _codes(several, *names) -> set[str]:
    return {several[name].tracking_code for name in names}


def test_by_default_the_last_90_days(client, several):
    assert _ids(client, "") == _codes(several, "pothole_open", "pothole_fixed", "bridge_open")


def test_filter_by_service_code_and_status(client, several):
    assert _ids(client, "service_code=pothole") == _codes(several, "pothole_open", "pothole_fixed")
    assert _ids(client, "service_code=bridge,pothole&status=open") == _codes(several, "pothole_open", "bridge_open")
    assert _ids(client, "status=closed") == _codes(several, "pothole_fixed")
    assert _ids(client, "status=open,closed") == _codes(several, "pothole_open", "pothole_fixed", "bridge_open")


def test_filter_by_dates(client, several):
    assert _ids(client, "start_date=2025-02-15T00:00:00-05:00&end_date=2025-05-01T00:00:00-05:00") == _codes(
        several, "old", "bridge_open"
    )
    # The received day starts at midnight: a start later that day leaves it out.
    assert _ids(client, "start_date=2025-05-01T08:00:00-05:00&end_date=2025-06-05") == _codes(several, "pothole_fixed")
    # A start alone is a 90-day window from it; UTC and dates alone are understood.
    assert _ids(client, "start_date=2025-02-20T05:00:00Z") == _codes(several, "old", "bridge_open")
    # An end alone is the 90 days before it.
    assert _ids(client, "end_date=2025-05-20") == _codes(several, "old", "bridge_open")
    assert _ids(client, "end_date=2025-05-31") == _codes(several, "bridge_open")


def test_service_request_ids_override_every_other_filter(client, several):
    codes = [several["old"].tracking_code, several["pothole_open"].tracking_code, "VP-ZZZZ-ZZ", "nonsense"]

    assert _ids(client, f"service_request_id={','.join(codes)}&service_code=signage&status=closed") == _codes(
        several, "old", "pothole_open"
    )


@pytest.mark.parametrize(
    "query",
    [
        "start_date=yesterday",
        "start_date=2025-13-45T00:00:00",
        "end_date=2025-02-30",
        "start_date=0001-01-01T00:00:00%2B14:00",
        "end_date=9999-12-31T23:59:59-12:00",
        "start_date=" + "2" * 100,
        "start_date=2025-06-01&end_date=2025-05-01",
        "start_date=2025-01-01&end_date=2025-06-01",
        "status=pending",
        "service_code=volcano",
        "page=0",
        "page=abc",
        "page=-1",
        "page=99999999999999999999",
        "page_size=201",
        "page_size=1.5",
        "lang=fr",
        "service_request_id=" + ",".join(["VP-AAAA-AA"] * 201),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_bad_parameter_is_a_400_error_list_never_a_500(client, several, query, fmt):
    response = client.get(f"/open311/v2/requests.{fmt}?{query}")

    assert response.status_code == 400
    if fmt == "json":
        [error] = _json(response)
        assert error["code"] == 400 and error["description"]
    else:
        root = _xml(response)
        assert root.tag == "errors" and root.findtext("error/code") == "400" and root.findtext("error/description")


def test_an_error_names_the_parameter_in_the_language_asked(client, several):
    spanish = _json(client.get("/open311/v2/requests.json?page_size=500"))[0]["description"]
    kichwa = _json(client.get("/open311/v2/requests.json?page_size=500&lang=qu"))[0]["description"]

    assert "page_size" in spanish and "200" in spanish
    assert "page_size" in kichwa and kichwa != spanish


# Paging.


def test_pages_are_stable_and_linked(client, place):
    made = [_request(place, received_on=date(2025, 6, 1) + timedelta(days=n // 2)) for n in range(5)]

    first = client.get("/open311/v2/requests.json?page_size=2&service_code=pothole")
    second = client.get("/open311/v2/requests.json?page_size=2&service_code=pothole&page=2")
    third = client.get("/open311/v2/requests.json?page_size=2&service_code=pothole&page=3")
    beyond = client.get("/open311/v2/requests.json?page_size=2&page=9")

    pages = [[row["service_request_id"] for row in json.loads(r.content)] for r in (first, second, third)]
    expected = [r.tracking_code for r in sorted(made, key=lambda r: (r.received_on, r.pk), reverse=True)]
    assert sum(pages, []) == expected
    assert 'rel="next"' in first["Link"] and "page=2" in first["Link"] and "service_code=pothole" in first["Link"]
    assert 'rel="prev"' in second["Link"] and 'rel="next"' in second["Link"]
    assert 'rel="next"' not in third["Link"]
    assert json.loads(beyond.content) == []


def test_fifty_by_default(client, place):
    for _n in range(52):
        _request(place)

    assert len(_json(client.get("/open311/v2/requests.json"))) == 50
    assert len(_json(client.get("/open311/v2/requests.json?page=2"))) == 2


# A read-only API that any site may read, in a bounded number of queries.


@pytest.mark.parametrize("address", ["requests.json", "requests.xml", "discovery.json", "services/pothole.xml"])
def test_post_is_refused_with_the_spec_405(address):
    # As a client elsewhere would send it: without the portal's CSRF token.
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"/open311/v2/{address}", {"service_code": "pothole", "description": "x"})

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    body = _json(response) if address.endswith(".json") else None
    if body is not None:
        assert body[0]["code"] == 405
    else:
        assert _xml(response).findtext("error/code") == "405"
    assert RoadRequest.objects.count() == 0


@pytest.mark.parametrize(
    "address", ["discovery.json", "services.xml", "services/bridge.json", "requests.json", "requests.json?page=0"]
)
def test_any_site_may_read_it(client, address):
    assert client.get(f"/open311/v2/{address}")["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_requests_take_the_same_queries_for_3_or_30(client, place, django_assert_max_num_queries, fmt):
    work = RoadWorkFactory()
    for count in (3, 30):
        RoadRequest.objects.all().delete()
        for _n in range(count):
            road_request = _request(place, answered_by_work=work, received_on=timezone.localdate())
            RoadRequestChange.objects.create(request=road_request, status="received", note_es="Recibida.")
        with django_assert_max_num_queries(2):
            response = client.get(f"/open311/v2/requests.{fmt}")
        assert response.status_code == 200


def test_answers_are_cached_apart_per_language_and_filter(client, place, settings, django_assert_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    _request(place, kind="pothole")
    _request(place, kind="bridge")
    addresses = [
        "/open311/v2/requests.json",
        "/open311/v2/requests.json?service_code=bridge",
        "/open311/v2/requests.json?lang=qu",
        "/open311/v2/services.json",
        "/open311/v2/services.json?lang=qu",
    ]
    first = [client.get(address).content for address in addresses]

    with django_assert_num_queries(0):
        again = [client.get(address).content for address in addresses]

    assert again == first
    assert len(json.loads(first[0])) == 2 and len(json.loads(first[1])) == 1
    assert first[3] != first[4]


def test_head_answers_like_get_without_a_body(client, place):
    _request(place)

    response = client.head("/open311/v2/requests.json")

    assert response.status_code == 200 and response.content == b""
    assert response["Content-Type"] == "application/json; charset=utf-8"
