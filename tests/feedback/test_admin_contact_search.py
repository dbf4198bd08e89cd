"""The monitor and implementers cannot see who wrote in (e-mail, phone, a suggestion's name), so they cannot
search, filter or sort by it either: otherwise a search for an address would tell them whether it wrote in.
Planners, who see the contact, can."""

import pytest

from feedback.models import Moderation

from .factories import CommentFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

EMAIL = "rosa.gualinga@example.org"
PHONE = "0991234567"


def changelist(model: str) -> str:
    return f"/admin/feedback/{model}/"


def found(response) -> int:
    """How many rows the changelist shows (0 for a refused lookup, which answers 400)."""
    if response.status_code != 200:
        return 0
    return response.context["cl"].result_count


@pytest.fixture
def suggestion(commitment):
    """Approved and about the implementer's commitment: every role may see it."""
    return SuggestionFactory(
        email=EMAIL, phone=PHONE, name="Rosa Gualinga", commitment=commitment, moderation=Moderation.APPROVED
    )


@pytest.fixture
def comment(commitment):
    return CommentFactory(commitment=commitment, email=EMAIL, name="Kuri", moderation=Moderation.REJECTED)


def test_the_monitors_search_by_e_mail_finds_nothing(monitor_client, suggestion, comment):
    assert found(monitor_client.get(changelist("suggestion"), {"q": EMAIL, "moderation": "all"})) == 0
    assert found(monitor_client.get(changelist("suggestion"), {"q": PHONE, "moderation": "all"})) == 0
    assert found(monitor_client.get(changelist("comment"), {"q": EMAIL, "moderation": "all"})) == 0


def test_an_implementers_search_by_e_mail_or_phone_finds_nothing(implementer_client, suggestion):
    assert found(implementer_client.get(changelist("suggestion"), {"q": suggestion.text})) == 1  # it is visible
    assert found(implementer_client.get(changelist("suggestion"), {"q": EMAIL})) == 0
    assert found(implementer_client.get(changelist("suggestion"), {"q": PHONE})) == 0


@pytest.mark.parametrize(
    "lookup",
    [
        {"email": EMAIL},
        {"email__iexact": EMAIL.upper()},
        {"email__startswith": "rosa"},
        {"phone": PHONE},
        {"phone__contains": "0991"},
        {"name__icontains": "rosa"},
        {"email_hash__isnull": "False", "email__gt": "r"},
    ],
)
def test_the_monitor_cannot_filter_by_a_contact_field_in_the_address(monitor_client, suggestion, lookup):
    response = monitor_client.get(changelist("suggestion"), {"moderation": "all", **lookup})

    assert found(response) == 0
    assert EMAIL not in response.content.decode()


def test_the_monitor_cannot_filter_comments_or_replies_by_their_authors_contact(monitor_client, suggestion, comment):
    assert found(monitor_client.get(changelist("comment"), {"moderation": "all", "email": EMAIL})) == 0
    assert found(monitor_client.get(changelist("comment"), {"moderation": "all", "name": "Kuri"})) == 0
    assert found(monitor_client.get(changelist("suggestionreply"), {"suggestion__email": EMAIL})) == 0


def test_the_monitor_cannot_sort_by_a_hidden_name(monitor_client, comment):
    page = monitor_client.get(changelist("comment"), {"moderation": "all"}).content.decode()

    assert "Kuri" not in page  # the author of a rejected comment: never public
    response = monitor_client.get(changelist("comment"), {"moderation": "all", "o": "2"})
    assert response.status_code in (200, 302, 400)
    assert "Kuri" not in response.content.decode()


def test_planners_find_everything_an_address_sent(planner_client, suggestion, comment):
    assert found(planner_client.get(changelist("suggestion"), {"q": EMAIL, "moderation": "all"})) == 1
    assert found(planner_client.get(changelist("suggestion"), {"q": PHONE, "moderation": "all"})) == 1
    assert found(planner_client.get(changelist("comment"), {"q": EMAIL, "moderation": "all"})) == 1
    assert found(planner_client.get(changelist("suggestion"), {"email": EMAIL, "moderation": "all"})) == 1
