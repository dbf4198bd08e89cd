"""The territory pages: the map of the cantons with their figures, and one page per canton (the map's drawing:
test_territory_map.py)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.loaders import reference_data_load, synthetic_plan_load
from commitments.models import Canton, Parish
from commitments.territory import Shade, activity_shades
from tests.factories import CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

# Measured. Territory: the plan; the cantons with both counts (one query with subqueries). Canton: the plan; the
# canton and its parishes; how many commitments (the pager); one page of them with their progress and milestones.
TERRITORY_QUERIES = 3
CANTON_QUERIES = 6


@pytest.fixture
def cantons(db):
    reference_data_load()
    return {canton.slug: canton for canton in Canton.objects.all()}


@pytest.fixture
def shown_plan(plan, settings):
    settings.CONECTA_PLAN_SLUG = plan.slug
    return plan


def svg_of(html: str) -> str:
    return re.search(r"<svg class=\"map-svg\".*?</svg>", html, re.S).group(0)


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_map_has_one_link_per_canton_with_an_accessible_name(citizen, real_plan, lang):
    response = citizen.get(f"/{lang}/territorio/")

    assert response.status_code == 200
    svg = svg_of(response.text)
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)">', svg)
    assert sorted(href for href, _label in links) == sorted(
        f"/{lang}/territorio/{slug}/" for slug in ("pastaza", "mera", "santa-clara", "arajuno")
    )
    assert all(label.split(":")[0] in {"Pastaza", "Mera", "Santa Clara", "Arajuno"} for _href, label in links)
    assert svg.count('class="shade-') == 4


def test_the_map_writes_each_cantons_count_on_it_and_has_a_legend(citizen, real_plan):
    response = citizen.get("/es/territorio/")

    # Pastaza and Arajuno on the province map; Mera, Santa Clara (and Pastaza again) on the inset of the west.
    counts = re.findall(r'class="map-count">(\d+)</text><text [^>]*class="map-name"[^>]*>([^<]+)<', response.text)
    assert sorted(counts) == sorted(
        [("3", "Pastaza"), ("3", "Arajuno"), ("3", "Mera"), ("3", "Santa Clara"), ("3", "Pastaza")]
    )
    assert 'class="map-legend"' in response.text


def test_the_table_gives_each_cantons_facts(citizen, real_plan):
    response = citizen.get("/es/territorio/")

    table = re.search(r'<table class="data">.*?</table>', response.text, re.S).group(0)
    assert table.count('<th scope="row">') == 4
    for text in ("Puyo", "1601", "82.754", "INEC, Censo 2022", "1602", "Inferido", "4.521", "9.553"):
        assert text in table
    pastaza = next(c for c in response.context["cantons"] if c.slug == "pastaza")
    assert (pastaza.commitment_count, pastaza.milestones_in_progress) == (3, 7)


def test_it_counts_only_published_commitments_and_milestones_of_the_shown_plan(citizen, shown_plan, cantons):
    mera = cantons["mera"]
    shown = CommitmentFactory(plan=shown_plan)
    shown.cantons.add(mera)
    MilestoneFactory(commitment=shown, progress=40)
    MilestoneFactory(commitment=shown, progress=60)
    MilestoneFactory(commitment=shown, progress=100)  # complete, not in progress
    MilestoneFactory(commitment=shown, progress=0)  # not started
    MilestoneFactory(commitment=shown, progress=50, is_published=False)
    draft = CommitmentFactory(plan=shown_plan, is_published=False)
    draft.cantons.add(mera)
    MilestoneFactory(commitment=draft, progress=40)
    elsewhere = CommitmentFactory()  # another plan
    elsewhere.cantons.add(mera)
    MilestoneFactory(commitment=elsewhere, progress=40)

    response = citizen.get("/es/territorio/")

    counts = {c.slug: (c.commitment_count, c.milestones_in_progress) for c in response.context["cantons"]}
    assert counts == {"pastaza": (0, 0), "mera": (1, 2), "santa-clara": (0, 0), "arajuno": (0, 0)}


def test_a_commitment_in_one_of_its_parishes_counts_for_the_canton(citizen, shown_plan, cantons):
    commitment = CommitmentFactory(plan=shown_plan, title_es="Puente en Shell")
    commitment.parishes.add(Parish.objects.get(code="160252"))
    commitment.cantons.add(cantons["mera"])  # named both ways: still counted once

    territory = citizen.get("/es/territorio/")
    canton = citizen.get("/es/territorio/mera/")

    assert {c.slug: c.commitment_count for c in territory.context["cantons"]}["mera"] == 1
    assert [c.title_es for c in canton.context["commitments"]] == ["Puente en Shell"]


def test_the_canton_page_lists_its_parishes_and_only_published_commitments_and_milestones(citizen, shown_plan, cantons):
    arajuno = cantons["arajuno"]
    shown = CommitmentFactory(plan=shown_plan, title_es="Vía Arajuno–Curaray")
    shown.cantons.add(arajuno)
    MilestoneFactory(commitment=shown, order=1, title_es="Estudio de la vía", is_illustrative=True)
    MilestoneFactory(commitment=shown, order=2, title_es="Hito en borrador", is_published=False)
    draft = CommitmentFactory(plan=shown_plan, title_es="Compromiso en borrador", is_published=False)
    draft.cantons.add(arajuno)
    other = CommitmentFactory(plan=shown_plan, title_es="Feria en Mera")
    other.cantons.add(cantons["mera"])

    response = citizen.get("/es/territorio/arajuno/")

    assert response.status_code == 200
    assert response.context["canton"] == arajuno
    assert [p.code for p in response.context["parishes"]] == ["160450", "160451"]
    assert "Curaray" in response.text and "Rural" in response.text
    assert [c.title_es for c in response.context["commitments"]] == ["Vía Arajuno–Curaray"]
    assert f'href="/es/compromisos/{shown.code}/"' in response.text
    assert "Estudio de la vía" in response.text
    assert "datos de ejemplo" in response.text
    for hidden in ("Hito en borrador", "Compromiso en borrador", "Feria en Mera"):
        assert hidden not in response.text


def test_a_canton_with_no_commitments_says_so(citizen, shown_plan, cantons):
    response = citizen.get("/qu/territorio/santa-clara/")

    assert response.status_code == 200
    assert response.context["commitments"] == []
    assert '<html lang="qu"' in response.text


@pytest.mark.parametrize("lang", ["es", "qu"])
@pytest.mark.parametrize("slug", ["no-existe", "1601", "pastaza-2", "x" * 300])
def test_an_unknown_canton_is_not_found_in_the_current_language(citizen, cantons, lang, slug):
    response = citizen.get(f"/{lang}/territorio/{slug}/")

    assert response.status_code == 404
    assert f'<html lang="{lang}"' in response.text


def test_the_pages_work_before_any_plan_is_loaded(citizen, cantons, settings):
    settings.CONECTA_PLAN_SLUG = "no-plan"

    assert citizen.get("/es/territorio/").status_code == 200
    assert citizen.get("/es/territorio/pastaza/").status_code == 200


def test_the_legend_divides_the_counts_into_three_ranges():
    assert activity_shades(0) == [Shade(0, 0, 0)]
    assert activity_shades(3) == [Shade(0, 0, 0), Shade(1, 1, 1), Shade(2, 2, 2), Shade(3, 3, 3)]
    assert activity_shades(2) == [Shade(0, 0, 0), Shade(1, 1, 1), Shade(2, 2, 2)]
    assert activity_shades(300) == [Shade(0, 0, 0), Shade(1, 1, 100), Shade(2, 101, 200), Shade(3, 201, 300)]


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_queries_do_not_grow_with_the_number_of_commitments(citizen, settings, django_assert_max_num_queries):
    counts = {}
    for size in (3, 300):
        plan = synthetic_plan_load(commitments=size)
        settings.CONECTA_PLAN_SLUG = plan.slug
        response = citizen.get("/es/territorio/")
        assert sum(c.commitment_count for c in response.context["cantons"]) == size * 2  # two cantons each
        counts[size] = (queries_for(citizen, "/es/territorio/"), queries_for(citizen, "/es/territorio/pastaza/"))

    assert counts[3] == counts[300]
    assert counts[300] == (TERRITORY_QUERIES, CANTON_QUERIES)
    with django_assert_max_num_queries(CANTON_QUERIES):
        citizen.get("/qu/territorio/arajuno/")


def test_a_canton_with_many_commitments_is_paginated(citizen, plan, shown_plan, cantons):
    canton = cantons["mera"]
    for number in range(25):
        commitment = CommitmentFactory(plan=plan, code=f"PG{number:04d}", order=number)
        commitment.cantons.add(canton)

    first = citizen.get("/es/territorio/mera/")
    second = citizen.get("/es/territorio/mera/?page=2")
    clamped = citizen.get("/es/territorio/mera/?page=abc")

    assert [c.code for c in first.context["commitments"]] == [f"PG{n:04d}" for n in range(20)]
    assert [c.code for c in second.context["commitments"]] == [f"PG{n:04d}" for n in range(20, 25)]
    assert first.context["page"].paginator.count == 25
    assert 'rel="next" href' in first.text or 'href="?page=2" rel="next"' in first.text
    assert clamped.status_code == 200 and clamped.context["page"].number == 1
