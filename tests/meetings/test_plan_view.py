"""The "about the plan" page: the plan's dates and texts, its co-creation workshops and who monitors it."""

import re

import pytest
from django.utils import translation

from meetings.models import Meeting
from tests.factories import ActionPlanFactory

pytestmark = pytest.mark.django_db

# Measured: the plan; the workshops; their attendance.
PLAN_QUERIES = 3


def tables(html: str) -> str:
    return " ".join(re.findall(r'<table class="chart-data">.*?</table>', html, re.S))


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_it_shows_the_54_participants_and_each_workshops_figures(citizen, real_plan, lang):
    response = citizen.get(f"/{lang}/plan/")

    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    overall = response.context["overall"]
    assert (overall.total, overall.men, overall.women) == (54, 25, 29)
    assert "<strong>54</strong>" in response.text
    figures = {
        w.axis: (w.attendance_figures.total, w.attendance_figures.men, w.attendance_figures.women)
        for w in response.context["workshops"]
    }
    assert figures == {"human_settlements": (14, 8, 6), "economic_productive": (19, 6, 13), "biophysical": (21, 11, 10)}
    data = tables(response.text)
    for value in (14, 19, 21, 25, 29, 8, 6, 13, 11, 10, 7, 5):
        assert f"<td>{value}</td>" in data
    assert response.text.count('<svg class="bars"') == 9  # per workshop, 2 totals, 2 per workshop
    with translation.override(lang):
        for workshop in Meeting.objects.all():
            assert workshop.title in response.text


def test_the_sector_totals_add_the_three_workshops(citizen, real_plan):
    response = citizen.get("/es/plan/")

    sectors = dict(response.context["overall"].sector)
    assert sectors == {
        "civil_society": 7,
        "community": 1,
        "ngo": 5,
        "public_sector": 21,
        "associative": 9,
        "private": 3,
        "academia": 8,
    }


def test_it_gives_the_plans_dates_texts_and_monitor(citizen, real_plan):
    response = citizen.get("/es/plan/")

    text = response.text
    assert real_plan.title_es in text
    for fragment in (
        "31 de diciembre de 2024",
        "9 de enero de 2025",
        "febrero de 2027",
        "Puyo",
        "21–22 de noviembre de 2024",
        "Fundación Ciudadanía y Desarrollo",
        "USAID",
    ):
        assert fragment in text
    assert real_plan.foreword_es.split("\n")[0] in text
    assert real_plan.vision_es[:60] in text
    assert real_plan.challenges_es[:60] in text


def test_the_kichwa_page_shows_the_kichwa_texts(citizen, real_plan):
    response = citizen.get("/qu/plan/")

    assert real_plan.vision_qu[:60] in response.text
    assert "Allpamamamanta llamkana tantanakuy" in response.text
    assert "21–22 Ayar 2024" in response.text


def test_unpublished_workshops_are_not_shown(citizen, real_plan):
    Meeting.objects.filter(axis="biophysical").update(is_published=False)

    response = citizen.get("/es/plan/")

    assert response.context["overall"].total == 33
    assert "Mesa de trabajo Biofísica" not in response.text


def test_the_page_works_for_a_plan_without_workshops_and_without_any_plan(citizen, settings):
    plan = ActionPlanFactory(slug="otro-plan", title_es="Otro plan", is_synthetic=True)
    settings.CONECTA_PLAN_SLUG = plan.slug

    assert "Otro plan" in citizen.get("/es/plan/").text
    settings.CONECTA_PLAN_SLUG = "ninguno"  # and no real plan to fall back on
    response = citizen.get("/es/plan/")
    assert response.status_code == 200
    assert response.context["plan"] is None


def test_the_queries_are_few_and_fixed(citizen, real_plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(PLAN_QUERIES):
        citizen.get("/qu/plan/")
