"""Road requests in the feeds and the sitemap: only published ones (approved), with their public notes, never the
sender's contact or text."""

from __future__ import annotations

import pytest

from roads import services
from tests.roads.factories import RoadRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests(planner):
    shown = RoadRequestFactory(tracking_code="VP-2345-AB", name="Rosa Grefa", email="rosa@example.org")
    services.request_status_change(request=shown, status="scheduled", by=planner, note_es="Programado para marzo.")
    hidden = RoadRequestFactory(tracking_code="VP-2345-CD", moderation="pending")
    services.request_status_change(request=hidden, status="scheduled", by=planner, note_es="Nota interna.")
    return shown, hidden


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_feed_has_the_published_requests_changes_and_nothing_personal(citizen, requests, lang):
    response = citizen.get(f"/{lang}/vias/solicitudes/feed/")

    text = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    assert "VP-2345-AB" in text and "Programado para marzo." in text
    assert f"/{lang}/vias/solicitudes/VP-2345-AB/" in text
    assert "VP-2345-CD" not in text and "Nota interna" not in text
    assert "Rosa" not in text and "rosa@example.org" not in text and "bache grande" not in text


def test_the_feed_costs_the_same_for_3_or_30_changes(citizen, planner, django_assert_max_num_queries):
    for count in (3, 30):
        for _ in range(count):
            road_request = RoadRequestFactory()
            services.request_status_change(request=road_request, status="in_progress", by=planner, note_es="En obra.")
        with django_assert_max_num_queries(3):
            assert citizen.get("/es/vias/solicitudes/feed/").status_code == 200


def test_the_sitemap_lists_published_requests_in_both_languages(citizen, requests):
    text = citizen.get("/sitemap.xml").content.decode()

    assert "/es/vias/solicitudes/VP-2345-AB/" in text and "/qu/vias/solicitudes/VP-2345-AB/" in text
    assert "VP-2345-CD" not in text
