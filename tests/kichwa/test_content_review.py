"""The community review of the Kichwa of records (kichwa.review): the state of each translated field, the lapse of
a review when a text changes, the "Kichwa reviewed by..." line that replaces the general warning, the share
reviewed on the accessibility page, and the reviewers' queue in the admin."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from commitments.models import ChangeRecord, Commitment
from kichwa.models import ContentReview, ReviewerProfile, ReviewState
from kichwa.review import (
    UNTRANSLATED,
    ReviewRefused,
    content_approve,
    content_kinds,
    content_needs_editing,
    fingerprint,
    record_review,
    review_queue,
    share_reviewed,
    translated_fields,
)
from kichwa.roles import KICHWA_REVIEWER
from reports.models import Report
from tests.factories import CommitmentFactory, MilestoneFactory, UserFactory
from tests.meetings.factories import AgreementFactory, MeetingFactory

ORGANISATION = "Organización Kichwa de prueba"
QUEUE = "/admin/kichwa/contentreview/"
REVIEW = "/admin/kichwa/contentreview/review/"
GENERAL_NOTE = "ayllu llakta kutin rikunkakama shuyakun"  # the Kichwa of base.html's general warning


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
def translated(commitment):
    """The published commitment TEST0001 with a Kichwa title, and one published milestone with a Kichwa title."""
    commitment.title_qu = "Allpamamata kamana rurana"
    commitment.save()
    milestone = MilestoneFactory(commitment=commitment, title_es="Vivero provincial", title_qu="Yura wiñachina wasi")
    return commitment, milestone


def state_of(obj, field: str) -> str:
    """The state the queue gives the field (kichwa.review.field_state through review_queue)."""
    kind = obj._meta.label_lower
    for state in (ReviewState.AWAITING, ReviewState.NEEDS_EDITING, ReviewState.APPROVED, UNTRANSLATED):
        keys = review_queue(state=state, kind=kind).keys
        if any(key.pk == obj.pk and key.field == field for key in keys):
            return state
    return "absent"


# Which fields are reviewed.


def test_the_reviewed_fields_are_modeltranslations_own_for_the_public_content():
    assert translated_fields(Commitment) == (
        "title",
        "problem",
        "status_quo",
        "action",
        "contribution",
        "budget_source",
    )
    labels = {kind.label for kind in content_kinds()}
    assert {"commitments.commitment", "commitments.milestone", "commitments.progressupdate"} <= labels
    assert {"commitments.indicator", "reports.report", "roads.roadwork", "meetings.meeting"} <= labels
    # What citizens write, and staff-only texts, are not the community's to review.
    assert not labels & {"feedback.suggestion", "feedback.comment", "roads.roadrequestchange"}


# States, and the lapse of a review.


def test_a_field_awaits_review_until_approved_and_lapses_when_either_text_changes(translated, reviewer):
    commitment, _milestone = translated
    assert state_of(commitment, "title") == ReviewState.AWAITING

    content_approve(obj=commitment, field="title", by=reviewer)

    review = ContentReview.objects.get(object_id=commitment.pk, field="title")
    assert review.organisation == ORGANISATION and review.reviewed_by == reviewer
    assert review.kichwa_sha256 == fingerprint("Allpamamata kamana rurana")
    assert state_of(commitment, "title") == ReviewState.APPROVED

    commitment.title_es = "Compromiso ambiental de Pastaza"
    commitment.save()
    assert state_of(commitment, "title") == ReviewState.AWAITING

    content_approve(obj=commitment, field="title", by=reviewer)
    commitment.title_qu = "Allpamamata kamana"
    commitment.save()
    assert state_of(commitment, "title") == ReviewState.AWAITING


def test_a_text_sent_back_needs_a_comment_and_awaits_review_again_once_edited(translated, reviewer):
    commitment, _milestone = translated
    with pytest.raises(ReviewRefused):
        content_needs_editing(obj=commitment, field="title", by=reviewer, comment="  ")

    content_needs_editing(obj=commitment, field="title", by=reviewer, comment="«kamana» no es la palabra.")
    assert state_of(commitment, "title") == ReviewState.NEEDS_EDITING
    assert record_review(commitment).state == ReviewState.NEEDS_EDITING

    commitment.title_qu = "Allpamamata kuyrana rurana"
    commitment.save()
    assert state_of(commitment, "title") == ReviewState.AWAITING


def test_an_empty_kichwa_is_untranslated_not_in_the_queue_and_cannot_be_approved(translated, reviewer):
    commitment, _milestone = translated
    commitment.problem_es = "La contaminación del agua."
    commitment.save()

    assert state_of(commitment, "problem") == UNTRANSLATED
    with pytest.raises(ReviewRefused):
        content_approve(obj=commitment, field="problem", by=reviewer)
    assert not ContentReview.objects.filter(field="problem").exists()


def test_a_correction_is_written_through_the_records_own_save_and_approved(translated, reviewer):
    commitment, _milestone = translated

    content_approve(obj=commitment, field="title", by=reviewer, kichwa="Allpamamata kuyrana rurana", comment="ok")

    commitment.refresh_from_db()
    assert commitment.title_qu == "Allpamamata kuyrana rurana"
    assert commitment.title_es == "Compromiso ambiental"
    assert state_of(commitment, "title") == ReviewState.APPROVED
    # The record's save ran: its change record names the field.
    changes = ChangeRecord.objects.filter(object_id=commitment.pk, action="changed").values_list("changes", flat=True)
    assert any("title_qu" in json.dumps(change) for change in changes)


def test_an_untranslated_field_can_be_written_and_approved_at_once(translated, reviewer):
    commitment, _milestone = translated
    commitment.problem_es = "La contaminación del agua."
    commitment.save()

    content_approve(obj=commitment, field="problem", by=reviewer, kichwa="Yaku mapayashka")

    commitment.refresh_from_db()
    assert commitment.problem_qu == "Yaku mapayashka"
    assert state_of(commitment, "problem") == ReviewState.APPROVED


def test_a_published_report_refuses_a_correction_with_a_message_and_nothing_changes(plan, reviewer):
    report = Report.objects.create(
        plan=plan,
        kind=Report.Kind.QUARTERLY,
        period="2025-Q3",
        period_starts_on=date(2025, 7, 1),
        period_ends_on=date(2025, 9, 30),
        slug="2025-t3",
        summary_es="Resumen del tercer trimestre.",
        summary_qu="Kimsaniki killakunapak willay.",
        status=Report.Status.PUBLISHED,
        published_at=timezone.now(),
    )

    with pytest.raises(ReviewRefused, match="frozen|congelados"):
        content_approve(obj=report, field="summary", by=reviewer, kichwa="Shuk willay.")

    report.refresh_from_db()
    assert report.summary_qu == "Kimsaniki killakunapak willay."
    assert not ContentReview.objects.exists()
    # Approving it as it reads needs no change to the record.
    content_approve(obj=report, field="summary", by=reviewer)
    assert state_of(report, "summary") == ReviewState.APPROVED


def test_a_review_of_texts_that_changed_since_they_were_read_is_refused(translated, reviewer):
    commitment, _milestone = translated
    seen = (fingerprint(commitment.title_es), fingerprint(commitment.title_qu))
    Commitment.objects.filter(pk=commitment.pk).update(title_qu="Shuk killka")
    commitment.refresh_from_db()

    with pytest.raises(ReviewRefused):
        content_approve(obj=commitment, field="title", by=reviewer, seen=seen)
    assert not ContentReview.objects.exists()


def test_a_record_is_reviewed_only_when_every_kichwa_text_is_approved(translated, reviewer):
    commitment, milestone = translated
    commitment.problem_es = "Sin kichwa: no cuenta."
    commitment.save()
    assert record_review(commitment).state == ReviewState.AWAITING

    content_approve(obj=commitment, field="title", by=reviewer)

    review = record_review(commitment)
    assert review.reviewed and review.organisation == ORGANISATION
    assert timezone.localdate(review.reviewed_at) == timezone.localdate()
    commitment.problem_qu = "Kichwa mushuk killka"
    commitment.save()
    assert record_review(commitment).state == ReviewState.AWAITING
    assert record_review(milestone).state == ReviewState.AWAITING


# The public pages.


def review_line_and_note(client, url: str) -> tuple[bool, bool]:
    text = client.get(url).text
    return ("Kichwa killkakunata " + ORGANISATION) in text, GENERAL_NOTE in text


# Committed for real: the page cache is dropped on commit (conecta.cache.bump_after_commit).
@pytest.mark.django_db(transaction=True)
def test_a_reviewed_page_says_who_reviewed_its_kichwa_instead_of_the_general_warning(
    translated, reviewer, citizen, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600  # cached, and dropped when a review is saved
    commitment, milestone = translated
    url = "/qu/compromisos/TEST0001/"
    assert review_line_and_note(citizen, url) == (False, True)

    content_approve(obj=commitment, field="title", by=reviewer)
    # The milestone on the page is not reviewed yet: the page is not.
    assert review_line_and_note(citizen, url) == (False, True)

    content_approve(obj=milestone, field="title", by=reviewer)
    page = citizen.get(url).text
    assert review_line_and_note(citizen, url) == (True, False)
    assert re.search(rf"Kichwa killkakunata {ORGANISATION} kutin rikurka, [^<]*{timezone.localdate().year}", page)
    assert "Ima pantaytapash willapay</a>" in page  # the way to report an error stays
    # Spanish pages have no warning and no line.
    assert review_line_and_note(citizen, "/es/compromisos/TEST0001/") == (False, False)

    milestone.title_qu = "Yura wiñachina"
    milestone.save()
    assert review_line_and_note(citizen, url) == (False, True)


def test_the_meeting_page_says_so_once_the_meeting_and_its_agreements_are_reviewed(reviewer, citizen):
    meeting = MeetingFactory(title_qu="Tantanakuy", slug="comite-marzo")
    agreement = AgreementFactory(meeting=meeting, text_qu="Ari ninakuy")
    content_approve(obj=meeting, field="title", by=reviewer)
    url = "/qu/reuniones/comite-marzo/"
    assert review_line_and_note(citizen, url) == (False, True)

    content_approve(obj=agreement, field="text", by=reviewer)
    assert review_line_and_note(citizen, url) == (True, False)


def test_the_review_line_costs_one_query_on_a_kichwa_page(translated, reviewer, citizen, django_assert_num_queries):
    commitment, milestone = translated
    content_approve(obj=commitment, field="title", by=reviewer)
    content_approve(obj=milestone, field="title", by=reviewer)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for language in ("es", "qu"):
        with CaptureQueriesContext(connection) as queries:
            assert citizen.get(f"/{language}/compromisos/TEST0001/").status_code == 200
        counts[language] = len(queries)
    assert counts["qu"] - counts["es"] <= 1


# Committed for real: the page cache is dropped on commit (conecta.cache.bump_after_commit).
@pytest.mark.django_db(transaction=True)
def test_the_accessibility_page_shows_the_share_reviewed_as_it_is_now(translated, reviewer, citizen, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    commitment, milestone = translated
    CommitmentFactory(code="HIDE0001", title_qu="Pakashka", is_published=False)  # unpublished: not counted
    assert share_reviewed() == (0, 2)
    page = citizen.get("/es/accesibilidad/").text
    assert "0 de 2 textos en kichwa del contenido publicado han sido revisados por la comunidad (0 %)" in page

    content_approve(obj=commitment, field="title", by=reviewer)

    assert share_reviewed() == (1, 2)
    page = citizen.get("/es/accesibilidad/").text
    assert "1 de 2 textos en kichwa del contenido publicado han sido revisados por la comunidad (50 %)" in page
    # What was checked for accessibility stays.
    assert "axe-core" in page


def test_the_share_reviewed_costs_a_query_per_kind_whatever_the_number_of_records(
    translated, reviewer, django_assert_num_queries
):
    expected = 1 + len(content_kinds())
    with django_assert_num_queries(expected):
        share_reviewed()
    for n in range(5):
        MilestoneFactory(commitment=translated[0], title_qu=f"Hito {n}")
    with django_assert_num_queries(expected):
        assert share_reviewed() == (0, 7)


# The queue in the admin.


def test_reviewers_and_planners_see_the_queue_and_other_staff_do_not(
    translated, reviewer_client, planner_client, implementer_client, monitor_client, citizen
):
    assert Group.objects.filter(name=KICHWA_REVIEWER).exists()
    assert reviewer_client.get(QUEUE).status_code == 200
    assert planner_client.get(QUEUE).status_code == 200
    assert implementer_client.get(QUEUE).status_code == 403
    assert monitor_client.get(QUEUE).status_code == 403
    assert citizen.get(QUEUE).status_code == 302  # to the sign-in page
    commitment, _milestone = translated
    data = form_for(commitment, "title", action="approve")
    assert monitor_client.post(REVIEW, data).status_code == 403
    assert implementer_client.post(REVIEW, data).status_code == 403
    assert not ContentReview.objects.exists()


def test_the_queue_shows_spanish_and_kichwa_side_by_side_with_a_link_to_the_page(translated, reviewer_client):
    page = reviewer_client.get(QUEUE).text

    assert '<p class="kq-text" lang="es">Compromiso ambiental</p>' in page
    assert '<p class="kq-text" lang="qu">Allpamamata kamana rurana</p>' in page
    assert 'href="/qu/compromisos/TEST0001/"' in page
    assert page.count('name="csrfmiddlewaretoken"') >= 3


def test_the_queue_filters_by_kind_of_record_and_state(translated, reviewer, reviewer_client):
    commitment, milestone = translated
    only_milestones = reviewer_client.get(QUEUE, {"kind": "commitments.milestone"}).text
    assert "Yura wiñachina wasi" in only_milestones and "Allpamamata kamana rurana" not in only_milestones

    content_approve(obj=milestone, field="title", by=reviewer)
    awaiting = reviewer_client.get(QUEUE).text
    approved = reviewer_client.get(QUEUE, {"state": "approved"}).text
    assert "Yura wiñachina wasi" not in awaiting and "Yura wiñachina wasi" in approved
    # Nonsense in the filters opens the default queue.
    assert reviewer_client.get(QUEUE, {"kind": "auth.user", "state": "<x>", "p": "9999"}).status_code == 200


def test_the_queue_reads_a_fixed_number_of_queries_whatever_the_number_of_records(
    translated, reviewer_client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        reviewer_client.get(QUEUE)
    for n in range(8):
        MilestoneFactory(commitment=translated[0], title_qu=f"Hito {n}")
    with django_assert_max_num_queries(len(few)):
        page = reviewer_client.get(QUEUE).text
    assert "Hito 7" in page


def form_for(obj, field: str, **more) -> dict:
    return {
        "kind": obj._meta.label_lower,
        "object_id": obj.pk,
        "field": field,
        "spanish_sha256": fingerprint(getattr(obj, f"{field}_es")),
        "kichwa_sha256": fingerprint(getattr(obj, f"{field}_qu")),
        "next": QUEUE,
        **more,
    }


def test_a_reviewer_approves_corrects_and_sends_back_from_the_queue(translated, reviewer_client):
    commitment, milestone = translated

    response = reviewer_client.post(REVIEW, form_for(commitment, "title", action="approve"), follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    assert state_of(commitment, "title") == ReviewState.APPROVED

    reviewer_client.post(REVIEW, form_for(milestone, "title", action="needs_editing", comment="Falta una palabra."))
    assert (
        ContentReview.objects.get(object_id=milestone.pk, content_type__model="milestone").comment
        == "Falta una palabra."
    )
    milestone.refresh_from_db()
    reviewer_client.post(REVIEW, form_for(milestone, "title", action="correct", kichwa=" Yura wiñachik wasi "))
    milestone.refresh_from_db()
    assert milestone.title_qu == "Yura wiñachik wasi"
    assert state_of(milestone, "title") == ReviewState.APPROVED


@pytest.mark.parametrize(
    "tamper",
    [
        {"kind": "auth.user"},
        {"field": "code"},
        {"object_id": "99999"},
        {"object_id": "x"},
        {"kichwa_sha256": "nope"},
        {"action": "delete"},
        {"next": "https://example.com/"},
    ],
)
def test_bad_or_stale_input_gives_a_message_never_a_500(translated, reviewer_client, tamper):
    commitment, _milestone = translated
    response = reviewer_client.post(REVIEW, {**form_for(commitment, "title", action="approve"), **tamper}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == QUEUE
    if tamper != {"next": "https://example.com/"}:
        assert not ContentReview.objects.exists()
        assert any(message.level_tag == "error" for message in response.context["messages"])


def test_a_stale_form_is_refused_with_a_message(translated, reviewer_client):
    commitment, _milestone = translated
    data = form_for(commitment, "title", action="approve")
    Commitment.objects.filter(pk=commitment.pk).update(title_qu="Shuk killka")

    response = reviewer_client.post(REVIEW, data, follow=True)

    assert not ContentReview.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert reviewer_client.get(REVIEW).status_code == 405
