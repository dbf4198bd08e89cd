"""The reviewers' queue of Kichwa interface texts in the admin (kichwa.admin_review): a correction shows on the /qu/
pages at once, in every process; who may review; what a review records; and what the check costs each request."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, trans_real

from commitments.roles import PLANNER
from kichwa import catalogue
from kichwa.catalogue import (
    APPROVE_CORRECTED,
    PLURAL_SEPARATOR,
    forget_loaded,
    interface_string_review,
    markup_safe,
)
from kichwa.middleware import InterfaceCorrectionsMiddleware
from kichwa.models import InterfaceString, ReviewerProfile, ReviewState
from kichwa.roles import KICHWA_REVIEWER, PLANNER_GROUP, kichwa_roles_grant

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

ORGANISATION = "Organización Kichwa de prueba"
QUEUE = "/admin/kichwa/interfacestring/"
CORRECTED = "Rurana yuyaykuna"


@pytest.fixture(autouse=True)
def fresh_corrections():
    """Each test starts as a process that has loaded no correction, and leaves the process as it found it (the
    corrections it had loaded, the cache's version), so that no correction and no reload leaks into another test."""
    saved = catalogue._loaded_version, catalogue._corrections, cache.get(catalogue.VERSION_KEY)
    cache.delete(catalogue.VERSION_KEY)
    catalogue.forget_loaded()
    yield
    catalogue._loaded_version, catalogue._corrections, version = saved
    if version is None:
        cache.delete(catalogue.VERSION_KEY)
    else:
        cache.set(catalogue.VERSION_KEY, version, None)
    catalogue._install()


@pytest.fixture
def reviewer(db):
    user = UserFactory(username="revisora-kichwa", groups=[KICHWA_REVIEWER])
    ReviewerProfile.objects.create(user=user, organisation=ORGANISATION)
    return user


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def nav() -> InterfaceString:
    """The main menu's "Commitments", on every public page."""
    return InterfaceString.objects.get(msgid="Commitments", msgctxt="")


def change_url(row) -> str:
    return f"{QUEUE}{row.pk}/change/"


def review(client, row, decision: str, **data):
    fields = {"kichwa": row.kichwa, "comment": "", **data, "decision": decision}
    return client.post(change_url(row), fields)


def menu_item(page: str) -> str:
    """The text of the main menu's second link (Commitments)."""
    return re.search(r'<nav class="main-nav".*?<li>.*?<li><a [^>]*>([^<]*)<', page, re.S)[1]


# A correction on the public pages, at once.


def test_a_reviewer_corrects_a_menu_item_and_the_kichwa_page_shows_it_at_once(
    reviewer_client, citizen, nav, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cache.clear()
    assert menu_item(citizen.get("/qu/").text) == nav.kichwa  # and the page is now cached

    with django_capture_on_commit_callbacks(execute=True):
        response = review(reviewer_client, nav, APPROVE_CORRECTED, kichwa=CORRECTED)
    assert response.status_code == 302, response.content[:3000]

    assert menu_item(citizen.get("/qu/").text) == CORRECTED
    assert menu_item(citizen.get("/es/").text) == "Compromisos"


def test_a_process_that_had_loaded_the_corrections_reloads_them_when_another_one_saves_a_review(
    client, reviewer, nav, django_capture_on_commit_callbacks
):
    compiled = nav.kichwa
    assert menu_item(client.get("/qu/").text) == compiled  # this process has loaded the corrections (none)

    # The review saved "in another process": the row and the cache's version change, nothing of this process.
    with django_capture_on_commit_callbacks(execute=True):
        interface_string_review(string=nav, decision=APPROVE_CORRECTED, by=reviewer, kichwa=CORRECTED)
    with translation.override("qu"):
        assert gettext("Commitments") == compiled

    assert menu_item(client.get("/qu/").text) == CORRECTED


def test_a_process_that_starts_after_the_review_shows_the_correction(
    client, reviewer, nav, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        interface_string_review(string=nav, decision=APPROVE_CORRECTED, by=reviewer, kichwa=CORRECTED)
    catalogue.forget_loaded()
    trans_real._translations = {}  # a new process: the compiled catalogue, read afresh from the .mo file

    assert menu_item(client.get("/qu/").text) == CORRECTED


def test_a_correction_awaiting_approval_is_not_in_force(reviewer_client, nav, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review(reviewer_client, nav, "needs_editing", kichwa=CORRECTED, comment="Propongo otra palabra.")

    assert menu_item(reviewer_client.get("/qu/").text) == nav.kichwa
    assert InterfaceString.objects.get(pk=nav.pk).kichwa == CORRECTED  # kept as a proposal


# The review form.


def test_the_form_shows_english_and_spanish_beside_the_kichwa_and_the_note(reviewer_client, nav):
    page = reviewer_client.get(change_url(nav)).text

    assert '<div lang="en"><p>Commitments</p></div>' in page
    assert '<div lang="es"><p>Compromisos</p></div>' in page
    assert 'lang="qu"' in page and nav.kichwa in page
    assert nav.note in page
    assert 'name="decision" value="approve"' in page
    assert 'name="decision" value="approve_corrected"' in page
    assert 'name="decision" value="needs_editing"' in page
    assert 'name="_save"' not in page


def test_approving_records_who_for_which_organisation_and_when(reviewer_client, reviewer, nav):
    response = review(reviewer_client, nav, "approve")

    nav.refresh_from_db()
    assert response.status_code == 302
    assert (nav.state, nav.reviewed_by, nav.organisation, nav.corrected) == (
        ReviewState.APPROVED,
        reviewer,
        ORGANISATION,
        False,
    )
    assert nav.reviewed_at is not None


def test_a_planner_reviews_for_the_planning_directorate(planner_client, nav):
    review(planner_client, nav, "approve_corrected", kichwa=CORRECTED)

    nav.refresh_from_db()
    assert (nav.kichwa, nav.organisation) == (CORRECTED, PLANNER_GROUP)


@pytest.mark.parametrize(
    "decision, data, message",
    [
        (
            "approve",
            {"kichwa": CORRECTED},
            "You changed the Kichwa: to keep your change, choose “Approve with my correction”.",
        ),
        ("approve_corrected", {}, "The Kichwa is unchanged: correct it first, or choose “Approve”."),
        ("needs_editing", {}, "Say in the comment what needs editing."),
        ("approve", {"kichwa": ""}, "Write the Kichwa before approving it."),
        ("", {}, "Choose Approve, Approve with my correction or Needs editing."),
    ],
)
def test_a_review_that_does_not_fit_its_button_is_refused_with_a_message(reviewer_client, nav, decision, data, message):
    response = review(reviewer_client, nav, decision, **data)

    assert response.status_code == 200
    with translation.override("es"):  # the staff's language unless they choose another
        assert escape(gettext(message)) in response.text
    assert InterfaceString.objects.get(pk=nav.pk).state == nav.state


def test_a_correction_that_breaks_a_placeholder_is_refused_in_the_form(reviewer_client):
    row = InterfaceString.objects.filter(in_catalogue=True, msgid_plural="", msgid__contains="%(count)s").first()

    response = review(reviewer_client, row, "approve_corrected", kichwa=row.kichwa.replace("%(count)s", "%(kati)s"))

    assert response.status_code == 200
    assert "%(kati)s" in response.text and 'class="errorlist' in response.text
    assert InterfaceString.objects.get(pk=row.pk).kichwa == row.kichwa


def test_a_plural_text_has_one_box_per_form(reviewer_client, django_capture_on_commit_callbacks):
    row = InterfaceString.objects.filter(in_catalogue=True, msgctxt="").exclude(msgid_plural="").first()
    one, many = row.kichwa.split(PLURAL_SEPARATOR)
    page = reviewer_client.get(change_url(row)).text
    assert 'name="kichwa_0"' in page and 'name="kichwa_1"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(
            change_url(row),
            {"kichwa_0": one, "kichwa_1": many + " ari", "comment": "", "decision": "approve_corrected"},
        )

    assert response.status_code == 302, response.content[:3000]
    assert InterfaceString.objects.get(pk=row.pk).kichwa == f"{one}{PLURAL_SEPARATOR}{many} ari"
    catalogue.ensure_current()
    with translation.override("qu"):
        assert translation.ngettext(row.msgid, row.msgid_plural, 7) == f"{many} ari"


# The queue.


def test_the_queue_opens_on_what_awaits_review_with_the_counts_at_the_top(reviewer_client, reviewer, nav):
    interface_string_review(string=nav, decision="needs_editing", by=reviewer, comment="Revisar.")
    rows = InterfaceString.objects.filter(in_catalogue=True)
    awaiting, needs_editing, approved = (rows.filter(state=state).count() for state in ReviewState.values)

    page = reviewer_client.get(QUEUE).text

    assert f'<a href="?state=awaiting"><strong>{awaiting}</strong>' in page
    assert f'<a href="?state=needs_editing"><strong>{needs_editing}</strong>' in page
    assert f'<a href="?state=approved"><strong>{approved}</strong>' in page
    assert needs_editing == 1
    assert nav not in reviewer_client.get(QUEUE, {"q": "Commitments"}).context["cl"].result_list
    assert nav in reviewer_client.get(QUEUE, {"q": "Commitments", "state": "needs_editing"}).context["cl"].result_list


def test_all_states_list_awaiting_first(reviewer_client, reviewer, nav):
    interface_string_review(string=nav, decision="needs_editing", by=reviewer, comment="Revisar.")

    response = reviewer_client.get(QUEUE + "?state=all")

    states = [row.state for row in response.context["cl"].result_list]
    assert states == sorted(states, key=["awaiting", "needs_editing", "approved"].index)


@pytest.mark.parametrize("query", ["Commitments", "Compromisos", "Ari nishka ruranakuna"])
def test_the_queue_searches_english_spanish_and_kichwa(reviewer_client, nav, query):
    response = reviewer_client.get(QUEUE, {"state": "all", "q": query})

    assert nav in response.context["cl"].result_list


def test_the_queue_costs_the_same_few_queries_whatever_the_page_holds(
    reviewer_client, reviewer, django_assert_max_num_queries
):
    for row in InterfaceString.objects.filter(in_catalogue=True)[:60]:
        interface_string_review(string=row, decision="needs_editing", by=reviewer, comment="Revisar.")

    with django_assert_max_num_queries(12):
        response = reviewer_client.get(QUEUE + "?state=needs_editing")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 50


def test_approving_several_texts_at_once(reviewer_client, reviewer):
    rows = list(InterfaceString.objects.filter(state=ReviewState.AWAITING).exclude(kichwa="")[:3])

    response = reviewer_client.post(QUEUE, {"action": "approve_selected", "_selected_action": [row.pk for row in rows]})

    assert response.status_code == 302
    assert set(
        InterfaceString.objects.filter(pk__in=[row.pk for row in rows]).values_list("state", "organisation")
    ) == {(ReviewState.APPROVED, ORGANISATION)}


def test_sending_several_texts_back_asks_for_a_comment(reviewer_client):
    rows = list(InterfaceString.objects.filter(state=ReviewState.AWAITING)[:2])
    selection = {"action": "needs_editing_selected", "_selected_action": [row.pk for row in rows]}

    asked = reviewer_client.post(QUEUE, selection)
    assert asked.status_code == 200 and 'name="comment"' in asked.text

    done = reviewer_client.post(QUEUE, {**selection, "apply": "1", "comment": "Palabra poco usada en Pastaza."})
    assert done.status_code == 302
    assert set(InterfaceString.objects.filter(pk__in=[row.pk for row in rows]).values_list("state", "comment")) == {
        (ReviewState.NEEDS_EDITING, "Palabra poco usada en Pastaza.")
    }


# Who may review.


def test_the_planner_group_named_here_is_the_planners_group():
    assert PLANNER_GROUP == PLANNER


def test_reviewers_and_planners_may_view_and_change_but_not_add_or_delete():
    kichwa_roles_grant()
    kichwa_roles_grant()  # idempotent

    for name in (KICHWA_REVIEWER, PLANNER):
        codenames = set(
            Group.objects.get(name=name)
            .permissions.filter(content_type__app_label="kichwa")
            .values_list("codename", flat=True)
        )
        assert {"view_interfacestring", "change_interfacestring"} <= codenames
        assert {"add_interfacestring", "delete_interfacestring"}.isdisjoint(codenames)
        assert {"view_contentreview", "change_contentreview", "view_glossaryterm", "change_glossaryterm"} <= codenames


def test_a_reviewer_cannot_add_or_delete_a_text(reviewer_client, nav):
    assert reviewer_client.get(QUEUE).status_code == 200
    assert reviewer_client.get(QUEUE + "add/").status_code == 403
    assert reviewer_client.get(f"{QUEUE}{nav.pk}/delete/").status_code == 403
    assert reviewer_client.post(QUEUE, {"action": "delete_selected", "_selected_action": [nav.pk]}).status_code in (
        200,
        302,
    )
    assert InterfaceString.objects.filter(pk=nav.pk).exists()


def test_implementers_and_the_monitor_see_no_queue(implementer_client, monitor_client, nav):
    for client in (implementer_client, monitor_client):
        assert client.get(QUEUE).status_code == 403
        assert review(client, nav, "approve_corrected", kichwa=CORRECTED).status_code == 403
    assert InterfaceString.objects.get(pk=nav.pk).kichwa == nav.kichwa


def test_an_anonymous_visitor_is_sent_to_sign_in(citizen, nav):
    response = review(citizen, nav, "approve_corrected", kichwa=CORRECTED)

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert InterfaceString.objects.get(pk=nav.pk).kichwa == nav.kichwa


# What the check costs each request.


class CountingCache:
    """The cache, counting its reads."""

    def __init__(self, real):
        self.real, self.gets = real, 0

    def get(self, *args, **kwargs):
        self.gets += 1
        return self.real.get(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def counting_cache(monkeypatch):
    counting = CountingCache(cache)
    monkeypatch.setattr(catalogue, "cache", counting)
    return counting


def test_when_nothing_changed_the_middleware_reads_the_cache_once_and_the_database_never(
    counting_cache, django_assert_num_queries
):
    middleware = InterfaceCorrectionsMiddleware(lambda request: "response")
    request = RequestFactory().get("/qu/")
    middleware(request)  # this process loads the corrections once
    counting_cache.gets = 0

    with django_assert_num_queries(0):
        assert middleware(request) == "response"
    assert counting_cache.gets == 1


def test_after_a_review_the_middleware_loads_the_corrections_with_one_query(
    counting_cache, reviewer, nav, django_assert_num_queries
):
    middleware = InterfaceCorrectionsMiddleware(lambda request: "response")
    request = RequestFactory().get("/es/")
    middleware(request)
    interface_string_review(string=nav, decision=APPROVE_CORRECTED, by=reviewer, kichwa=CORRECTED)
    catalogue.bump_version()  # what the review's commit does
    counting_cache.gets = 0

    with django_assert_num_queries(1):
        middleware(request)
    assert counting_cache.gets == 1
    with translation.override("qu"):
        assert gettext("Commitments") == CORRECTED


def test_a_lost_version_costs_this_process_no_query(counting_cache, django_assert_num_queries):
    middleware = InterfaceCorrectionsMiddleware(lambda request: "response")
    request = RequestFactory().get("/qu/")
    middleware(request)
    cache.delete(catalogue.VERSION_KEY)  # evicted, or the cache restarted

    with django_assert_num_queries(0):
        middleware(request)
    assert cache.get(catalogue.VERSION_KEY) is not None  # a new number: every other process reloads once


def test_a_celery_task_starts_with_the_corrections_in_force(reviewer, nav):
    from celery.signals import task_prerun

    catalogue.ensure_current()
    interface_string_review(string=nav, decision=APPROVE_CORRECTED, by=reviewer, kichwa=CORRECTED)
    catalogue.bump_version()  # what the review's commit does, in the web process

    task_prerun.send(sender=None, task_id="an-e-mail-in-kichwa", task=None, args=(), kwargs={})

    with translation.override("qu"):
        assert gettext("Commitments") == CORRECTED


@pytest.mark.parametrize(
    "hostile",
    ['Ñankuna<img src=x onerror="alert(1)">', 'Ñankuna" onmouseover="alert(1)', "Ñankuna</a><a href=//evil.example>x"],
)
def test_a_correction_may_not_add_markup_to_the_pages(reviewer_client, citizen, nav, hostile):
    """Interface texts are printed unescaped ({% translate %} trusts its catalogue), and reviewers may come from
    outside the government: a correction adds no tag and no character that ends a text or an attribute."""
    response = review(reviewer_client, nav, APPROVE_CORRECTED, kichwa=hostile)

    assert response.status_code == 200 and 'class="errorlist' in response.text
    assert InterfaceString.objects.get(pk=nav.pk).kichwa == nav.kichwa


def test_a_correction_with_markup_already_in_the_database_is_never_printed(citizen, nav, reviewer):
    """Approved before the check existed, or written past the review: left out of the corrections applied."""
    InterfaceString.objects.filter(pk=nav.pk).update(kichwa="Ñankuna<img src=x>", state="approved")
    forget_loaded()

    page = citizen.get("/qu/").text

    assert "<img src=x>" not in page and menu_item(page) == nav.kichwa


def test_a_correction_keeping_the_englishs_own_tags_is_accepted():
    assert markup_safe('Read the <a href="%(url)s">notice</a>.', "", 'Kay <a href="%(url)s">willayta</a> rikupay.')
    assert not markup_safe('Read the <a href="%(url)s">notice</a>.', "", 'Kay <a href="%(url)s" onclick=x>w</a>.')
