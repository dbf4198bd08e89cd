"""A tracking code is drawn at random: when the one drawn is already taken, the row is saved with a fresh one,
from the web form and from the staff's offline entry alike (feedback.contributions.save_fresh)."""

import pytest
from django.utils import timezone

from feedback import services
from feedback.contributions import Sender
from feedback.models import Suggestion

from .factories import SuggestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draws(monkeypatch):
    """The codes tracking_code_new() will give, in order: first one already taken."""
    SuggestionFactory(tracking_code="PZ-TAKN-22")
    codes = iter(["PZ-TAKN-22", "PZ-FRSH-33"])
    monkeypatch.setattr(services, "tracking_code_new", lambda: next(codes))


def test_the_web_form_draws_again_when_the_code_is_taken(draws):
    suggestion, created = services.suggestion_submit(kind="question", text="¿Cuándo?", sender=Sender(), token="t" * 32)

    assert created and suggestion.tracking_code == "PZ-FRSH-33"
    assert Suggestion.objects.count() == 2


def test_the_offline_entry_draws_again_when_the_code_is_taken(draws, planner):
    suggestion = services.suggestion_save_offline(
        suggestion=Suggestion(
            kind="complaint",
            text="En la asamblea",
            channel=Suggestion.Channel.ASSEMBLY,
            received_on=timezone.localdate(),
        ),
        by=planner,
    )

    assert suggestion.tracking_code == "PZ-FRSH-33"
    assert Suggestion.objects.filter(tracking_code="PZ-FRSH-33", text="En la asamblea").exists()
