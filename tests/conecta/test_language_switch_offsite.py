"""The language switcher (and the alternate links) of any page, a 404 for a hostile address included, link to a
page of this site: never to "//evil.example/x", which a browser reads as another site."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

# PATH_INFO as the server hands it over, after decoding "%2F" and "%5C".
HOSTILE_PATHS = [
    "//evil.example/x",
    "///evil.example/x",
    "////evil.example",
    "/\\evil.example",
    "/\\\\evil.example/x",
    "/\\/evil.example",
    "//\\evil.example",
    "/%2F%2Fevil.example/x",
    "/%5C%5Cevil.example",
    "//evil.example/es/",
    "//evil.example/qu/compromisos/",
    "//evil.example:443@evil.example/x",
]


def switcher_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)" hreflang=', html)


def leaves_the_site(href: str) -> bool:
    """What a browser reads as another host (or scheme): a scheme, or two slashes or backslashes in front."""
    return bool(re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|[/\\]{2})", href)) or not href.startswith("/")


@pytest.mark.parametrize("lang", ["es", "qu"])
@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_the_switcher_on_a_404_stays_on_the_site(client, path, lang):
    client.cookies["conecta_lang"] = lang

    response = client.get("/", PATH_INFO=path)

    links = switcher_links(response.content.decode())
    assert response.status_code == 404
    assert links, "the 404 page has a language switcher"
    assert not [href for href in links if leaves_the_site(href)], links


@pytest.mark.parametrize("path", ["/es//evil.example/x", "/qu//evil.example", "/es/\\\\evil.example/"])
def test_a_prefixed_hostile_404_keeps_its_tail_under_the_other_language(client, path):
    response = client.get("/", PATH_INFO=path)

    links = switcher_links(response.content.decode())
    assert response.status_code == 404
    assert len(links) == 1
    assert not leaves_the_site(links[0])
    assert links[0].startswith("/qu/" if path.startswith("/es/") else "/es/")


def test_an_ordinary_page_still_links_to_itself_in_the_other_language(client, commitment):
    assert switcher_links(client.get("/es/compromisos/TEST0001/").content.decode()) == ["/qu/compromisos/TEST0001/"]
    assert switcher_links(client.get("/qu/compromisos/?q=agua").content.decode()) == ["/es/compromisos/?q=agua"]
