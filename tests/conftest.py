"""What every test shares: compiled catalogs, the active language, and the named cast of the portal.

The cast (see shared/STYLE.md):
- `planner`: Planning Directorate (group "Planificación"), may do everything, receives review e-mails;
- `implementer`: staff of `department` (group "Implementador"), edits what `department` leads;
- `other_implementer`: staff of `other_department`, the implementer of another department;
- `monitor`: Fundación Ciudadanía y Desarrollo (group "Monitor (FCD)"), reads and exports, changes nothing;
- `citizen`: an anonymous visitor of the public pages.
"""

from __future__ import annotations

import fcntl
import io
import os
import warnings
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from commitments.roles import IMPLEMENTER, MONITOR, PLANNER

from . import catalogs, replay
from .factories import (
    ActionPlanFactory,
    CommitmentFactory,
    DepartmentFactory,
    InstitutionFactory,
    StaffProfileFactory,
    UserFactory,
)

BASE_DIR = Path(settings.BASE_DIR)


def _catalogs_need_compiling() -> tuple[bool, bool]:
    """(missing, stale): whether a language's .mo is absent, or older than its .po."""
    missing = stale = False
    for code, _name in settings.LANGUAGES:
        po = BASE_DIR / "locale" / code / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        if not po.exists():
            continue
        if not mo.exists():
            missing = True
        elif mo.stat().st_mtime < po.stat().st_mtime:
            stale = True
    return missing, stale


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """Compile locale/*/django.po when a .mo is missing or stale, so a bare `pytest` serves /qu/ too.

    `make test` compiles first; without the Kichwa .mo Django does not know "qu" and /qu/ is a 404.
    """
    missing, stale = _catalogs_need_compiling()
    if not (missing or stale):
        return
    with catalogs.compiling():
        missing, stale = _catalogs_need_compiling()  # another xdist worker may have compiled them meanwhile
        try:
            if missing or stale:
                call_command(
                    "compilemessages", ignore_patterns=[".venv", "var"],
                    locale=[c for c, _n in settings.LANGUAGES], verbosity=0, stdout=io.StringIO(),
                    stderr=io.StringIO(),
                )
        except Exception as exc:  # noqa: BLE001
            if missing:
                raise
            warnings.warn(f"Could not recompile the stale catalogs ({exc}); testing the compiled ones.", stacklevel=1)
    # Django (and gettext) cache which languages have a catalog and the catalogs they have read; forget them,
    # as its autoreloader does when a .mo file changes.
    import gettext

    from django.utils.translation import trans_real

    for cached in ("translation_catalog_exists", "check_for_language"):
        getattr(getattr(trans_real, cached, None), "cache_clear", lambda: None)()
    gettext._translations = {}
    trans_real._translations = {}
    trans_real._default = None


@pytest.fixture(autouse=True)
def one_real_worker_test_at_a_time(request, tmp_path_factory):
    """The tests that start a real Celery worker (marker `worker`) take turns across pytest-xdist's workers: side
    by side their Celery workers would share the broker's record of unacknowledged messages (one could hand the
    other's task out again) and the machine's cores, within their time limits. The lock file lies in this run's
    temporary folder, which its xdist workers share."""
    if request.node.get_closest_marker("worker") is None or "PYTEST_XDIST_WORKER" not in os.environ:
        yield
        return
    with (tmp_path_factory.getbasetemp().parent / "celery-worker-tests.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(autouse=True)
def default_language():
    """Start every test in Spanish, the default language: a request to /qu/ leaves Kichwa active behind it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# The institutions and the plan.


@pytest.fixture
def gad(db):
    return InstitutionFactory(slug="gadppz", name_es="Gobierno Provincial de Pastaza", acronym="GADPPz")


@pytest.fixture
def department(gad):
    return DepartmentFactory(slug="direccion-ambiente", name_es="Dirección de Gestión Ambiental", acronym="DGA",
                             parent=gad)


@pytest.fixture
def other_department(gad):
    return DepartmentFactory(slug="direccion-obras", name_es="Dirección de Obras Públicas", acronym="DOP",
                             parent=gad)


@pytest.fixture
def plan(db):
    return ActionPlanFactory(slug="plan-de-prueba", title_es="Plan de acción de prueba")


@pytest.fixture
def commitment(plan, gad, department):
    """Published, led by `department`."""
    return CommitmentFactory(code="TEST0001", plan=plan, lead_institution=gad, lead_department=department,
                             title_es="Compromiso ambiental")


@pytest.fixture
def other_commitment(plan, gad, other_department):
    """Published, led by `other_department`."""
    return CommitmentFactory(code="TEST0002", plan=plan, lead_institution=gad, lead_department=other_department,
                             title_es="Compromiso vial")


# The cast.


@pytest.fixture
def planner(db):
    return UserFactory(username="planificadora", email="planificacion@pastaza.gob.ec", groups=[PLANNER])


@pytest.fixture
def implementer(department):
    user = UserFactory(username="implementador", groups=[IMPLEMENTER])
    StaffProfileFactory(user=user, institution=department)
    return user


@pytest.fixture
def other_implementer(other_department):
    user = UserFactory(username="implementador-obras", groups=[IMPLEMENTER])
    StaffProfileFactory(user=user, institution=other_department)
    return user


@pytest.fixture
def monitor(db):
    return UserFactory(username="monitor-fcd", email="monitoreo@fcd.example", groups=[MONITOR])


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def planner_client(planner):
    return _client_for(planner)


@pytest.fixture
def implementer_client(implementer):
    return _client_for(implementer)


@pytest.fixture
def other_implementer_client(other_implementer):
    return _client_for(other_implementer)


@pytest.fixture
def monitor_client(monitor):
    return _client_for(monitor)


@pytest.fixture
def citizen(db):
    """An anonymous visitor."""
    return Client()


@pytest.fixture
def real_plan(db):
    """The real Pastaza plan as `load_demo` loads it (three commitments, illustrative milestones). Loaded for real
    once, then replayed for each test that starts from the same database (tests/replay.py)."""
    replay.load_demo()
    from commitments.models import ActionPlan

    return ActionPlan.objects.get(slug="pastaza-2024-2027")
