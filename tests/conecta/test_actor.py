"""Who a change record names: the signed-in staff member in the admin (through "admin" or "import"),
whoever a command or task says it acts as, and "system" otherwise."""

import pytest
from django.test import RequestFactory

from conecta.audit import Actor, ActorMiddleware, acting_as, current_actor

pytestmark = pytest.mark.django_db


def actor_during(path: str, user) -> Actor:
    seen = []
    request = RequestFactory().get(path)
    request.user = user

    def view(request):
        seen.append(current_actor())
        return None

    ActorMiddleware(view)(request)
    return seen[0]


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("/admin/commitments/milestone/1/change/", "admin"),
        ("/admin/commitments/milestone/import/", "import"),
        ("/admin/commitments/milestone/process_import/", "import"),
        ("/admin/commitments/milestone/export/", "admin"),
    ],
)
def test_the_admin_acts_for_the_signed_in_user(planner, path, source):
    actor = actor_during(path, planner)

    assert (actor.user, actor.source) == (planner, source)


def test_public_pages_name_no_actor(planner):
    assert actor_during("/es/", planner) == Actor(user=None, source="system")


def test_an_anonymous_admin_request_names_no_actor():
    from django.contrib.auth.models import AnonymousUser

    assert actor_during("/admin/", AnonymousUser()).source == "system"


def test_acting_as_is_undone_afterwards(planner):
    with acting_as(planner, "command"):
        with acting_as(None, "task"):
            assert current_actor() == Actor(user=None, source="task")
        assert current_actor() == Actor(user=planner, source="command")

    assert current_actor() == Actor(user=None, source="system")
