"""Replies in the staff admin: their own moderation queue, read-only inline in the suggestion, and the suggestions
"with a new reply" (written after the last answer) marked and filtered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils import timezone

from feedback.models import Moderation, SuggestionReply

from .factories import AnsweredSuggestionFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

REPLIES = "/admin/feedback/suggestionreply/"
SUGGESTIONS = "/admin/feedback/suggestion/"


def make_reply(suggestion, *, text="Respuesta", ago=timedelta(0), **extra):
    reply = SuggestionReply.objects.create(
        suggestion=suggestion, text=text, ip_hash="ip-hash-rosa", submission_token=f"t-{text:0>30}"[:60], **extra
    )
    SuggestionReply.objects.filter(pk=reply.pk).update(created_at=timezone.now() - ago)
    return reply


@pytest.fixture
def exchange(db):
    """One suggestion with a reply nobody answered, one whose reply was answered, one rejected reply, none."""
    old = timezone.now() - timedelta(days=10)
    waiting = AnsweredSuggestionFactory(answered_at=old, is_public=False, tracking_code="PZ-WAIT-22")
    make_reply(waiting, text="Sin contestar")
    answered = AnsweredSuggestionFactory(answered_at=timezone.now(), is_public=False, tracking_code="PZ-DONE-22")
    make_reply(answered, text="Ya contestada", ago=timedelta(days=2))
    spam = AnsweredSuggestionFactory(answered_at=old, is_public=False, tracking_code="PZ-SPAM-22")
    make_reply(spam, text="Publicidad", moderation=Moderation.REJECTED)
    quiet = AnsweredSuggestionFactory(tracking_code="PZ-QUIE-22")
    return {"waiting": waiting, "answered": answered, "spam": spam, "quiet": quiet}


def test_the_suggestions_with_a_new_reply_are_marked_and_filtered(planner_client, exchange):
    new = planner_client.get(SUGGESTIONS, {"reply": "new"})
    any_reply = planner_client.get(SUGGESTIONS, {"reply": "any"})
    everything = planner_client.get(SUGGESTIONS, {"moderation": "all"})

    assert list(new.context["cl"].queryset) == [exchange["waiting"]]
    assert set(any_reply.context["cl"].queryset) == {exchange["waiting"], exchange["answered"]}
    marks = {s.tracking_code: s.has_new_reply for s in everything.context["cl"].result_list}
    assert marks == {"PZ-WAIT-22": True, "PZ-DONE-22": False, "PZ-SPAM-22": False, "PZ-QUIE-22": False}
    assert "new_reply" in everything.text  # the column


def test_the_suggestion_page_shows_its_replies_read_only(planner_client, exchange):
    page = planner_client.get(f"{SUGGESTIONS}{exchange['waiting'].pk}/change/")

    assert page.status_code == 200
    assert "Sin contestar" in page.text
    inline = next(f for f in page.context["inline_admin_formsets"] if f.opts.model is SuggestionReply)
    assert not inline.has_add_permission and not inline.has_change_permission and not inline.has_delete_permission


def test_the_replies_queue_opens_on_the_pending_ones_and_moderates_them(planner_client, planner, exchange):
    queue = planner_client.get(REPLIES)
    pending = list(queue.context["cl"].queryset)
    assert {r.text for r in pending} == {"Sin contestar", "Ya contestada"}
    assert "PZ-WAIT-22" in queue.text

    target = next(r for r in pending if r.text == "Sin contestar")
    refused = planner_client.post(
        REPLIES + "?moderation=all",
        {"action": "reject_selected", ACTION_CHECKBOX_NAME: [target.pk], "apply": "1", "reason": "Insultos"},
    )

    assert refused.status_code == 302
    target.refresh_from_db()
    assert (target.moderation, target.moderation_reason, target.moderated_by) == ("rejected", "Insultos", planner)
    # A rejected reply no longer marks its suggestion.
    new = planner_client.get(SUGGESTIONS, {"reply": "new"})
    assert list(new.context["cl"].queryset) == []


def test_replies_cannot_be_added_deleted_or_anonymised_from_their_queue(planner_client, exchange):
    reply = SuggestionReply.objects.first()

    assert planner_client.get(REPLIES + "add/").status_code == 403
    assert planner_client.get(f"{REPLIES}{reply.pk}/delete/").status_code == 403
    assert "anonymise_selected" not in planner_client.get(REPLIES).text


def test_the_monitor_reads_replies_and_implementers_only_those_about_what_they_lead(
    monitor_client, implementer_client, commitment, other_commitment
):
    theirs = SuggestionFactory(commitment=commitment, moderation=Moderation.APPROVED)
    others = SuggestionFactory(commitment=other_commitment, moderation=Moderation.APPROVED)
    make_reply(theirs, text="Sobre lo suyo")
    make_reply(others, text="Sobre lo de otros")

    read = monitor_client.get(REPLIES, {"moderation": "all"})
    scoped = implementer_client.get(REPLIES, {"moderation": "all"})

    assert read.status_code == 200 and 'name="action"' not in read.text
    assert {r.text for r in read.context["cl"].queryset} == {"Sobre lo suyo", "Sobre lo de otros"}
    assert scoped.status_code == 200
    assert [r.text for r in scoped.context["cl"].queryset] == ["Sobre lo suyo"]
