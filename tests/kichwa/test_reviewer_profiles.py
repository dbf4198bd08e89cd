"""Planners name the Kichwa reviewers and their organisation (what a reviewed page says); reviewers and other staff
cannot."""

from __future__ import annotations

import pytest

from kichwa.models import ReviewerProfile
from kichwa.roles import KICHWA_REVIEWER
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/kichwa/reviewerprofile/add/"


def test_a_planner_names_a_reviewer_and_their_organisation(planner_client):
    person = UserFactory(username="mama-rosa", groups=[KICHWA_REVIEWER])
    response = planner_client.post(ADD, {"user": person.pk, "organisation": "Pueblo Kichwa de Pastaza (PAKKIRU)"})
    assert response.status_code == 302
    assert ReviewerProfile.objects.get(user=person).organisation == "Pueblo Kichwa de Pastaza (PAKKIRU)"


def test_reviewers_and_implementers_cannot_name_reviewers(client, implementer_client):
    reviewer = UserFactory(username="revisor", groups=[KICHWA_REVIEWER], is_staff=True)
    client.force_login(reviewer)
    for who in (client, implementer_client):
        assert who.get(ADD).status_code == 403
        assert who.post(ADD, {"user": reviewer.pk, "organisation": "X"}).status_code == 403
    assert not ReviewerProfile.objects.exists()
