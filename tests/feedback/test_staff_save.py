"""Staff saving a suggestion or a comment in the admin: one service writes the row once per save, and whether an
answered suggestion may be public is one rule, the same in Python and in SQL."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback.models import Comment, Moderation, Suggestion
from tests.commitments.admin_helpers import form_data

from .factories import CommentFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


def writes_to(table: str, queries) -> list[str]:
    """The INSERT and UPDATE statements on `table` itself (not on its many-to-many tables)."""
    write = re.compile(rf'^\s*(INSERT INTO|UPDATE) "?{table}"?\s', re.IGNORECASE)
    return [query["sql"] for query in queries if write.match(query["sql"])]


def post_change(client, model: str, pk: int, **changes):
    url = f"/admin/feedback/{model}/{pk}/change/"
    data = form_data(client.get(url), **changes)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    return response, queries


def test_answering_a_suggestion_in_the_admin_writes_it_once(planner_client, planner):
    suggestion = SuggestionFactory(email="rosa@example.org", moderation=Moderation.PENDING)

    response, queries = post_change(
        planner_client, "suggestion", suggestion.pk, status="answered", answer_es="Lo haremos en marzo.", answer_qu=""
    )

    assert response.status_code == 302
    assert len(writes_to("feedback_suggestion", queries)) == 1
    suggestion.refresh_from_db()
    # Answering is not moderating (tests/feedback/test_answer_not_publish.py): it stays pending.
    assert (suggestion.status, suggestion.moderation, suggestion.answered_by) == ("answered", "pending", planner)
    assert suggestion.answered_at and suggestion.status_changed_at and suggestion.moderated_at is None


def test_changing_an_answer_in_the_admin_writes_the_suggestion_once_and_keeps_the_earlier_answer(planner_client):
    suggestion = SuggestionFactory(moderation=Moderation.APPROVED)
    post_change(planner_client, "suggestion", suggestion.pk, status="answered", answer_es="Primera.", answer_qu="")

    response, queries = post_change(
        planner_client, "suggestion", suggestion.pk, status="closed", answer_es="Segunda.", answer_qu=""
    )

    assert response.status_code == 302
    assert len(writes_to("feedback_suggestion", queries)) == 1
    assert len(writes_to("feedback_previousanswer", queries)) == 1
    suggestion.refresh_from_db()
    assert suggestion.closed_at and suggestion.answered_at
    assert [a.answer_es for a in suggestion.previous_answers.all()] == ["Primera."]


def test_responding_to_a_comment_in_the_admin_writes_it_once(planner_client, planner, commitment):
    comment = CommentFactory(commitment=commitment, moderation=Moderation.APPROVED)

    response, queries = post_change(planner_client, "comment", comment.pk, response_es="Gracias, lo revisamos.")

    assert response.status_code == 302
    assert len(writes_to("feedback_comment", queries)) == 1
    comment.refresh_from_db()
    assert (comment.response_by, comment.response_at is not None) == (planner, True)
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "answer_es", "may"),
    [
        ("received", "", False),
        ("under_review", "Una respuesta.", False),
        ("answered", "", False),
        ("answered", "Una respuesta.", True),
        ("closed", "", False),
        ("closed", "Una respuesta.", True),
    ],
)
def test_what_may_be_public_is_the_same_rule_for_one_suggestion_and_in_sql(status, answer_es, may):
    suggestion = SuggestionFactory(status=status, answer_es=answer_es, moderation=Moderation.APPROVED)

    assert suggestion.may_be_public is may
    assert Suggestion.objects.may_be_public().filter(pk=suggestion.pk).exists() is may
