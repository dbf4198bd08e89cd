"""Browser tests: the public pages in headless Chromium (Debian's, never a downloaded one).

Run with `.venv/bin/python -m pytest tests/browser -v`. Screenshots and the printed PDF land in tests/screenshots/
(gitignored) so a person can look at them.
"""

from __future__ import annotations

import os

# pytest-django's live_server + Playwright's sync API run an event loop in this thread; Django refuses ORM calls
# from such a thread unless told otherwise. It must be set before Django is first used.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import contextlib  # noqa: E402
import io  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import pytest  # noqa: E402
from django.core.management import call_command  # noqa: E402

from tests import catalogs  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
# Debian's headless shell (package chromium-headless-shell: the same Chromium, the build Playwright itself runs
# headless tests on) draws the same pixels as the full browser (package chromium) with about a third of its CPU;
# the full browser is used where the shell is not installed.
CHROMIUM_BUILDS = (Path("/usr/bin/chromium-headless-shell"), Path("/usr/bin/chromium"))
CHROMIUM = next((path for path in CHROMIUM_BUILDS if path.exists()), CHROMIUM_BUILDS[-1])
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _compile_messages() -> None:
    """The /qu/ pages need the Kichwa .mo; compile any catalog whose .mo is missing or older than its .po.

    Done in a subprocess at import time, before this process loads any catalog, so Django never caches a
    stale one.
    """
    def stale() -> list[Path]:
        return [
            po
            for po in (ROOT / "locale").glob("*/LC_MESSAGES/django.po")
            if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
        ]

    if not stale():
        return
    with catalogs.compiling():
        if stale():  # another xdist worker may have compiled them meanwhile
            subprocess.run(
                [sys.executable, "manage.py", "compilemessages", "--ignore=.venv", "--ignore=var", "-v0"],
                cwd=ROOT,
                check=True,
            )


_compile_messages()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM}: browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def demo(transactional_db, live_server):
    """The demo data (`load_demo_data`) loaded for one test, on pytest-django's live server: for the tests that
    write (sign-ins, staff pages). The database is emptied after the test."""
    load_demo_data()
    return live_server


@pytest.fixture(scope="module")
def shared_demo(django_db_setup, django_db_blocker):
    """The demo data loaded once for a whole module of tests that only read, on a live server of the module's
    own: loading it (and rendering the example report's PDFs) for each of hundreds of page checks was most of the
    browser suite's time. The module's tests must not write. Afterwards the database is emptied as a
    transactional test leaves it (flush, then the post-migrate data again), so later tests start clean."""
    from django.core.cache import cache
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        load_demo_data()
    server = LiveServer("localhost", start=False)
    server._live_server_modified_settings.enable()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        server._live_server_modified_settings.disable()
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
        cache.clear()


def load_demo_data() -> None:
    """The real Pastaza plan with its example milestones, plus what only tests have: a closed survey with
    results, an open one with a required question, a steering-committee meeting with minutes and agreements, and
    an answered suggestion its sender replied to (tracking code PZ-BRWS-R2)."""
    call_command("load_demo", stdout=io.StringIO())
    participation_examples()


def participation_examples() -> None:
    from datetime import date, timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from commitments.models import Commitment
    from feedback.models import Moderation, SuggestionReply
    from meetings.models import Agreement
    from tests.feedback.factories import AnsweredSuggestionFactory
    from tests.meetings.factories import AgreementFactory, MeetingFactory, attendance, pdf_bytes
    from tests.surveys.factories import respond, survey_with_questions

    now = timezone.now()
    survey = survey_with_questions(
        slug="encuesta-cerrada",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=1),
    )
    for n in range(6):
        respond(survey, q1=[1, (n % 3) + 1], q2=(n % 3) + 1, q3=(n % 5) + 1, q4=f"Opinión número {n} 🙂 ñ")
    survey_with_questions(slug="encuesta-abierta")  # open, its first question required
    commitment = Commitment.objects.get(code="ECPTZ0003")
    meeting = MeetingFactory(slug="comite-2025-03", title_qu="Pushak tantanakuy 2025", agenda_es="Bienvenida\nAvances")
    meeting.minutes_es = "Se revisaron los avances del plan."
    meeting.minutes_file.save("acta.pdf", ContentFile(pdf_bytes(), name="acta.pdf"))
    attendance(meeting, men=4, women=5, public_sector=6, civil_society=3)
    AgreementFactory(meeting=meeting, commitment=commitment, due_date=date(2025, 6, 30))
    AgreementFactory(meeting=meeting, status=Agreement.Status.DONE, owner_es="Dirección de Planificación")
    suggestion = AnsweredSuggestionFactory(tracking_code="PZ-BRWS-R2", commitment=commitment)
    SuggestionReply.objects.create(
        suggestion=suggestion,
        text="Gracias, ¿y en mi comunidad?",
        moderation=Moderation.PENDING,
        submission_token="browser-reply-token-0000000001",
    )


class PageVisit:
    """A browser page at a given width that remembers every request it made."""

    def __init__(self, browser, base_url: str, width: int):
        self.base_url = base_url
        self.context = browser.new_context(viewport={"width": width, "height": 800}, base_url=base_url)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))

    def goto(self, path: str, status: int = 200):
        response = self.page.goto(self.base_url + path, wait_until="load")
        assert response is not None, path
        assert response.status == status, f"{path}: HTTP {response.status}, expected {status}"
        return response

    def foreign_requests(self) -> list[str]:
        own = urlsplit(self.base_url).netloc
        return [url for url in self.requests if urlsplit(url).netloc != own]

    def close(self) -> None:
        self.context.close()


def visitor(browser, base_url: str):
    """visit(width) -> PageVisit on `base_url`; every page it opened is closed when the generator ends."""
    opened: list[PageVisit] = []

    def make(width: int = 1280) -> PageVisit:
        v = PageVisit(browser, base_url, width)
        opened.append(v)
        return v

    yield make
    for v in opened:
        v.close()


@pytest.fixture
def visit(browser, shared_demo, django_db_blocker):
    """visit(width) -> PageVisit on the module's live server with the demo data, for tests that only read. The
    database is open for the test's length (pytest-django's blocker holds for every thread, the server's too)."""
    with django_db_blocker.unblock():
        yield from visitor(browser, shared_demo.url)


@pytest.fixture(scope="module")
def kept_pages(browser, shared_demo):
    """One open page per width on the module's live server, kept for `visit_reused` (width -> PageVisit)."""
    kept: dict[int, PageVisit] = {}
    yield kept
    for v in kept.values():
        v.close()


CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember whether a test's call failed, for `visit_reused`."""
    report = yield
    if report.when == "call" and report.failed:
        item.stash[CALL_FAILED] = True
    return report


@pytest.fixture
def visit_reused(request, browser, shared_demo, kept_pages, django_db_blocker):
    """visit(width) -> PageVisit like `visit`, but on the page of that width the module keeps open: a new browser
    page costs more than most checks made on it, and hundreds of tests each open one. For tests that only open an
    address and look at what it shows (no typing, no print media, no requests or cookies of their own to check).
    After the test the page forgets its cookies and the requests it made; after a failed test it is closed, and the
    next test gets a new one. A second page of the same width in one test is a new one."""
    handed: set[int] = set()
    extra: list[PageVisit] = []

    def make(width: int = 1280) -> PageVisit:
        if width in handed:
            extra.append(PageVisit(browser, shared_demo.url, width))
            return extra[-1]
        handed.add(width)
        if width not in kept_pages:
            kept_pages[width] = PageVisit(browser, shared_demo.url, width)
        return kept_pages[width]

    with django_db_blocker.unblock():
        yield make
    for v in extra:
        v.close()
    failed = request.node.stash.get(CALL_FAILED, False)
    for width in handed:
        v = kept_pages[width]
        if not failed and not v.page.is_closed():
            with contextlib.suppress(Exception):  # whatever goes wrong here, the next test gets a new page
                v.context.clear_cookies()
                v.requests.clear()
                continue
        del kept_pages[width]
        with contextlib.suppress(Exception):
            v.close()


@pytest.fixture
def visit_writable(browser, demo):
    """visit(width) -> PageVisit on a live server with the demo data loaded for this test alone: for tests that
    write (the database is emptied afterwards)."""
    yield from visitor(browser, demo.url)
