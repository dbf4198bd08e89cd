"""robots.txt: crawlers may read every public page, not the staff admin nor the e-mail alerts' pages, and find the
sitemap."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def rules(content: bytes) -> list[tuple[str, str]]:
    lines = [line.split(":", 1) for line in content.decode().splitlines() if ":" in line]
    return [(field.strip().lower(), value.strip()) for field, value in lines]


def test_it_is_plain_text(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_it_keeps_crawlers_out_of_the_admin_only(client):
    found = rules(client.get("/robots.txt").content)

    assert ("user-agent", "*") in found
    assert ("disallow", "/admin/") in found
    assert ("allow", "/") in found
    disallowed = [value for field, value in found if field == "disallow"]
    assert not [path for path in disallowed if path in ("/", "/es/", "/qu/") or path.startswith(("/es", "/qu"))]


def test_it_keeps_crawlers_out_of_the_alerts_pages_in_every_language(client):
    """Their addresses carry personal links (the manage and unsubscribe tokens); the pages also say noindex."""
    found = rules(client.get("/robots.txt").content)

    assert ("disallow", "/*/alertas/") in found


def test_it_points_to_the_sitemap_at_the_address_the_site_is_reached_at(client):
    found = dict(rules(client.get("/robots.txt", HTTP_HOST="localhost", secure=True).content))

    assert found["sitemap"] == "https://localhost/sitemap.xml"


def test_the_sitemap_it_points_to_exists(client):
    sitemap = dict(rules(client.get("/robots.txt").content))["sitemap"]

    assert client.get(sitemap.removeprefix("http://testserver")).status_code == 200


def test_it_ignores_query_strings_and_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/robots.txt?x=<script>alert(1)</script>")

    assert b"<script>" not in response.content
