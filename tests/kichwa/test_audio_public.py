# ruff: noqa: F811 - pytest fixtures imported from other modules
"""A recording on the public pages: a player that downloads nothing until played, with the Opus and the MP3 as
its sources (both served, with the right type, cached for good, in byte ranges), its length, sizes, downloads and
transcript, the page's language first; in one query per record or per list."""

from __future__ import annotations

import hashlib

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from lxml import html as lxml_html

from kichwa import services
from kichwa.models import Recording, RecordingState
from kichwa.selectors import prefetch_recordings
from tests.factories import ProgressUpdateFactory
from tests.meetings.factories import MeetingFactory
from tests.reports.conftest import draft, plan_with_progress, reports_root  # noqa: F401 - fixtures
from tests.roads.factories import RoadWorkFactory

from .audio_samples import audio_root, samples, upload  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

PAGE = "/{lang}/compromisos/TEST0001/"


@pytest.fixture
def add(planner, samples, audio_root, django_capture_on_commit_callbacks):
    """Attach a sample to a record and convert it, as staff do in the admin."""

    def add(target, language="qu", sample="whatsapp", published=True, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            recording = services.recording_add(
                target=target,
                language=language,
                upload=upload(samples[sample]),
                is_published=published,
                by=planner,
                **fields,
            )
        recording.refresh_from_db()
        return recording

    return add


def figures(response) -> list:
    return lxml_html.fromstring(response.content).xpath("//figure[@class='recording']")


def test_a_whatsapp_voice_note_plays_on_the_commitment_page_in_both_formats(citizen, commitment, add):
    recording = add(commitment, title="Kay rurana imamanta")

    response = citizen.get(PAGE.format(lang="qu"))

    [figure] = figures(response)
    assert figure.get("lang") == "qu"
    [player] = figure.xpath(".//audio")
    assert player.get("preload") == "none" and player.get("controls") is not None
    sources = [(s.get("type"), s.get("src")) for s in player.xpath(".//source")]
    assert sources == [
        ("audio/ogg; codecs=opus", f"/audio/{recording.pk}/{recording.opus_sha256}.opus"),
        ("audio/mpeg", f"/audio/{recording.pk}/{recording.mp3_sha256}.mp3"),
    ]
    for (kind, url), digest in zip(sources, (recording.opus_sha256, recording.mp3_sha256), strict=True):
        served = citizen.get(url)
        body = b"".join(served.streaming_content)
        assert served.status_code == 200
        assert served["Content-Type"] == kind.split(";")[0]
        assert hashlib.sha256(body).hexdigest() == digest
        assert served["Cache-Control"] == "public, max-age=86400, immutable"
        assert served["X-Content-Type-Options"] == "nosniff"
        assert served["Accept-Ranges"] == "bytes"
        assert served["Content-Disposition"].startswith("inline;")


def test_the_block_says_the_length_the_sizes_and_offers_both_downloads(citizen, commitment, add):
    recording = add(commitment)

    [figure] = figures(citizen.get(PAGE.format(lang="es")))

    assert figure.xpath(".//time")[0].get("datetime") == "PT0M3S"
    assert figure.xpath(".//time")[0].text == "0:03"
    downloads = {a.get("download"): a.text_content() for a in figure.xpath(".//a[@download]")}
    assert set(downloads) == {
        f"conecta-pastaza-grabacion-{recording.pk}-qu.opus",
        f"conecta-pastaza-grabacion-{recording.pk}-qu.mp3",
    }
    assert any(text.startswith("Descargar Opus (") for text in downloads.values())
    assert figure.xpath(".//figcaption/strong")[0].get("lang") == "es"
    assert figure.xpath(".//figcaption/strong")[0].text == "Escuchar en kichwa"


def test_the_pages_language_comes_first(citizen, commitment, add):
    add(commitment, language="es", sample="mp3")
    add(commitment, language="qu", sample="whatsapp")

    assert [f.get("lang") for f in figures(citizen.get(PAGE.format(lang="qu")))] == ["qu", "es"]
    assert [f.get("lang") for f in figures(citizen.get(PAGE.format(lang="es")))] == ["es", "qu"]


def test_the_transcript_is_the_recordings_own_or_the_pages_text(citizen, commitment, add):
    add(commitment, language="es", sample="mp3", transcript="Buenos días.\n\nEste compromiso cuida el agua.")
    add(commitment, language="qu", sample="whatsapp")

    on_spanish_page = figures(citizen.get(PAGE.format(lang="es")))
    on_kichwa_page = figures(citizen.get(PAGE.format(lang="qu")))

    spanish, kichwa = on_spanish_page
    assert [p.text for p in spanish.xpath(".//details//p")] == ["Buenos días.", "Este compromiso cuida el agua."]
    [link] = kichwa.xpath(".//details//a")
    assert (link.get("href"), link.get("hreflang")) == ("/qu/compromisos/TEST0001/", "qu")
    assert kichwa.xpath(".//details/summary")[0].text == "Transcripción"
    own_language = on_kichwa_page[0].xpath(".//details//p")[0]
    assert own_language.text_content() == "Uyarinaka kay panka killkashka nishkata ninmi."


def test_only_published_and_converted_recordings_are_shown_and_served(citizen, commitment, add, settings):
    hidden = add(commitment, published=False)
    settings.AUDIO_OPUS_BITRATE = 1000
    failed = add(commitment)
    settings.AUDIO_OPUS_BITRATE = 24
    queued = add(commitment)
    Recording.objects.filter(pk=queued.pk).update(state=RecordingState.QUEUED)

    assert figures(citizen.get(PAGE.format(lang="qu"))) == []
    assert failed.state == RecordingState.FAILED
    for recording in (hidden, queued):
        assert citizen.get(f"/audio/{recording.pk}/{recording.opus_sha256}.opus").status_code == 404
        assert citizen.get(f"/audio/{recording.pk}/{recording.mp3_sha256}.mp3").status_code == 404


def test_an_address_with_another_files_digest_or_a_strange_extension_is_404(citizen, commitment, add):
    recording = add(commitment)

    assert citizen.get(f"/audio/{recording.pk}/{recording.mp3_sha256}.opus").status_code == 404
    assert citizen.get(f"/audio/{recording.pk}/{recording.opus_sha256}.ogg").status_code == 404
    assert citizen.get(f"/audio/{recording.pk}/{recording.original_sha256}.mp3").status_code == 404
    assert citizen.get(f"/audio/{recording.pk + 1}/{recording.mp3_sha256}.mp3").status_code == 404
    assert citizen.get(f"/audio/99999999999999999999/{recording.mp3_sha256}.mp3").status_code == 404


def test_a_browser_that_has_the_file_gets_a_304(citizen, commitment, add):
    recording = add(commitment)
    url = f"/audio/{recording.pk}/{recording.opus_sha256}.opus"

    response = citizen.get(url, HTTP_IF_NONE_MATCH=f'"{recording.opus_sha256}"')

    assert response.status_code == 304


def test_byte_ranges_are_answered_so_that_safari_plays_and_seeks(citizen, commitment, add, audio_root):
    recording = add(commitment)
    url = f"/audio/{recording.pk}/{recording.mp3_sha256}.mp3"
    whole = (audio_root / recording.mp3.name).read_bytes()

    # Each response read before the next request: a streamed body left unread holds the request open.
    first = citizen.get(url, HTTP_RANGE="bytes=0-1")
    assert (first.status_code, first["Content-Range"]) == (206, f"bytes 0-1/{len(whole)}")
    assert b"".join(first.streaming_content) == whole[:2]
    middle = citizen.get(url, HTTP_RANGE="bytes=100-199", HTTP_IF_RANGE=f'"{recording.mp3_sha256}"')
    assert b"".join(middle.streaming_content) == whole[100:200] and middle["Content-Length"] == "100"
    tail = citizen.get(url, HTTP_RANGE="bytes=-50")
    assert b"".join(tail.streaming_content) == whole[-50:]
    assert tail["Content-Type"] == "audio/mpeg" and tail["Cache-Control"] == "public, max-age=86400, immutable"
    beyond = citizen.get(url, HTTP_RANGE=f"bytes={len(whole)}-")
    assert (beyond.status_code, beyond["Content-Range"]) == (416, f"bytes */{len(whole)}")
    stale = citizen.get(url, HTTP_RANGE="bytes=0-1", HTTP_IF_RANGE='"something-else"')
    assert stale.status_code == 200 and b"".join(stale.streaming_content) == whole


def test_a_cached_page_shows_the_recording_once_it_is_converted(citizen, commitment, add, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cache.clear()
    assert figures(citizen.get(PAGE.format(lang="qu"))) == []  # cached without recordings

    add(commitment)

    assert len(figures(citizen.get(PAGE.format(lang="qu")))) == 1


@pytest.mark.parametrize("kind", ["roadwork", "meeting"])
def test_road_work_and_meeting_pages_play_their_recordings(citizen, add, kind):
    record = RoadWorkFactory() if kind == "roadwork" else MeetingFactory()
    recording = add(record, language="es", sample="m4a")

    url = record.get_absolute_url() if kind == "roadwork" else f"/es/reuniones/{record.slug}/"
    response = citizen.get(url)

    [figure] = figures(response)
    assert figure.get("lang") == "es"
    assert f"/audio/{recording.pk}/{recording.opus_sha256}.opus" in response.text


def test_a_reports_page_plays_its_recordings(planner_client, draft, add):
    recording = add(draft, language="qu")

    response = planner_client.get(f"/admin/reports/report/{draft.pk}/page/qu/")  # the page as it will be published

    [figure] = figures(response)
    assert f"/audio/{recording.pk}/{recording.mp3_sha256}.mp3" in response.text
    assert figure.xpath(".//audio")[0].get("preload") == "none"


def test_the_updates_recordings_are_shown_with_each_update(citizen, commitment, add):
    updates = [ProgressUpdateFactory(commitment=commitment, title_es=f"Avance {n}") for n in range(3)]
    add(updates[1], language="es", sample="mp3")

    page = lxml_html.fromstring(citizen.get(PAGE.format(lang="es")).content)

    rows = page.xpath("//ol[@class='updates']/li")
    assert [len(li.xpath(".//figure[@class='recording']")) for li in rows] == [0, 1, 0]


# Queries.

TAG = Template("{% load recordings %}{% recordings obj %}")
LIST = Template("{% load recordings %}{% for u in updates %}{% recordings u among=updates %}{% endfor %}")


def render(template, **context) -> str:
    request = RequestFactory().get("/es/compromisos/TEST0001/")
    with translation.override("es"):
        return template.render(Context({"request": request, **context}))


def test_a_records_recordings_cost_one_query(commitment, add, django_assert_num_queries):
    add(commitment, language="es", sample="mp3")
    add(commitment, language="qu")

    with django_assert_num_queries(1):
        text = render(TAG, obj=commitment)

    assert text.count("<audio") == 2


def test_a_list_costs_one_query_whatever_its_length(commitment, add, django_assert_num_queries):
    updates = [ProgressUpdateFactory(commitment=commitment) for _ in range(6)]
    for update in updates[::2]:
        add(update, language="es", sample="wav")

    with django_assert_num_queries(1):
        text = render(LIST, updates=updates)

    assert text.count("<audio") == 3


def test_recordings_read_by_the_view_cost_the_template_nothing(commitment, add, django_assert_num_queries):
    updates = [ProgressUpdateFactory(commitment=commitment) for _ in range(4)]
    add(updates[0], language="qu")
    with django_assert_num_queries(1):
        prefetch_recordings(updates)

    with django_assert_num_queries(0):
        text = render(LIST, updates=updates)

    assert text.count("<audio") == 1
