"""Survey responses in the planners' daily digest: counted with what else came in, with a link to their own
moderation queue (they are moderated under Surveys, not under Participation)."""

import pytest
from django.core import mail

from commitments.roles import PLANNER
from feedback import services
from feedback.models import Moderation
from tests.factories import UserFactory

from .factories import respond, survey_with_questions

pytestmark = pytest.mark.django_db


def test_the_digest_counts_the_responses_and_links_to_their_queue(planner):
    UserFactory(username="otra", email="otra@pastaza.gob.ec", groups=[PLANNER])
    survey = survey_with_questions()
    respond(survey, q3=4)
    respond(survey, moderation=Moderation.PENDING, q4="Texto libre")

    assert services.digest_send() is True

    body = mail.outbox[0].body
    assert "Respuestas a encuestas: 2 nuevas; 1 con respuestas de" in body
    assert "/admin/surveys/surveyresponse/" in body
