"""The accessibility statement and the privacy notice, in both languages."""

import pytest

pytestmark = pytest.mark.django_db

EMAIL = "transparency@pastaza.gob.ec"


@pytest.mark.parametrize("lang", ["es", "qu"])
@pytest.mark.parametrize("path", ["accesibilidad", "privacidad"])
def test_the_page_renders_in_the_language_asked_for(citizen, lang, path):
    response = citizen.get(f"/{lang}/{path}/")

    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    assert response.text.count("<h1>") == 1
    assert f'href="mailto:{EMAIL}"' in response.text
    assert "2026" in response.text


def test_the_accessibility_statement_gives_its_target_tests_limits_and_answer_time(citizen):
    text = citizen.get("/es/accesibilidad/").text

    for fragment in ("WCAG", "2.2", "AA", "axe-core", "360", "Kichwa", "10"):
        assert fragment in text


def test_the_privacy_notice_cites_the_law_and_the_rights(citizen):
    text = citizen.get("/es/privacidad/").text

    for fragment in (
        "Ley Orgánica de Protección de Datos Personales",
        "459",
        "2021",
        "30",
        "GAD Provincial de Pastaza",
    ):
        assert fragment in text


@pytest.mark.parametrize("name", ["accessibility", "privacy"])
def test_the_footer_links_to_the_page(citizen, name):
    from django.urls import reverse

    response = citizen.get("/es/")

    assert f'href="{reverse(name)}"' in response.text
