"""sitemap.xml: every public page in Spanish and Kichwa, each with its alternates (hreflang) and x-default."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments.models import Canton, Commitment

from ..factories import (
    ActionPlanFactory,
    CommitmentFactory,
    DepartmentFactory,
    InstitutionFactory,
)

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SITE = "http://testserver"


@pytest.fixture
def current_plan(plan, settings):
    settings.CONECTA_PLAN_SLUG = plan.slug
    return plan


def read_sitemap(client) -> dict[str, dict[str, str]]:
    """{location: {hreflang: alternate location}}."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    urlset = ET.fromstring(response.content)
    return {
        url.findtext(f"{SM}loc"): {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
        for url in urlset.findall(f"{SM}url")
    }


def paths(sitemap: dict) -> set[str]:
    return {loc.removeprefix(SITE) for loc in sitemap}


@pytest.mark.parametrize(
    "path",
    [
        "/{lang}/",
        "/{lang}/compromisos/",
        "/{lang}/territorio/",
        "/{lang}/plan/",
        "/{lang}/participa/",
        "/{lang}/participa/respuestas/",
        "/{lang}/accesibilidad/",
        "/{lang}/privacidad/",
    ],
)
def test_it_lists_the_site_pages_in_both_languages_with_their_alternates(client, current_plan, path):
    sitemap = read_sitemap(client)

    for lang in ("es", "qu"):
        alternates = sitemap[SITE + path.format(lang=lang)]
        assert alternates == {
            "es": SITE + path.format(lang="es"),
            "qu": SITE + path.format(lang="qu"),
            "x-default": SITE + path.format(lang="es").replace("/es/", "/", 1),
        }


def test_it_lists_the_published_commitments_of_the_current_plan_only(client, current_plan, commitment, gad):
    CommitmentFactory(code="OCUL0001", plan=current_plan, lead_institution=gad, is_published=False)
    CommitmentFactory(code="OTRO0001", plan=ActionPlanFactory(slug="otro-plan"))

    listed = paths(read_sitemap(client))

    assert {"/es/compromisos/TEST0001/", "/qu/compromisos/TEST0001/"} <= listed
    assert not [p for p in listed if "OCUL0001" in p or "OTRO0001" in p]


def test_a_commitment_carries_its_last_change(client, current_plan, commitment):
    response = client.get("/sitemap.xml")
    urlset = ET.fromstring(response.content)
    lastmods = {url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in urlset.findall(f"{SM}url")}

    commitment.refresh_from_db()
    assert lastmods[f"{SITE}/es/compromisos/TEST0001/"] == timezone.localdate(commitment.updated_at).isoformat()


def test_it_lists_the_institutions_behind_published_commitments(client, current_plan, commitment, gad, department):
    supporter = InstitutionFactory(slug="universidad-amazonica")
    commitment.supporting_institutions.add(supporter)
    only_hidden = InstitutionFactory(slug="solo-oculto")
    CommitmentFactory(
        code="OCUL0001",
        plan=current_plan,
        lead_institution=only_hidden,
        lead_department=DepartmentFactory(slug="direccion-oculta"),
        is_published=False,
    )
    InstitutionFactory(slug="sin-compromisos")
    CommitmentFactory(
        code="OTRO0001",
        plan=ActionPlanFactory(slug="otro-plan"),
        lead_institution=InstitutionFactory(slug="de-otro-plan"),
    )

    institutions = {p.split("/")[3] for p in paths(read_sitemap(client)) if p.startswith("/es/instituciones/")}

    assert institutions == {"gadppz", "direccion-ambiente", "universidad-amazonica"}
    assert "/qu/instituciones/universidad-amazonica/" in paths(read_sitemap(client))


def test_it_lists_every_canton(client, real_plan, settings):
    settings.CONECTA_PLAN_SLUG = real_plan.slug

    listed = paths(read_sitemap(client))

    for slug in Canton.objects.values_list("slug", flat=True):
        assert f"/es/territorio/{slug}/" in listed
        assert f"/qu/territorio/{slug}/" in listed


def test_every_listed_page_answers(client, real_plan, settings):
    settings.CONECTA_PLAN_SLUG = real_plan.slug
    sitemap = read_sitemap(client)

    assert len(sitemap) > 20
    for location in sitemap:
        response = client.get(location.removeprefix(SITE))
        assert response.status_code == 200, location
        lang = location.removeprefix(SITE).split("/")[1]
        assert f'<html lang="{lang}"'.encode() in response.content, location


def test_the_x_default_address_sends_readers_to_a_language(client, real_plan, settings):
    settings.CONECTA_PLAN_SLUG = real_plan.slug
    code = Commitment.objects.published().filter(plan=real_plan).values_list("code", flat=True).first()

    response = client.get(f"/compromisos/{code}/", HTTP_ACCEPT_LANGUAGE="es-EC")

    assert response.status_code in (301, 302)
    assert response["Location"] == f"/es/compromisos/{code}/"


def test_it_uses_the_address_the_site_is_reached_at(client, current_plan):
    response = client.get("/sitemap.xml", HTTP_HOST="localhost", secure=True)

    assert b"<loc>https://localhost/es/</loc>" in response.content


@pytest.mark.parametrize("query", ["?p=2", "?p=abc", "?p=-1", "?p=99999999999999999999", "?p=1e9"])
def test_a_nonsense_page_number_is_a_404(client, current_plan, query):
    assert client.get(f"/sitemap.xml{query}").status_code == 404


def test_it_costs_the_same_queries_whatever_the_plans_size(client, current_plan, commitment, gad):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/sitemap.xml").status_code == 200
        return len(captured)

    small = queries()
    for _n in range(20):
        other = CommitmentFactory(plan=current_plan, lead_institution=gad)
        other.supporting_institutions.add(InstitutionFactory())

    assert queries() == small
