"""The "Follow by e-mail" panel (alerts.panels): each page that can be followed shows a small GET form to the follow
page with the key of what it shows and nothing else (no address ever travels in a URL); the pages stay cacheable
(no CSRF token, no cookie); it is in Kichwa on the Kichwa pages; it costs no query; nothing is offered where nothing
was found."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import RequestFactory

from alerts.panels import FOLLOWABLE_PAGES, follow_panel
from conecta.extensions import panels_for
from feedback.models import Moderation
from reports import services as report_services
from reports.periods import Period
from tests.factories import CantonFactory, MilestoneFactory, UserFactory
from tests.feedback.factories import SuggestionFactory
from tests.roads.factories import ParishFactory, RoadRequestFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

FORM = re.compile(
    r'<form class="inline-form" method="get" action="(?P<action>[^"]+)">\s*'
    r'<input type="hidden" name="que" value="(?P<key>[^"]+)">'
)


def follow_forms(html: str) -> list[tuple[str, str]]:
    """(action, key) of each follow form on the page."""
    return [(m["action"], m["key"]) for m in FORM.finditer(html)]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Cached pages and the tracking pages' rate-limit counters of one test never reach another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def current_plan(plan, settings):
    settings.CONECTA_PLAN_SLUG = plan.slug
    return plan


@pytest.fixture
def pastaza(db):
    return CantonFactory(code="1601", slug="pastaza", name_es="Pastaza")


@pytest.fixture
def road_request(pastaza):
    return RoadRequestFactory(parish=ParishFactory(canton=pastaza, code="160150", name_es="Puyo"))


@pytest.fixture
def report(current_plan, commitment, planner):
    """A published report of 2025-Q3 (its PDFs are not rendered: the page says they are being prepared)."""
    MilestoneFactory(commitment=commitment, due_on=date(2025, 9, 30))
    report = report_services.report_draft_for_period(plan=current_plan, period=Period(2025, 3))
    report.summary_es = "Resumen del tercer trimestre."
    report.save()
    report_services.report_submit(report=report, by=planner)
    second = UserFactory(username="planificador-revisor", groups=["Planificación"])
    report_services.report_approve(report=report, by=second)
    return report_services.report_publish(report=report, by=planner)


def test_every_followable_page_is_a_page_that_calls_for_panels():
    assert set(FOLLOWABLE_PAGES) == {
        "commitments:detail",
        "commitments:canton",
        "roads:work",
        "roads:request",
        "roads:request_track",
        "reports:list",
        "reports:detail",
        "feedback:participate",
        "feedback:track",
    }


def test_the_commitment_page_follows_the_commitment(citizen, commitment):
    html = citizen.get("/es/compromisos/TEST0001/").content.decode()

    assert follow_forms(html) == [("/es/alertas/seguir/", "commitment:TEST0001")]
    assert "Seguir por correo" in html
    assert "puede dejar de recibirlo con un clic" in html


def test_the_box_asks_no_address_so_none_ends_up_in_a_url(citizen, commitment):
    """A GET form's fields go into the URL (access logs, browser history, the follow page's language links): the
    box carries only what to follow; the follow page asks the address in its POST form."""
    html = citizen.get("/es/compromisos/TEST0001/").content.decode()
    box = html[html.index('<section class="way follow"') :]
    box = box[: box.index("</section>")]

    assert re.findall(r'name="([^"]+)"', box) == ["que"]
    assert 'type="email"' not in box


def test_the_canton_page_follows_the_canton(citizen, pastaza):
    html = citizen.get("/es/territorio/pastaza/").content.decode()

    assert follow_forms(html) == [("/es/alertas/seguir/", "canton:1601")]


def test_the_road_work_page_follows_the_work(citizen):
    RoadWorkFactory(code="VIA-2025-001")

    html = citizen.get("/es/vias/VIA-2025-001/").content.decode()

    assert follow_forms(html) == [("/es/alertas/seguir/", "work:VIA-2025-001")]


def test_the_road_requests_pages_follow_its_code(citizen, road_request):
    code = road_request.tracking_code

    for address in (f"/es/vias/solicitudes/{code}/", f"/es/vias/seguimiento/?codigo={code}"):
        html = citizen.get(address).content.decode()
        assert follow_forms(html) == [("/es/alertas/seguir/", f"code:{code}")], address


def test_the_suggestions_tracking_page_follows_its_code(citizen):
    code = SuggestionFactory().tracking_code

    html = citizen.get(f"/es/participa/seguimiento/?codigo={code}").content.decode()

    assert follow_forms(html) == [("/es/alertas/seguir/", f"code:{code}")]


def test_a_tracking_page_offers_nothing_to_follow_when_no_code_was_found(citizen, pastaza):
    for address in (
        "/es/participa/seguimiento/",
        "/es/participa/seguimiento/?codigo=PZ-2345-67",
        "/es/participa/seguimiento/?codigo=nada",
        "/es/vias/seguimiento/",
        "/es/vias/seguimiento/?codigo=VP-2345-67",
    ):
        response = citizen.get(address)
        assert response.status_code == 200, address
        assert follow_forms(response.content.decode()) == [], address


@pytest.mark.parametrize("moderation", [Moderation.REJECTED, Moderation.HIDDEN])
def test_a_message_moderators_rejected_or_hid_cannot_be_followed(citizen, pastaza, moderation):
    suggestion = SuggestionFactory(moderation=moderation)
    road_request = RoadRequestFactory(parish=ParishFactory(canton=pastaza), moderation=moderation)

    for address in (
        f"/es/participa/seguimiento/?codigo={suggestion.tracking_code}",
        f"/es/vias/seguimiento/?codigo={road_request.tracking_code}",
    ):
        html = citizen.get(address).content.decode()
        assert follow_forms(html) == [], address


def test_the_reports_pages_follow_the_reports(citizen, report):
    for address in ("/es/informes/", f"/es/informes/{report.slug}/"):
        response = citizen.get(address)
        assert response.status_code == 200, address
        assert follow_forms(response.content.decode()) == [("/es/alertas/seguir/", "reports")], address


def test_the_participation_page_follows_the_participation(citizen, current_plan):
    html = citizen.get("/es/participa/").content.decode()

    assert follow_forms(html) == [("/es/alertas/seguir/", "participation")]


@pytest.mark.parametrize(
    "address",
    [
        "/es/compromisos/TEST0001/",
        "/es/territorio/pastaza/",
        "/es/vias/VIA-2025-001/",
        "/es/informes/",
        "/es/participa/",
    ],
)
def test_the_pages_stay_cached_whole_with_the_form(
    citizen, commitment, pastaza, current_plan, settings, django_assert_num_queries, address
):
    """A GET form holds no CSRF token: the page is the same for everyone and is cached (conecta.cache)."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    RoadWorkFactory(code="VIA-2025-001")

    first = citizen.get(address)
    html = first.content.decode()
    assert len(follow_forms(html)) == 1
    assert "csrfmiddlewaretoken" not in html
    assert not first.cookies
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(0):
        again = citizen.get(address)
    assert again.content == first.content


def test_the_form_is_in_kichwa_on_the_kichwa_pages(citizen, commitment):
    html = citizen.get("/qu/compromisos/TEST0001/").content.decode()

    assert follow_forms(html) == [("/qu/alertas/seguir/", "commitment:TEST0001")]
    assert '<h2 id="follow-h">E-chaski willachaykuna</h2>' in html
    assert "E-chaskiwan katina" in html
    assert "Seguir por correo" not in html


def test_the_panel_costs_no_query_and_stays_light(commitment, django_assert_num_queries):
    request = RequestFactory().get("/es/compromisos/TEST0001/")

    with django_assert_num_queries(0):
        panel = follow_panel(request, commitment)
        html = render_to_string(panel.template, {"panel": panel.context})

    assert panel.context == {"key": "commitment:TEST0001"}
    assert len(html.encode()) < 1000


def test_nothing_is_offered_for_what_no_key_names(commitment):
    request = RequestFactory().get("/")

    assert follow_panel(request, None) is None
    assert follow_panel(request, "agua") is None
    assert [panel.context for panel in panels_for("commitments:detail", request, commitment)][-1] == {
        "key": "commitment:TEST0001"
    }
