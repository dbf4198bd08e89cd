"""tests/replay.py: a replayed load leaves the database exactly as the loader leaves it, and only replays from the
database state it recorded."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from commitments.loaders import synthetic_plan_load
from tests import replay
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

LOADS = {
    "load_demo": lambda: call_command("load_demo", stdout=io.StringIO()),
    "synthetic_plan_load(20)": lambda: synthetic_plan_load(commitments=20),
}


@pytest.fixture(autouse=True)
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("replays are for SQLite only; elsewhere the loader always runs")


def everything() -> dict:
    """Every row of every table and the sequences."""
    return replay._read(replay._tables())


def load_and_look(key: str, load) -> tuple[bool, dict]:
    """(replayed?, the database after it), then the load is rolled back."""
    with transaction.atomic():
        was_replayed = replay.replayed(key, load)
        after = everything()
        transaction.set_rollback(True)
    return was_replayed, after


@pytest.mark.parametrize("name", list(LOADS))
def test_a_replay_leaves_every_row_and_sequence_as_the_loader_does(name):
    key = f"{name} {uuid.uuid4()}"  # recorded here, whatever other tests recorded before

    loaded = load_and_look(key, LOADS[name])
    replayed = load_and_look(key, LOADS[name])

    assert loaded[0] is False
    assert replayed[0] is True
    assert replayed[1] == loaded[1]
    assert len(replayed[1]["commitments_commitment"]) >= 3


def test_another_starting_state_runs_the_loader_for_real():
    key = f"load_demo {uuid.uuid4()}"
    load_and_look(key, LOADS["load_demo"])
    InstitutionFactory(slug="otra-institucion")

    was_replayed, after = load_and_look(key, LOADS["load_demo"])

    assert was_replayed is False
    assert any(row for row in after["commitments_institution"].values() if "otra-institucion" in row)


def test_a_changed_row_is_another_state_even_when_no_row_was_added():
    key = f"load_demo {uuid.uuid4()}"
    load_and_look(key, LOADS["load_demo"])
    institution = InstitutionFactory(slug="otra-institucion")
    load_and_look(key, LOADS["load_demo"])
    institution.name_es = "Otro nombre"
    institution.save()

    assert load_and_look(key, LOADS["load_demo"])[0] is False
