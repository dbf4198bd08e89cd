"""Every public page exists in Spanish (/es/) and Kichwa (/qu/), says which in <html lang>, and links to
the same page in the other language."""

import re

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


def switcher_link(html: str, lang: str) -> str:
    """The language switcher's link to `lang`."""
    match = re.search(rf'<a href="([^"]+)" hreflang="{lang}" lang="{lang}">', html)
    assert match, f"no switcher link to {lang}"
    return match.group(1)


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_each_language_says_which_it_is(citizen, real_plan, lang):
    response = citizen.get(f"/{lang}/")

    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text


def test_the_kichwa_pages_use_the_kichwa_catalog(citizen, real_plan):
    with translation.override("es"):
        spanish = translation.gettext("Overall progress")
    with translation.override("qu"):
        kichwa = translation.gettext("Overall progress")

    assert spanish in citizen.get("/es/").text
    assert kichwa in citizen.get("/qu/").text


def test_only_the_kichwa_pages_ask_for_translation_feedback(citizen, real_plan, settings):
    assert settings.TRANSLATION_FEEDBACK_URL in citizen.get("/qu/").text
    assert 'class="review-note"' not in citizen.get("/es/").text


@pytest.mark.parametrize(
    ("path", "lang", "other", "expected"),
    [
        ("/es/", "es", "qu", "/qu/"),
        ("/qu/", "qu", "es", "/es/"),
        ("/es/compromisos/ECPTZ0002/", "es", "qu", "/qu/compromisos/ECPTZ0002/"),
        ("/qu/compromisos/ECPTZ0002/", "qu", "es", "/es/compromisos/ECPTZ0002/"),
    ],
)
def test_the_language_switcher_links_to_the_same_page_in_the_other_language(
    citizen, real_plan, path, lang, other, expected
):
    response = citizen.get(path)

    assert switcher_link(response.text, other) == expected
    assert f'<span aria-current="true" lang="{lang}">' in response.text
    assert citizen.get(expected).status_code == 200


def test_the_switcher_keeps_the_parameters_the_page_reads(citizen, real_plan):
    response = citizen.get("/es/compromisos/?q=agua&page=2")

    assert switcher_link(response.text, "qu") == "/qu/compromisos/?page=2&amp;q=agua"


def test_the_switcher_drops_parameters_the_page_does_not_read(citizen, real_plan):
    """A parameter no page reads (a tracking tag, a cache-buster) must not be written into a page that is cached
    for everyone."""
    response = citizen.get("/es/?pagina=2&utm_source=spam")

    assert switcher_link(response.text, "qu") == "/qu/"


def test_the_pages_announce_their_other_language_to_search_engines(citizen, real_plan, settings):
    response = citizen.get("/es/compromisos/ECPTZ0001/")

    assert f'<link rel="alternate" hreflang="qu" href="{settings.SITE_URL}/qu/compromisos/ECPTZ0001/">' in response.text


def test_a_page_without_a_language_prefix_is_not_served_twice(citizen, real_plan):
    assert citizen.get("/compromisos/ECPTZ0001/").status_code in {301, 302, 404}


def test_an_unsupported_language_prefix_is_not_found(citizen, real_plan):
    assert citizen.get("/en/").status_code == 404
