"""The public API /api/v1/ (opendata.api): published records only, never a person, filters checked (400 for what
it cannot read), stable pages, the language asked for, conditional requests, CORS, the rate limit, and a bounded
number of queries whatever the number of rows."""

from __future__ import annotations

import gzip
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from commitments.models import (
    Axis,
    Evidence,
    Indicator,
    IndicatorValue,
    IndicatorVerification,
    IrmLevel,
    MilestoneProgress,
)
from conecta.cache import bump_generation
from reports.models import Report, ReportFile
from roads.models import RoadRequest, RoadRequestChange
from roads.services import road_progress_refresh
from tests.factories import (
    CantonFactory,
    CommitmentFactory,
    MilestoneFactory,
    OgpValueFactory,
    ProgressUpdateFactory,
    UserFactory,
)
from tests.feedback.factories import AnsweredSuggestionFactory
from tests.meetings.factories import AgreementFactory, MeetingFactory, attendance
from tests.roads.factories import ParishFactory, RoadProgressFactory, RoadRequestFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/"
# The most queries any answer takes (a commitment with its milestones, evidence, history, updates and indicators).
QUERIES_MAX = 14
# What must never come out of the API: the senders of a road request and of a suggestion, and staff.
NAME, EMAIL, PHONE = "Rosalía Gualinga", "rosalia.gualinga@example.org", "0991234567"
SUGGESTER, SUGGESTER_EMAIL, SUGGESTER_PHONE = "Kuri Santi", "kuri.santi@example.org", "0987654321"
STAFF_NAME, STAFF_EMAIL = "Ingeniera Viteri", "ingeniera.viteri@pastaza.gob.ec"
PERSONAL = (NAME, "Gualinga", EMAIL, PHONE, "099 123 4567", SUGGESTER, SUGGESTER_EMAIL, SUGGESTER_PHONE)
STAFF = (STAFF_NAME, STAFF_EMAIL, "ingeniera-viteri")

LISTS = (
    "plans/",
    "commitments/",
    "milestones/",
    "updates/",
    "indicators/",
    "institutions/",
    "cantons/",
    "parishes/",
    "reports/",
    "meetings/",
    "agreements/",
    "road-works/",
    "road-requests/",
)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with no rate-limit counters."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client():
    return Client()


def build_open_data(plan, gad, department, *, rows: int = 1, singles: bool = True) -> dict:
    """`rows` of everything the API lists, published, with the personal data of senders and staff where the
    models keep them; and (`singles`) one of each that is not public (unpublished, a draft, not approved), a
    published report and an answered suggestion."""
    staff = UserFactory(username="ingeniera-viteri", email=STAFF_EMAIL, first_name="Ingeniera", last_name="Viteri")
    canton = CantonFactory(code="1601", slug="pastaza", name_es="Pastaza", seat="Puyo")
    parish = ParishFactory(code="160150", name_es="Puyo", canton=canton)
    value = OgpValueFactory(code="transparencia", name_es="Transparencia")
    made: dict = {"canton": canton, "parish": parish, "commitments": [], "works": []}
    for n in range(rows):
        commitment = CommitmentFactory(
            # Codes of their own (one set per size): the factory sequence could hold any digit a search looks for.
            code=f"TEST{rows:02d}{n:02d}",
            plan=plan,
            lead_institution=gad,
            lead_department=department,
            title_es=f"Compromiso abierto {n}",
            title_qu=f"Paskashka ari nishka rurana {n}" if n % 2 == 0 else "",
            axis=Axis.BIOPHYSICAL if n % 2 == 0 else Axis.ECONOMIC_PRODUCTIVE,
        )
        commitment.cantons.add(canton)
        commitment.ogp_values.add(value)
        milestone = MilestoneFactory(commitment=commitment, order=1, title_es=f"Hito {n}", progress=40)
        MilestoneProgress.objects.filter(milestone=milestone).update(recorded_by=staff, recorded_by_name=STAFF_NAME)
        MilestoneFactory(commitment=commitment, order=2, title_es="Hito oculto", is_published=False)
        Evidence.objects.create(milestone=milestone, title_es="Acta del taller", url="https://example.org/acta.pdf")
        ProgressUpdateFactory(commitment=commitment, milestone=milestone, title_es=f"Avance {n}", author=staff)
        ProgressUpdateFactory(commitment=commitment, title_es="Avance oculto", is_published=False)
        indicator = Indicator.objects.create(
            commitment=commitment,
            order=1,
            name_es="Plantas sembradas",
            unit_es="plantas",
            baseline_value=Decimal("0"),
            baseline_on=date(2025, 1, 1),
            target_value=Decimal("1000"),
            target_on=date(2027, 1, 1),
            is_published=True,
        )
        measured = IndicatorValue.objects.create(
            indicator=indicator, observed_on=date(2025, 6, 1), value=Decimal("120"), is_published=True
        )
        IndicatorVerification.objects.create(value=measured, status="verified", note="Revisado", checked_by=staff)
        IndicatorValue.objects.create(
            indicator=indicator, observed_on=date(2025, 7, 1), value=Decimal("999"), is_published=False
        )
        meeting = MeetingFactory(plan=plan, canton=canton, title_es=f"Comité {n}")
        attendance(meeting, men=3, women=2)
        AgreementFactory(meeting=meeting, commitment=commitment, text_es=f"Acuerdo {n}")
        work = RoadWorkFactory(commitment=commitment, institution=department, name_es=f"Vía abierta {n}")
        work.cantons.add(canton)
        work.parishes.add(parish)
        RoadProgressFactory(work=work, recorded_by=staff, note_es="Avance de la capa de lastre")
        road_request = RoadRequestFactory(
            parish=parish,
            name=NAME,
            email=EMAIL,
            phone=PHONE,
            description=f"Soy {NAME}, llámenme al 099 123 4567: hay un bache {n}.",
            work=work,
        )
        RoadRequestChange.objects.create(
            request=road_request, status=RoadRequest.Status.SCHEDULED, note_es=f"Estimada {NAME}: ya está programado."
        )
        made["commitments"].append(commitment)
        made["works"].append(work)
    road_progress_refresh()
    if singles:
        _singles(plan, parish, staff)
    return made


def _singles(plan, parish, staff) -> None:
    hidden = CommitmentFactory(plan=plan, code="HIDE0001", title_es="Compromiso oculto", is_published=False)
    MilestoneFactory(commitment=hidden, title_es="Hito de compromiso oculto")
    MeetingFactory(plan=plan, title_es="Reunión oculta", is_published=False)
    RoadWorkFactory(code="VIA-OCULTA", name_es="Vía oculta", is_published=False)
    RoadRequestFactory(parish=parish, moderation="pending", description="Solicitud sin moderar", name=NAME)
    published = Report.objects.create(
        plan=plan,
        kind=Report.Kind.QUARTERLY,
        period="2025-Q3",
        period_starts_on=date(2025, 7, 1),
        period_ends_on=date(2025, 9, 30),
        slug="2025-t3",
        summary_es="Resumen del trimestre",
        status=Report.Status.PUBLISHED,
        published_at=timezone.now(),
        published_by=staff,
    )
    ReportFile.objects.create(
        report=published,
        language="es",
        file="plan/2025-t3/informe.pdf",
        size=12345,
        pages=4,
        sha256="a" * 64,
        rendered_at=timezone.now(),
    )
    Report.objects.create(
        plan=plan,
        kind=Report.Kind.QUARTERLY,
        period="2025-Q4",
        period_starts_on=date(2025, 10, 1),
        period_ends_on=date(2025, 12, 31),
        slug="2025-t4",
        summary_es="Borrador oculto",
    )
    AnsweredSuggestionFactory(name=SUGGESTER, email=SUGGESTER_EMAIL, phone=SUGGESTER_PHONE, text="Más vías")


@pytest.fixture
def data(plan, gad, department):
    return build_open_data(plan, gad, department)


def get(client, path, **headers):
    return client.get(API + path, **headers)


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


# Published only, never a person.


def test_every_list_answers_published_records_only(client, data):
    bodies = {path: get(client, path).content.decode() for path in LISTS}
    everything = "\n".join(bodies.values())
    for hidden in (
        "HIDE0001",
        "Compromiso oculto",
        "Hito oculto",
        "Avance oculto",
        "Reunión oculta",
        "VIA-OCULTA",
        "Vía oculta",
        "Solicitud sin moderar",
        "Borrador oculto",
        "2025-t4",
        '"999.00"',
    ):
        assert hidden not in everything, hidden
    assert "TEST0" in bodies["commitments/"]
    assert "Hito 0" in bodies["milestones/"]
    assert "Avance 0" in bodies["updates/"]
    assert "Plantas sembradas" in bodies["indicators/"]
    assert "2025-t3" in bodies["reports/"]
    assert "Comité 0" in bodies["meetings/"]
    assert "Acuerdo 0" in bodies["agreements/"]
    assert "Vía abierta 0" in bodies["road-works/"]
    assert len(results(get(client, "road-requests/"))) == 1


def test_no_answer_holds_personal_data(client, data):
    works = [work.code for work in data["works"]]
    commitments = [commitment.code for commitment in data["commitments"]]
    paths = [*LISTS, *(f"road-works/{code}/" for code in works), *(f"commitments/{code}/" for code in commitments)]
    for path in paths:
        for lang in ("es", "qu"):
            body = get(client, f"{path}?lang={lang}").content.decode()
            for secret in (*PERSONAL, *STAFF):
                assert secret not in body, (path, secret)
    road_request = results(get(client, "road-requests/"))[0]
    assert road_request["history"][0]["note"] == "Ya está programado."
    assert not {"name", "email", "phone", "description", "latitude", "longitude"} & road_request.keys()


def test_a_commitment_comes_with_its_milestones_history_updates_and_indicators(client, data):
    code = data["commitments"][0].code
    body = get(client, f"commitments/{code}/").json()
    assert body["code"] == code
    assert body["url"].endswith(f"/api/v1/commitments/{code}/")
    assert body["web_url"].endswith(f"/es/compromisos/{code}/")
    [milestone] = body["milestones"]
    assert milestone["progress"] == 40
    assert milestone["level"] == IrmLevel.LIMITED
    assert milestone["progress_history"] == [
        {"observed_on": "2025-02-01", "progress": 40, "level": "limited", "is_example": False}
    ]
    assert milestone["evidence"][0]["link"] == "https://example.org/acta.pdf"
    assert [update["title"] for update in body["updates"]] == ["Avance 0"]
    [indicator] = body["indicators"]
    [measured] = indicator["values"]
    assert measured["value"] == "120.00"
    assert measured["verification"]["status"] == "verified"
    assert body["progress"] == 40
    assert body["cantons"] == [{"code": "1601", "slug": "pastaza", "name": "Pastaza"}]


def test_unknown_or_unpublished_records_are_a_json_404(client, data):
    for path in (
        "commitments/HIDE0001/",
        "commitments/NOPE9999/",
        "commitments/%00bad/",
        "road-works/VIA-OCULTA/",
        "plans/no-such-plan/",
        "no-such-list/",
        "commitments/ECPTZ0001/extra/",
    ):
        response = get(client, path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "not_found"


def test_writing_is_refused_with_a_405(client, data):
    response = client.post(API + "commitments/", {"title": "x"})
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert response.json()["code"] == "method_not_allowed"


def test_a_road_work_comes_with_its_progress_and_line(client, data):
    work = data["works"][0]
    body = get(client, f"road-works/{work.code.lower()}/").json()
    assert body["code"] == work.code
    assert body["geometry"] == {"type": "LineString", "coordinates": [[-78.0, -1.49], [-77.95, -1.52]]}
    assert body["progress"] == [
        {
            "observed_on": "2025-06-30",
            "physical_pct": 40,
            "paid_amount": "90000.00",
            "note": "Avance de la capa de lastre",
            "texts_in_spanish": [],
        }
    ]
    assert body["physical_pct"] == 40
    assert body["commitment"] == data["commitments"][0].code
    assert body["parishes"] == [{"code": "160150", "name": "Puyo"}]


def test_a_report_gives_its_files_with_size_and_digest(client, data):
    [report] = results(get(client, "reports/"))
    assert report["slug"] == "2025-t3"
    [pdf] = report["files"]
    assert pdf["size"] == 12345
    assert pdf["sha256"] == "a" * 64
    assert pdf["file_url"].endswith("/informes/2025-t3/conecta-pastaza-informe-2025-T3-es.pdf")
    assert report["data_csv_url"].endswith(".csv")


def test_meetings_count_their_attendance_and_agreements(client, data):
    [meeting] = results(get(client, "meetings/"))
    assert meeting["attendance"]["total"] == 5
    assert [row["category"] for row in meeting["attendance"]["by_gender"]] == ["men", "women"]
    assert meeting["agreements"] == 1
    assert meeting["canton"] == "pastaza"


# Filters.


def test_commitments_are_filtered_as_the_list_page_filters_them(client, plan, gad, department):
    build_open_data(plan, gad, department, rows=4)
    assert len(results(get(client, "commitments/?axis=biophysical"))) == 2
    assert len(results(get(client, "commitments/?axis=economic_productive&level=limited"))) == 2
    assert len(results(get(client, "commitments/?level=complete"))) == 0
    assert len(results(get(client, "commitments/?canton=pastaza"))) == 4
    assert len(results(get(client, "commitments/?canton=arajuno"))) == 0
    assert len(results(get(client, f"commitments/?institution={department.slug}"))) == 4
    assert len(results(get(client, "commitments/?value=transparencia"))) == 4
    assert len(results(get(client, "commitments/?q=abierto%203"))) == 1
    assert len(results(get(client, "commitments/?overdue=true"))) == 4  # their milestones were due in 2025
    assert len(results(get(client, "commitments/?overdue=false"))) == 0
    assert len(results(get(client, "commitments/?plan=no-such-plan"))) == 0


def test_filter_values_the_api_cannot_read_are_a_json_400(client, data):
    for query, name in (
        ("commitments/?axis=roads", "axis"),
        ("commitments/?overdue=maybe", "overdue"),
        ("commitments/?institution=%00", "institution"),
        ("commitments/?q=" + "x" * 201, "q"),
        ("road-works/?parish=12", "parish"),
        ("road-requests/?status=lost", "status"),
        ("agreements/?status=soon", "status"),
        ("cantons/?lang=fr", "lang"),
        ("cantons/?page=0", "page"),
        ("cantons/?page=abc", "page"),
        ("cantons/?page_size=101", "page_size"),
    ):
        response = get(client, query)
        assert response.status_code == 400, query
        body = response.json()
        assert body["code"] == "invalid"
        assert name in body["errors"], query


def test_other_lists_take_their_pages_filters(client, data):
    assert len(results(get(client, "road-works/?status=implementation&canton=pastaza&parish=160150"))) == 1
    assert len(results(get(client, "road-works/?kind=bridge"))) == 0
    assert len(results(get(client, "road-works/?q=abierta"))) == 1
    assert len(results(get(client, "road-requests/?kind=pothole&canton=pastaza"))) == 1
    assert len(results(get(client, "road-requests/?canton=arajuno"))) == 0
    assert len(results(get(client, "agreements/?status=pending"))) == 1
    assert len(results(get(client, "agreements/?commitment=TEST9999"))) == 0
    assert len(results(get(client, "parishes/?canton=pastaza"))) == 1
    assert len(results(get(client, "meetings/?kind=citizen_assembly"))) == 0


# Pages.


def test_pages_are_stable_and_linked(client, plan, gad, department):
    build_open_data(plan, gad, department, rows=5)
    first = get(client, "commitments/?page_size=2").json()
    assert first["count"] == 5
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert third["next"] is None
    codes = [row["code"] for page in (first, second, third) for row in page["results"]]
    assert codes == [c.code for c in plan.commitments.filter(is_published=True).order_by("pk")]
    assert get(client, "commitments/?page_size=2").content == get(client, "commitments/?page_size=2").content
    assert get(client, "commitments/?page=9").status_code == 404


# Languages.


def test_texts_come_in_the_language_asked_for_with_spanish_standing_in(client, plan, gad, department):
    build_open_data(plan, gad, department, rows=2)
    rows = results(get(client, "commitments/?lang=qu"))
    assert rows[0]["title"] == "Paskashka ari nishka rurana 0"
    assert rows[0]["texts_in_spanish"] == []
    assert rows[1]["title"] == "Compromiso abierto 1"
    assert rows[1]["texts_in_spanish"] == ["title"]
    assert rows[0]["axis_label"] != results(get(client, "commitments/?lang=es"))[0]["axis_label"]
    assert results(get(client, "commitments/?lang=es"))[0]["title"] == "Compromiso abierto 0"
    assert results(get(client, "commitments/?lang=es"))[1]["texts_in_spanish"] == []


def test_accept_language_chooses_the_language_and_content_language_says_it(client, data):
    kichwa = get(client, "commitments/", HTTP_ACCEPT_LANGUAGE="qu,es;q=0.8")
    assert kichwa["Content-Language"] == "qu"
    assert kichwa.json()["results"][0]["title"].startswith("Paskashka")
    assert "Accept-Language" in kichwa["Vary"]
    assert get(client, "commitments/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "es"
    spanish = get(client, "commitments/?lang=es", HTTP_ACCEPT_LANGUAGE="qu")
    assert spanish["Content-Language"] == "es"
    error = get(client, "commitments/NOPE9999/?lang=qu")
    assert error["Content-Language"] == "qu"


# Conditional requests, CORS and the rate limit.


def test_an_unchanged_answer_is_a_304_on_its_etag(client, data):
    first = get(client, "commitments/")
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) == 66
    again = get(client, "commitments/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Access-Control-Allow-Origin"] == "*"
    assert get(client, "commitments/?lang=qu", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.head(API + "commitments/")["ETag"] == etag
    data["commitments"][0].title_es = "Compromiso cambiado"
    data["commitments"][0].save()
    assert get(client, "commitments/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_last_modified_moves_with_any_change_of_the_public_data(client, data):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        modified = get(client, "cantons/")["Last-Modified"]
        assert modified == http_date(int(start.timestamp()))
        assert get(client, "cantons/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
        assert get(client, "cantons/", HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200
        bump_generation()  # what the commit of a change to a public record does (conecta.cache)
        # Changed within the same second: no date can say so yet.
        same_second = get(client, "cantons/", HTTP_IF_MODIFIED_SINCE=modified)
        assert same_second.status_code == 200
        assert "Last-Modified" not in same_second
    with time_machine.travel(start + timedelta(seconds=3), tick=False):
        changed = get(client, "cantons/", HTTP_IF_MODIFIED_SINCE=modified)
        assert changed.status_code == 200
        assert changed["Last-Modified"] == http_date(int(start.timestamp()) + 1)


def test_what_is_overdue_changes_at_midnight_without_a_save(client, data):
    late_evening = timezone.localtime().replace(hour=23, minute=0, second=0, microsecond=0)
    with time_machine.travel(late_evening, tick=False):
        modified = get(client, "commitments/")["Last-Modified"]
    with time_machine.travel(late_evening + timedelta(hours=2), tick=False):
        assert get(client, "commitments/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 200


def test_any_site_may_read_the_api(client, data):
    response = get(client, "cantons/", HTTP_ORIGIN="https://datos.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        API + "cantons/",
        HTTP_ORIGIN="https://datos.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    assert get(client, "nothing/")["Access-Control-Allow-Origin"] == "*"


def test_too_many_requests_from_one_address_are_a_429_with_retry_after(client, data, settings):
    settings.API_RATE_LIMIT = "3/minute"
    for _attempt in range(3):
        assert get(client, "cantons/").status_code == 200
    limited = get(client, "cantons/?lang=qu")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["code"] == "throttled"
    assert limited["Content-Language"] == "qu"
    other = client.get(API + "cantons/", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200


def test_the_rate_limit_counts_the_address_behind_our_proxies(client, data, settings):
    settings.API_RATE_LIMIT = "1/minute"
    settings.TRUSTED_PROXIES = 1
    assert client.get(API + "cantons/", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 200
    assert client.get(API + "cantons/", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert client.get(API + "cantons/", HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 200


# Queries.


@pytest.mark.parametrize("path", [*LISTS, "commitments/{commitment}/", "road-works/{work}/", "plans/{plan}/"])
def test_queries_do_not_grow_with_the_rows(client, plan, gad, department, path, django_assert_max_num_queries):
    found = build_open_data(plan, gad, department, rows=3)
    address = path.format(commitment=found["commitments"][0].code, work=found["works"][0].code, plan=plan.slug)
    with django_assert_max_num_queries(QUERIES_MAX) as few:
        assert get(client, f"{address}?page_size=100").status_code == 200
    build_open_data(plan, gad, department, rows=27, singles=False)
    cache.clear()
    with django_assert_max_num_queries(len(few)):
        assert get(client, f"{address}?page_size=100").status_code == 200


# The documentation page.


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_documentation_page_lists_every_address_from_the_schema(client, lang):
    response = client.get(f"/{lang}/api/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page
    for path in LISTS:
        assert f"/api/v1/{path}" in page
    assert "/api/v1/commitments/{code}/" in page
    assert "/api/v1/openapi.json" in page
    assert "<script" not in page
    assert len(gzip.compress(response.content)) < 30 * 1024


def test_the_documentation_page_is_in_the_language_of_its_address(client):
    spanish = client.get("/es/api/").content.decode()
    kichwa = client.get("/qu/api/").content.decode()
    assert "Compromisos" in spanish
    assert "Ari nishka ruranakuna" in kichwa
