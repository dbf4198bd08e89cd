"""The public meetings pages: the list (upcoming first, filters, pagination), one meeting (agenda, minutes, PDF,
attendance charts, agreements), the signed minutes' download; nothing unpublished anywhere; a fixed number of
queries; hostile query strings answered without a 500 and without echoing anything unescaped."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from meetings.models import Meeting
from meetings.views import MEETINGS_PER_PAGE
from tests.factories import CantonFactory
from tests.participation import SCRIPT

from .factories import AgreementFactory, MeetingFactory, attendance, pdf_bytes

pytestmark = pytest.mark.django_db

# Measured: the plan; the years with meetings; the count; the page of meetings (attendance totals, agreement counts
# and canton in the same query); the Steering Committee's meetings counted per year.
LIST_QUERIES = 5
# The meeting with its canton; its attendance; its agreements with their institutions and commitments; its
# published recordings (kichwa).
DETAIL_QUERIES = 4
HOSTILE = [SCRIPT, "<script>alert(1)</script>", "99999", "-1", "0", "1e9", "%00", "x" * 3000, "' OR 1=1 --", "🙂"]


def with_minutes(meeting: Meeting, content: bytes) -> Meeting:
    meeting.minutes_file = SimpleUploadedFile("acta.pdf", content, content_type="application/pdf")
    meeting.save()
    return meeting


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_list_shows_published_meetings_with_kind_dates_place_attendance_and_minutes(citizen, current_plan, lang):
    meeting = MeetingFactory(title_es="Comité de marzo", title_qu="Marzo comité", plan=current_plan, minutes_es="Acta")
    attendance(meeting, men=3, women=4, public_sector=7)
    AgreementFactory(meeting=meeting)

    response = citizen.get(f"/{lang}/reuniones/")

    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    listed = response.context["meetings"]
    assert [m.slug for m in listed] == [meeting.slug]
    assert (listed[0].attendance_total, listed[0].agreement_count, listed[0].has_minutes) == (7, 1, True)
    with translation.override(lang):
        assert meeting.title in response.text
        assert str(Meeting.Kind.STEERING_COMMITTEE.label) in response.text
    assert f'href="/{lang}/reuniones/{meeting.slug}/"' in response.text
    assert '<time datetime="2025-03-14">' in response.text


def test_upcoming_meetings_come_first_soonest_first_then_the_past_latest_first(citizen, current_plan):
    today = timezone.localdate()
    MeetingFactory(slug="pasada-antigua", date=today - timedelta(days=300))
    MeetingFactory(slug="pasada-reciente", date=today - timedelta(days=3))
    MeetingFactory(slug="futura-lejana", date=today + timedelta(days=90))
    MeetingFactory(slug="futura-cercana", date=today + timedelta(days=5))
    MeetingFactory(slug="en-curso", date=today - timedelta(days=1), end_date=today + timedelta(days=1))

    response = citizen.get("/es/reuniones/")

    assert [m.slug for m in response.context["meetings"]] == [
        "en-curso",
        "futura-cercana",
        "futura-lejana",
        "pasada-reciente",
        "pasada-antigua",
    ]
    assert [m.is_upcoming for m in response.context["meetings"]] == [True, True, True, False, False]


def test_the_list_filters_by_kind_and_year_with_a_plain_get_form(citizen, current_plan):
    MeetingFactory(slug="comite-2025", date="2025-05-01")
    MeetingFactory(slug="asamblea-2025", kind="citizen_assembly", date="2025-06-01")
    MeetingFactory(slug="comite-2026", date="2026-02-01")

    def slugs(query: str) -> list[str]:
        return sorted(m.slug for m in citizen.get(f"/es/reuniones/?{query}").context["meetings"])

    assert slugs("tipo=comite") == ["comite-2025", "comite-2026"]
    assert slugs("anio=2025") == ["asamblea-2025", "comite-2025"]
    assert slugs("tipo=asamblea&anio=2025") == ["asamblea-2025"]
    page = citizen.get("/es/reuniones/?tipo=comite&anio=2026").text
    assert '<form class="filters" method="get"' in page
    assert '<option value="comite" selected>' in page and '<option value="2026" selected>' in page
    assert "<script" not in page.split("</main>")[0].split('<main id="main"')[1]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("lang", ["es", "qu"])
def test_hostile_query_strings_give_the_page_and_echo_nothing(citizen, current_plan, value, lang):
    MeetingFactory()
    AgreementFactory()
    for url in (f"/{lang}/reuniones/", f"/{lang}/reuniones/acuerdos/", f"/{lang}/reuniones/acuerdos.csv"):
        for param in ("anio", "tipo", "page", "estado", "compromiso"):
            response = citizen.get(url, {param: value})
            assert response.status_code == 200, (url, param)
            assert "<script>alert" not in response.text
            assert SCRIPT not in response.text


def test_an_unknown_filter_value_is_ignored_and_page_numbers_are_clamped(citizen, current_plan):
    for n in range(MEETINGS_PER_PAGE + 3):
        MeetingFactory(slug=f"reunion-n{n}")

    response = citizen.get("/es/reuniones/?tipo=x&anio=1999&page=99999")

    assert response.status_code == 200
    assert response.context["page"].number == 2
    assert response.context["is_filtered"] is False
    assert len(response.context["meetings"]) == 3
    assert 'rel="prev"' in response.text


def test_unpublished_meetings_and_their_agreements_never_appear(citizen, current_plan, commitment):
    hidden = MeetingFactory(slug="reunion-oculta", title_es="SECRETO-REUNION", is_published=False, plan=current_plan)
    AgreementFactory(meeting=hidden, text_es="SECRETO-ACUERDO", commitment=commitment)
    with_minutes(hidden, pdf_bytes())

    for url in (
        "/es/reuniones/",
        "/qu/reuniones/",
        "/es/reuniones/?anio=2025&tipo=comite",
        "/es/reuniones/acuerdos/",
        "/es/reuniones/acuerdos.csv",
        f"/es/compromisos/{commitment.code}/",
        "/es/plan/",
    ):
        response = citizen.get(url)
        assert response.status_code == 200, url
        assert "SECRETO" not in response.content.decode(), url
    assert citizen.get("/es/reuniones/reunion-oculta/").status_code == 404
    assert citizen.get("/es/reuniones/reunion-oculta/acta.pdf").status_code == 404
    assert citizen.get("/es/reuniones/").context["years"] == []


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_a_meeting_page_shows_everything_about_it(citizen, commitment, gad, lang):
    canton = CantonFactory(code="1601", slug="pastaza", name_es="Pastaza")
    meeting = MeetingFactory(
        slug="comite-2025-03-14",
        title_es="Comité Impulsor, primera sesión",
        title_qu="Comité Impulsor, shuk",
        date="2025-03-14",
        place_es="Salón de la Prefectura",
        canton=canton,
        summary_es="Resumen de la sesión",
        agenda_es="1. Instalación del comité\n\n2) Cronograma\n- Varios",
        minutes_es="Se instaló el comité.",
    )
    content = pdf_bytes()
    with_minutes(meeting, content)
    attendance(meeting, men=7, women=9, public_sector=6, civil_society=5, academia=3, ngo=2)
    AgreementFactory(
        meeting=meeting,
        order=1,
        text_es="Publicar el cronograma",
        owner_institution=gad,
        due_date=timezone.localdate() - timedelta(days=1),
        status="in_progress",
        commitment=commitment,
        status_note_es="Falta una parroquia",
    )
    AgreementFactory(meeting=meeting, order=2, text_es="Convocar a las juntas", owner_es="Juntas parroquiales")

    response = citizen.get(f"/{lang}/reuniones/comite-2025-03-14/")

    assert response.status_code == 200
    text = response.text
    with translation.override(lang):
        assert meeting.title in text
    assert f'href="/{lang}/territorio/pastaza/"' in text
    # On the Kichwa page the Spanish agenda is marked lang="es" (issue 12).
    agenda = r'<ol class="agenda"( lang="es")?><li>Instalación del comité</li><li>Cronograma</li><li>Varios</li></ol>'
    assert re.search(agenda, text)
    assert "Se instaló el comité." in text
    assert f'href="/{lang}/reuniones/comite-2025-03-14/acta.pdf"' in text
    assert hashlib.sha256(content).hexdigest() in text
    assert "conecta-pastaza-acta-2025-03-14-comite.pdf" in text
    tables = " ".join(re.findall(r'<table class="chart-data">.*?</table>', text, re.S))
    for value in (7, 9, 6, 5, 3, 2):
        assert f"<td>{value}</td>" in tables
    assert text.count('<svg class="bars"') == 2
    assert "Publicar el cronograma" in text and "Convocar a las juntas" in text and "Juntas parroquiales" in text
    assert f'href="/{lang}/compromisos/{commitment.code}/"' in text
    assert f'href="/{lang}/instituciones/{gad.slug}/"' in text
    assert "Falta una parroquia" in text
    assert text.count('class="late"') == 1  # the overdue agreement says so in words


def test_a_workshop_page_shows_its_agenda_and_attendance_from_the_plan(citizen, real_plan):
    response = citizen.get("/es/reuniones/taller-cocreacion-biofisico-2024/")

    assert response.status_code == 200
    assert response.context["figures"].total == 21
    assert len(response.context["meeting"].agenda_items) == 4
    assert "Sensibilización" in response.text
    assert 'href="/es/territorio/' in response.text


def test_the_minutes_download_serves_the_bytes_with_the_right_name_and_type(citizen):
    content = pdf_bytes(2)
    meeting = with_minutes(MeetingFactory(slug="comite-marzo", date="2025-03-14"), content)

    response = citizen.get("/es/reuniones/comite-marzo/acta.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="conecta-pastaza-acta-2025-03-14-comite.pdf"'
    assert int(response["Content-Length"]) == len(content) == meeting.minutes_size
    assert b"".join(response.streaming_content) == content


def test_the_minutes_download_is_a_404_without_a_published_meeting_or_a_file(citizen):
    draft = with_minutes(MeetingFactory(slug="borrador", is_published=False), pdf_bytes())
    MeetingFactory(slug="sin-acta")

    assert citizen.get("/es/reuniones/borrador/acta.pdf").status_code == 404
    assert citizen.get("/es/reuniones/sin-acta/acta.pdf").status_code == 404
    assert citizen.get("/es/reuniones/no-existe/acta.pdf").status_code == 404
    # and it is not under /media/ either: the storage is outside MEDIA_ROOT
    assert citizen.get(f"/media/{draft.minutes_file.name}").status_code == 404


def test_unknown_or_hostile_meeting_addresses_are_404s(citizen):
    for slug in ("no-existe", "x" * 200, "acuerdos-x"):
        assert citizen.get(f"/es/reuniones/{slug}/").status_code == 404


@pytest.mark.parametrize("count", [1, 45])
def test_the_list_costs_the_same_few_queries_for_few_and_many_meetings(
    citizen, current_plan, count, django_assert_num_queries
):
    for n in range(count):
        meeting = MeetingFactory(
            slug=f"r-{n}", plan=current_plan, canton=CantonFactory(), date=f"2025-{n % 12 + 1:02d}-01"
        )
        attendance(meeting, men=1, women=1)
        AgreementFactory(meeting=meeting)

    with django_assert_num_queries(LIST_QUERIES):
        response = citizen.get("/qu/reuniones/?page=2" if count > 1 else "/qu/reuniones/")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 25])
def test_a_meeting_page_costs_the_same_few_queries_for_few_and_many_agreements(
    citizen, commitment, gad, count, django_assert_num_queries
):
    meeting = MeetingFactory(slug="comite", canton=CantonFactory())
    attendance(meeting, men=2, women=3, public_sector=5)
    for n in range(count):
        AgreementFactory(meeting=meeting, order=n + 1, commitment=commitment, owner_institution=gad)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = citizen.get("/es/reuniones/comite/")
    assert response.status_code == 200


def test_the_plan_page_links_to_the_meetings_and_each_workshop(citizen, real_plan):
    response = citizen.get("/es/plan/")

    assert 'href="/es/reuniones/"' in response.text
    for meeting in Meeting.objects.filter(kind="cocreation_workshop"):
        assert f'href="/es/reuniones/{meeting.slug}/"' in response.text


def test_every_page_links_to_the_meetings(citizen, current_plan):
    assert 'href="/qu/reuniones/"' in citizen.get("/qu/reuniones/acuerdos/").text


def test_the_pages_are_cached_whole(citizen, current_plan, settings, django_assert_num_queries):
    """(They hold no form: the same page for everyone. Saving a meeting or an agreement drops them: apps.py.)"""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    agreement = AgreementFactory()
    urls = ["/es/reuniones/", f"/qu/reuniones/{agreement.meeting.slug}/", "/es/reuniones/acuerdos/"]
    for url in urls:
        first = citizen.get(url)
        assert first.status_code == 200 and "public" in first["Cache-Control"]
        assert "<form" not in first.text or 'method="get"' in first.text
        assert "csrfmiddlewaretoken" not in first.text

    with django_assert_num_queries(0):
        for url in urls:
            assert citizen.get(url).status_code == 200
