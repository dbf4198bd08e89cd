"""`/` sends each visitor to the portal in their language: Kichwa for any Kichwa/Quechua tag, else Spanish."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "accept_language",
    ["qu-EC", "qu", "quz", "qug", "qvi", "QU-ec", "qug-EC,es;q=0.8", "en-US,en;q=0.9,qu;q=0.5"],
)
def test_kichwa_readers_go_to_the_kichwa_portal(client, accept_language):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)

    assert response.status_code == 302
    assert response["Location"] == "/qu/"


@pytest.mark.parametrize("accept_language", ["es-EC", "es", "en-US", "en-US,en;q=0.9", "fr", "*", "", "qux;;;"])
def test_everyone_else_goes_to_the_spanish_portal(client, accept_language):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)

    assert response["Location"] == "/es/"


def test_a_visitor_without_accept_language_goes_to_spanish(client):
    assert client.get("/")["Location"] == "/es/"


def test_spanish_first_wins_over_a_later_kichwa(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="es-EC,qu;q=0.5")["Location"] == "/es/"


def test_a_chosen_language_cookie_wins_over_the_browser(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "qu"

    assert client.get("/", HTTP_ACCEPT_LANGUAGE="es-EC")["Location"] == "/qu/"


def test_an_unknown_cookie_is_ignored(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    assert client.get("/", HTTP_ACCEPT_LANGUAGE="quz")["Location"] == "/qu/"


def test_caches_keep_one_answer_per_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="qu-EC")

    varies = {part.strip().lower() for part in response["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= varies
