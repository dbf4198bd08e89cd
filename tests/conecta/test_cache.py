"""Whole-page cache of public pages (conecta.cache): per language and address, dropped when staff change anything."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.test.utils import CaptureQueriesContext

from commitments.models import Canton, Commitment, Milestone
from conecta.cache import GENERATION_KEY, bump_generation, current_generation, public_page

from ..factories import MilestoneFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def caching(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(real_plan, settings):
    settings.CONECTA_PLAN_SLUG = real_plan.slug
    return real_plan


@pytest.fixture
def first_commitment(demo) -> Commitment:
    return Commitment.objects.published().filter(plan=demo).order_by("order").first()


def test_a_second_visit_is_served_from_the_cache_without_the_database(client, demo, django_assert_num_queries):
    first = client.get("/es/")
    assert first.status_code == 200

    with django_assert_num_queries(0):
        second = client.get("/es/")

    assert second.status_code == 200
    assert second.content == first.content


@pytest.mark.parametrize(
    "url",
    [
        "/es/compromisos/",
        "/es/compromisos/?eje=biophysical",
        "/es/compromisos/ECPTZ0001/",
        "/qu/territorio/",
        "/es/novedades/feed/",
        "/qu/compromisos/ECPTZ0002/feed/",
        "/sitemap.xml",
    ],
)
def test_other_public_pages_are_cached_too(client, demo, url, django_assert_num_queries):
    assert client.get(url).status_code == 200

    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_the_cache_keeps_each_language_apart(client, demo, first_commitment):
    spanish = client.get("/es/")
    kichwa = client.get("/qu/")
    spanish_again = client.get("/es/")
    kichwa_again = client.get("/qu/")

    assert spanish.content != kichwa.content
    assert b'<html lang="es"' in spanish_again.content
    assert b'<html lang="qu"' in kichwa_again.content
    assert spanish_again.content == spanish.content
    assert kichwa_again.content == kichwa.content


def test_the_cache_keeps_each_address_apart(client, demo):
    everything = client.get("/es/compromisos/")
    filtered = client.get("/es/compromisos/?eje=economic_productive")

    assert everything.content != filtered.content
    assert client.get("/es/compromisos/?eje=economic_productive").content == filtered.content


def test_a_changed_title_shows_on_the_next_visit(client, demo, first_commitment, django_capture_on_commit_callbacks):
    client.get("/es/")
    client.get(first_commitment.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        first_commitment.title_es = "Título recién corregido"
        first_commitment.save()

    assert "Título recién corregido" in client.get("/es/").content.decode()
    assert "Título recién corregido" in client.get(first_commitment.get_absolute_url()).content.decode()


def test_a_change_made_in_the_admin_shows_on_the_next_visit(
    client, planner_client, demo, first_commitment, django_capture_on_commit_callbacks
):
    url = f"/es/compromisos/{first_commitment.code}/"
    client.get(url)
    milestone = Milestone.objects.filter(commitment=first_commitment, is_published=True).first()

    with django_capture_on_commit_callbacks(execute=True):
        response = planner_client.post(
            f"/admin/commitments/milestone/{milestone.pk}/change/",
            {**_admin_form_data(planner_client, milestone), "title_es": "Hito corregido en el admin"},
        )
    assert response.status_code == 302, response.content[:2000]

    assert "Hito corregido en el admin" in client.get(url).content.decode()


def _admin_form_data(admin_client, milestone) -> dict:
    """The milestone's change form as the admin renders it (every field, inline management forms included)."""
    from html.parser import HTMLParser

    class Form(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data: dict = {}
            self._select = None
            self._textarea = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file"):
                if a.get("type") == "checkbox":
                    if "checked" in a:
                        self.data[a["name"]] = a.get("value", "on")
                else:
                    self.data[a["name"]] = a.get("value", "")
            elif tag == "select":
                self._select = a.get("name")
            elif tag == "option" and self._select and "selected" in a:
                self.data[self._select] = a.get("value", "")
            elif tag == "textarea":
                self._textarea = a.get("name")
                self.data[self._textarea] = ""

        def handle_endtag(self, tag):
            if tag == "select":
                self._select = None
            elif tag == "textarea":
                self._textarea = None

        def handle_data(self, data):
            if self._textarea:
                self.data[self._textarea] += data

    page = admin_client.get(f"/admin/commitments/milestone/{milestone.pk}/change/")
    assert page.status_code == 200
    form = Form()
    form.feed(page.content.decode())
    form.data.pop("csrfmiddlewaretoken", None)
    return {k: v.removeprefix("\n") if isinstance(v, str) else v for k, v in form.data.items()}


@pytest.mark.parametrize(
    "change",
    [
        "publish_update",
        "add_milestone",
        "unpublish_milestone",
        "remove_canton",
        "rename_canton",
    ],
)
def test_every_kind_of_public_change_drops_the_cache(
    client, demo, first_commitment, change, django_capture_on_commit_callbacks
):
    url = first_commitment.get_absolute_url()
    before = client.get(url).content

    with django_capture_on_commit_callbacks(execute=True):
        if change == "publish_update":
            ProgressUpdateFactory(commitment=first_commitment, title_es="Novedad recién publicada")
        elif change == "add_milestone":
            MilestoneFactory(commitment=first_commitment, order=99, title_es="Hito nuevo")
        elif change == "unpublish_milestone":
            milestone = Milestone.objects.filter(commitment=first_commitment, is_published=True).first()
            milestone.is_published = False
            milestone.save()
        elif change == "remove_canton":
            first_commitment.cantons.remove(first_commitment.cantons.first())
        elif change == "rename_canton":
            canton = first_commitment.cantons.first() or Canton.objects.first()
            first_commitment.cantons.add(canton)
            canton.name_es = "Cantón renombrado"
            canton.save()

    assert client.get(url).content != before


def test_nothing_is_dropped_until_the_change_is_committed(
    client, demo, first_commitment, django_capture_on_commit_callbacks
):
    before = client.get("/es/").content

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first_commitment.title_es = "Todavía sin confirmar"
        first_commitment.save()
        # A visitor who comes while the change is being written still gets the page as it was.
        assert client.get("/es/").content == before

    assert callbacks


def test_a_cached_page_says_it_varies_with_the_language(client, demo):
    client.get("/es/")
    cached = client.get("/es/")

    assert "Accept-Language" in cached["Vary"]
    assert "public" in cached["Cache-Control"]


def test_a_not_found_page_is_not_cached(client, demo):
    assert client.get("/qu/compromisos/NOPE0000/").status_code == 404

    with CaptureQueriesContext(connection) as queries:
        second = client.get("/qu/compromisos/NOPE0000/")

    assert second.status_code == 404
    assert b'<html lang="qu"' in second.content
    assert len(queries) > 0  # looked up again, not served from the cache


# The decorator on its own.


def _counting_view(response_factory, params=("q",)):
    calls = []

    @public_page(params=params)
    def view(request):
        calls.append(request.get_full_path())
        return response_factory(request)

    return view, calls


def test_a_response_that_is_not_a_200_is_not_cached(rf):
    view, calls = _counting_view(lambda request: HttpResponse("gone", status=404))

    view(rf.get("/es/x/"))
    view(rf.get("/es/x/"))

    assert len(calls) == 2


def test_a_raised_not_found_is_not_cached(rf):
    def not_found(request):
        raise Http404

    view, calls = _counting_view(not_found)
    for _ in range(2):
        with pytest.raises(Http404):
            view(rf.get("/es/nada/"))

    assert len(calls) == 2


def test_a_page_that_sets_a_cookie_or_a_csrf_token_is_not_cached(rf):
    def with_cookie(request):
        response = HttpResponse("hola")
        response.set_cookie("tracking", "1")
        return response

    def with_token(request):
        return HttpResponse(f"token {get_token(request)}")

    for factory in (with_cookie, with_token):
        view, calls = _counting_view(factory)
        view(rf.get("/es/y/"))
        response = view(rf.get("/es/y/"))
        assert len(calls) == 2
        assert "public" not in response.get("Cache-Control", "")


def test_a_page_that_reads_the_session_is_not_cached(rf):
    from django.contrib.sessions.backends.cache import SessionStore

    def reads_session(request):
        return HttpResponse(f"hola {request.session.get('name', '')}")

    view, calls = _counting_view(reads_session)
    for _ in range(2):
        request = rf.get("/es/z/")
        request.session = SessionStore()
        view(request)

    assert len(calls) == 2


def test_long_addresses_that_start_alike_are_cached_apart(rf):
    view, calls = _counting_view(lambda request: HttpResponse(request.GET.get("q", "")))
    prefix = "ñ" * 2000

    first = view(rf.get("/es/compromisos/", {"q": prefix + "a"}))
    second = view(rf.get("/es/compromisos/", {"q": prefix + "b"}))

    assert first.content.decode().endswith("a")
    assert second.content.decode().endswith("b")


def test_posts_are_never_cached(rf):
    view, calls = _counting_view(lambda request: HttpResponse("ok"))

    view(rf.post("/es/w/"))
    view(rf.post("/es/w/"))

    assert len(calls) == 2


def test_a_lost_generation_number_never_brings_old_pages_back(rf):
    view, calls = _counting_view(lambda request: HttpResponse(f"call {len(calls)}"))
    view(rf.get("/es/v/"))
    old = current_generation()
    bump_generation()
    bump_generation()
    cache.delete(GENERATION_KEY)  # evicted, or a restarted cache

    assert current_generation() not in (old, old + 1, old + 2)
    view(rf.get("/es/v/"))
    assert len(calls) == 2


def test_bumping_without_a_generation_starts_a_new_one(rf):
    cache.delete(GENERATION_KEY)

    bump_generation()

    assert cache.get(GENERATION_KEY) is not None


def test_with_the_cache_off_every_visit_renders(client, demo, settings, django_assert_max_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get("/es/")

    with django_assert_max_num_queries(50) as captured:
        client.get("/es/")

    assert len(captured) > 0


def test_many_changes_in_one_transaction_bump_once(demo, first_commitment, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            for milestone in Milestone.objects.filter(commitment=first_commitment):
                milestone.save()
            first_commitment.cantons.remove(first_commitment.cantons.first())
            first_commitment.save()

    assert [c for c in callbacks if c is bump_generation] == [bump_generation]


def test_a_change_whose_savepoint_rolled_back_still_lets_the_others_bump(
    demo, first_commitment, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    first_commitment.save()
                    raise RuntimeError("the import's row failed")
            except RuntimeError:
                pass
            Canton.objects.first().save()

    assert [c for c in callbacks if c is bump_generation] == [bump_generation]


def test_a_visit_through_another_host_name_does_not_leave_its_links_for_others(client, demo):
    client.get("/sitemap.xml", HTTP_HOST="localhost")
    client.get("/es/novedades/feed/", HTTP_HOST="localhost")

    for url in ("/sitemap.xml", "/es/novedades/feed/"):
        served = client.get(url, HTTP_HOST="testserver", secure=True).content

        assert b"//localhost" not in served
        assert b"https://testserver/es/" in served


# The key: the parameters a page reads, normalised.


def test_an_unknown_query_parameter_reuses_the_cached_page(client, demo, django_assert_num_queries):
    first = client.get("/es/")

    with django_assert_num_queries(0):
        for junk in ("?v=1", "?v=8f3a9c", "?utm_source=radio&fbclid=x"):
            assert client.get("/es/" + junk).content == first.content


def test_the_same_filters_in_another_order_or_with_empty_ones_are_one_page(client, demo, django_assert_num_queries):
    first = client.get("/es/compromisos/?eje=biophysical&q=agua")

    with django_assert_num_queries(0):
        for same in ("?q=agua&eje=biophysical", "?q=agua&nivel=&eje=biophysical&orden=", "?eje=biophysical&q=agua&v=2"):
            assert client.get("/es/compromisos/" + same).content == first.content


def test_a_page_never_shows_a_parameter_it_does_not_read(client, demo):
    page = client.get("/es/compromisos/?eje=biophysical&utm_source=spam").content.decode()

    # The language switcher links to the same page in Kichwa: with the filter, without the stranger.
    assert "/qu/compromisos/?eje=biophysical" in page
    assert "utm_source" not in page


def test_the_view_sees_only_its_declared_parameters_in_order_of_name(rf):
    seen = []

    @public_page(params=("page", "q"))
    def view(request):
        seen.append((dict(request.GET.items()), request.get_full_path()))
        return HttpResponse("ok")

    view(rf.get("/es/lista/", {"v": "1", "q": "agua", "page": "2", "x": "y"}))

    assert seen == [({"page": "2", "q": "agua"}, "/es/lista/?page=2&q=agua")]


def test_a_repeated_parameter_keeps_the_value_the_view_would_read(rf):
    view, calls = _counting_view(lambda request: HttpResponse(request.GET.get("q", "")))

    first = view(rf.get("/es/lista/?q=rio&q=agua"))
    second = view(rf.get("/es/lista/?q=agua"))

    assert first.content == second.content == b"agua"
    assert len(calls) == 1


def test_a_page_that_reads_no_parameter_is_cached_once_whatever_the_query(rf):
    view, calls = _counting_view(lambda request: HttpResponse(str(dict(request.GET))), params=())

    for query in ("", "?v=1", "?page=2", "?q=x&v=3"):
        assert view(rf.get("/es/z/" + query)).content == b"{}"

    assert len(calls) == 1


def test_the_request_is_given_back_its_whole_query_after_the_view(rf):
    view, _calls = _counting_view(lambda request: HttpResponse("ok"), params=("q",))
    request = rf.get("/es/lista/?q=agua&v=1")

    view(request)

    assert request.GET.dict() == {"q": "agua", "v": "1"}
    assert request.META["QUERY_STRING"] == "q=agua&v=1"
