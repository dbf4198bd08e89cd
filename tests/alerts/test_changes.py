"""alerts.changes: each published change noticed once with the targets it concerns, what was public before silent,
and rendered short in the reader's language only while it is still public."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone

from alerts import changes
from alerts.changes import STARTED, notice, render
from alerts.models import Change
from commitments.models import (
    ActionPlan,
    Indicator,
    IndicatorValue,
    IrmLevel,
    MilestoneProgress,
    ProgressSource,
    ProgressUpdate,
)
from feedback.models import Moderation, PreviousAnswer, Suggestion
from meetings.models import Meeting
from reports.models import Report
from roads.models import RoadDocument, RoadRequest, RoadRequestChange, RoadWork
from surveys.models import Survey
from tests.factories import CantonFactory, MilestoneFactory, ProgressUpdateFactory
from tests.feedback.factories import AnsweredSuggestionFactory
from tests.meetings.factories import MeetingFactory
from tests.roads.factories import ParishFactory, RoadProgressFactory, RoadRequestFactory, RoadWorkFactory
from tests.surveys.factories import SurveyFactory

SITE = "https://conecta.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE + "/"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def mera(db):
    return CantonFactory(code="1602", slug="mera", name_es="Mera", seat="Mera")


@pytest.fixture
def puyo(db):
    return ParishFactory(code="160150", name_es="Puyo", name_qu="Puyu")


@pytest.fixture
def placed(commitment, mera, puyo):
    """`commitment` in the canton of Mera and the parish of Puyo (canton Pastaza, 1601)."""
    commitment.cantons.add(mera)
    commitment.parishes.add(puyo)
    return commitment


PLACES = ["canton:1602", "canton:1601", "parish:160150"]


@pytest.fixture
def started(db):
    """Alerts have run once before (nothing was public then): every kind has been looked at."""
    assert notice() == 0
    return set(Change.objects.values_list("kind", flat=True))


def make_indicator(commitment, order=1, **fields) -> Indicator:
    return Indicator.objects.create(
        commitment=commitment,
        order=order,
        name_es=fields.pop("name_es", "Plantas sembradas"),
        unit_es=fields.pop("unit_es", "plantas"),
        baseline_value=Decimal("0"),
        baseline_on=date(2025, 1, 1),
        target_value=Decimal("1000"),
        target_on=date(2027, 2, 28),
        is_published=fields.pop("is_published", True),
        **fields,
    )


class World:
    """One published record of each kind of change, dated `day`, and what each one should concern."""

    def __init__(self, *, commitment, canton, parish, day, n=1, tag="a"):
        now = timezone.now()
        self.commitment = commitment
        self.milestone = MilestoneFactory(commitment=commitment, order=len(tag) * 10 + 2, observed=False)
        self.updates = [
            ProgressUpdateFactory(
                commitment=commitment, milestone=self.milestone, occurred_on=day - timedelta(days=i),
                title_es=f"Vivero en marcha {i}", text_es="Se sembraron 400 plantas nativas. " * 20,
            )
            for i in range(n)
        ]  # fmt: skip
        self.observations = [
            MilestoneProgress.objects.create(
                milestone=self.milestone, observed_on=day - timedelta(days=n - i), progress=40 + i % 50,
                level=IrmLevel.LIMITED, source=ProgressSource.ADMIN,
            )
            for i in range(n)
        ]  # fmt: skip
        self.indicator = make_indicator(commitment, order=len(tag) * 10 + 1)
        self.values = [
            IndicatorValue.objects.create(
                indicator=self.indicator, observed_on=day - timedelta(days=i), value=Decimal("400") + i,
                is_published=True,
            )
            for i in range(n)
        ]  # fmt: skip
        self.works = [
            RoadWorkFactory(
                commitment=commitment, name_es=f"Vía Puyo-Tarqui {tag}{i}", actual_start=day - timedelta(days=30),
                actual_end=day, planned_end=day,
            )
            for i in range(n)
        ]  # fmt: skip
        self.work = self.works[0]
        self.work.cantons.add(canton)
        self.work.parishes.add(parish)
        self.road_progress = [
            RoadProgressFactory(work=self.work, observed_on=day - timedelta(days=i), physical_pct=62 - i % 50)
            for i in range(n)
        ]
        self.documents = [
            RoadDocument.objects.create(
                work=self.work, document_type="physicalProgressReport", title_es=f"Informe de avance {i}",
                url="https://example.org/informe.pdf", published_on=day,
            )
            for i in range(n)
        ]  # fmt: skip
        self.request = RoadRequestFactory(parish=parish, description="Soy Rosa, vivo junto al bache, 0999999999.")
        self.request_changes = [
            RoadRequestChange.objects.create(
                request=self.request, status=RoadRequest.Status.IN_PROGRESS, note_es="Cuadrilla asignada.",
                changed_at=now - timedelta(minutes=i),
            )
            for i in range(n)
        ]  # fmt: skip
        self.suggestions = [
            AnsweredSuggestionFactory(
                commitment=commitment, text="Soy Rosa Gualinga y pido más viveros.",
                answer_es="Estimada Rosa: el vivero abrirá en marzo.",
            )
            for i in range(n)
        ]  # fmt: skip
        self.previous_answers = [
            PreviousAnswer.objects.create(
                suggestion=suggestion, answer_es="Lo estamos revisando.", answered_at=now - timedelta(days=3),
                replaced_at=now - timedelta(days=1),
            )
            for suggestion in self.suggestions
        ]  # fmt: skip
        self.reports = [
            Report.objects.create(
                plan=commitment.plan, kind=Report.Kind.QUARTERLY, period=f"2026-Q{len(tag) + 1}", version=i + 1,
                period_starts_on=date(2026, 7, 1), period_ends_on=date(2026, 9, 30), slug=f"2026-t3-{tag}{i}",
                summary_es="El trimestre avanzó el vivero.", status=Report.Status.PUBLISHED, published_at=now,
            )
            for i in range(n)
        ]  # fmt: skip
        self.surveys = [SurveyFactory(commitment=commitment, title_es=f"¿Cómo se informa? {tag}{i}") for i in range(n)]
        self.meetings = [MeetingFactory(date=day, canton=canton, title_es=f"Asamblea {tag}{i}") for i in range(n)]

    def expected(self) -> dict[tuple[str, int], list[str]]:
        """(kind, record) -> targets, for the first record of each kind."""
        code = self.commitment.code
        work = ["work:" + self.work.code, "commitment:" + code, "canton:1601", "parish:160150"]
        return {
            ("progress_update", self.updates[0].pk): [f"commitment:{code}", f"milestone:{self.milestone.pk}", *PLACES],
            ("milestone_progress", self.observations[0].pk): [
                f"milestone:{self.milestone.pk}", f"commitment:{code}", *PLACES,
            ],
            ("indicator_value", self.values[0].pk): [f"indicator:{self.indicator.pk}", f"commitment:{code}", *PLACES],
            ("road_progress", self.road_progress[0].pk): work,
            ("road_document", self.documents[0].pk): work,
            ("road_work_started", self.work.pk): work,
            ("road_work_completed", self.work.pk): work,
            ("road_request_change", self.request_changes[0].pk): [
                f"code:{self.request.tracking_code}", "parish:160150", "canton:1601",
            ],
            ("suggestion_answer", self.suggestions[0].pk): [
                f"code:{self.suggestions[0].tracking_code}", f"commitment:{code}",
            ],
            ("suggestion_answer_new", self.previous_answers[0].pk): [
                f"code:{self.suggestions[0].tracking_code}", f"commitment:{code}",
            ],
            ("report", self.reports[0].pk): ["reports"],
            ("survey", self.surveys[0].pk): ["participation", f"commitment:{code}"],
            ("meeting", self.meetings[0].pk): ["participation", "canton:1601"],
        }  # fmt: skip


def noticed() -> dict[tuple[str, int], Change]:
    return {(c.kind, c.object_id): c for c in Change.objects.exclude(object_id=STARTED)}


# notice()


def test_each_kind_is_noticed_once_with_the_targets_it_concerns(started, placed, puyo, today):
    assert started == set(changes.KINDS)
    world = World(commitment=placed, canton=puyo.canton, parish=puyo, day=today)

    assert notice() == len(changes.KINDS)

    found = noticed()
    assert {key: change.targets for key, change in found.items()} == world.expected()
    assert not any(change.silent for change in found.values())
    assert notice() == 0
    assert Change.objects.exclude(object_id=STARTED).count() == len(changes.KINDS)


def test_unpublished_records_are_never_noticed(started, placed, puyo, today):
    MilestoneFactory(commitment=placed, is_published=False, observed=today)
    ProgressUpdateFactory(commitment=placed, occurred_on=today, is_published=False)
    make_indicator(placed, is_published=False)
    IndicatorValue.objects.create(
        indicator=make_indicator(placed, order=2), observed_on=today, value=Decimal("1"), is_published=False
    )
    hidden_work = RoadWorkFactory(is_published=False, actual_start=today, actual_end=today)
    RoadProgressFactory(work=hidden_work, observed_on=today)
    RoadDocument.objects.create(work=hidden_work, document_type="other", title_es="Borrador", url="https://e.org/x")
    pending = RoadRequestFactory(parish=puyo, moderation=Moderation.PENDING)
    RoadRequestChange.objects.create(request=pending, status=RoadRequest.Status.SCHEDULED, note_es="Pronto.")
    AnsweredSuggestionFactory(moderation=Moderation.REJECTED)
    AnsweredSuggestionFactory(status=Suggestion.Status.UNDER_REVIEW, answered_at=None, is_public=False)
    Report.objects.create(
        plan=placed.plan, kind=Report.Kind.QUARTERLY, period="2026-Q3", period_starts_on=date(2026, 7, 1),
        period_ends_on=date(2026, 9, 30), slug="2026-t3", status=Report.Status.APPROVED,
    )  # fmt: skip
    SurveyFactory(is_published=False)
    SurveyFactory(opens_at=timezone.now() + timedelta(days=2))  # published, not open yet
    MeetingFactory(is_published=False)

    assert notice() == 0
    assert noticed() == {}


def test_a_private_answer_concerns_only_its_tracking_code(started, placed):
    suggestion = AnsweredSuggestionFactory(commitment=placed, is_public=False)

    notice()

    assert noticed()[("suggestion_answer", suggestion.pk)].targets == [f"code:{suggestion.tracking_code}"]


def test_what_was_public_before_alerts_began_is_recorded_silent(placed, puyo, today):
    world = World(commitment=placed, canton=puyo.canton, parish=puyo, day=today)

    assert notice() == len(changes.KINDS)

    assert {key for key, change in noticed().items() if change.silent} == set(world.expected())
    later = ProgressUpdateFactory(commitment=placed, occurred_on=today)
    assert notice() == 1
    assert noticed()[("progress_update", later.pk)].silent is False


def test_a_kind_with_nothing_public_at_first_still_tells_its_first_record(placed, today):
    notice()  # the first deploy: no report published yet
    report = Report.objects.create(
        plan=placed.plan, kind=Report.Kind.ANNUAL, period="2026", period_starts_on=date(2026, 1, 1),
        period_ends_on=date(2026, 12, 31), slug="2026", status=Report.Status.PUBLISHED, published_at=timezone.now(),
    )  # fmt: skip

    assert notice() == 1

    assert noticed()[("report", report.pk)].silent is False


def test_backfilled_history_is_recorded_silent(started, placed, today):
    old = ProgressUpdateFactory(commitment=placed, occurred_on=today - timedelta(days=changes.BACKFILL_DAYS + 1))
    recent = ProgressUpdateFactory(commitment=placed, occurred_on=today - timedelta(days=changes.BACKFILL_DAYS))
    minutes = MeetingFactory(date=date(2024, 11, 21))
    closed = SurveyFactory(opens_at=timezone.now() - timedelta(days=20), closes_at=timezone.now() - timedelta(days=1))

    notice()

    found = noticed()
    assert found[("progress_update", old.pk)].silent is True
    assert found[("progress_update", recent.pk)].silent is False
    assert found[("meeting", minutes.pk)].silent is True
    assert found[("survey", closed.pk)].silent is True


def test_a_new_answer_is_noticed_when_it_replaces_an_earlier_one(started, placed):
    suggestion = AnsweredSuggestionFactory(commitment=placed, is_public=False, answer_es="Lo revisamos.")
    notice()
    earlier = PreviousAnswer.objects.create(
        suggestion=suggestion, answer_es="Lo revisamos.", answered_at=suggestion.answered_at,
        replaced_at=timezone.now(),
    )  # fmt: skip
    Suggestion.objects.filter(pk=suggestion.pk).update(answer_es="El vivero abrirá en marzo.")

    assert notice() == 1

    assert noticed()[("suggestion_answer_new", earlier.pk)].targets == [f"code:{suggestion.tracking_code}"]
    [first, again] = render(Change.objects.filter(kind__startswith="suggestion"), language="es")
    assert (first.title, first.text) == (f"{suggestion.tracking_code} · Le respondimos", "Lo revisamos.")
    assert (again.title, again.text) == (
        f"{suggestion.tracking_code} · Le respondimos de nuevo",
        "El vivero abrirá en marzo.",
    )


def test_two_sweeps_at_once_store_each_change_once(started, placed, today, monkeypatch):
    update = ProgressUpdateFactory(commitment=placed, occurred_on=today)
    real = Change.objects.bulk_create

    def other_sweep_first(rows, **kwargs):
        # Another sweep stored the same change between this one's reading and its writing.
        Change.objects.create(kind="progress_update", object_id=update.pk, targets=[], noticed_at=timezone.now())
        return real(rows, **kwargs)

    monkeypatch.setattr(Change.objects, "bulk_create", other_sweep_first)

    notice()

    assert Change.objects.filter(kind="progress_update", object_id=update.pk).count() == 1


# render()


def test_it_renders_each_kind_short_with_its_public_address(started, placed, puyo, today):
    world = World(commitment=placed, canton=puyo.canton, parish=puyo, day=today)
    notice()

    rendered = {(r.kind, r.change_id): r for r in render(Change.objects.all(), language="es")}

    by_key = {key: rendered[(change.kind, change.pk)] for key, change in noticed().items()}
    assert len(by_key) == len(changes.KINDS)
    code = placed.code
    update = by_key[("progress_update", world.updates[0].pk)]
    assert update.title == f"{code} · Vivero en marcha 0"
    assert update.text.startswith("Se sembraron 400 plantas nativas.") and len(update.text) <= changes.TEXT_MAX
    assert update.url == f"{SITE}/es/compromisos/{code}/#update-{world.updates[0].pk}"
    assert (update.day, update.fallback) == (today, False)
    observation = by_key[("milestone_progress", world.observations[0].pk)]
    assert observation.title == f"{code} · Hito {world.milestone.order}: 40 %"
    assert observation.url.endswith(f"#milestone-{world.milestone.pk}-history")
    value = by_key[("indicator_value", world.values[0].pk)]
    assert value.text.startswith("Nuevo valor: 400 plantas (")
    progress = by_key[("road_progress", world.road_progress[0].pk)]
    assert progress.text == f"Avance físico 62 % ({formats.date_format(today, 'YEAR_MONTH_FORMAT')})."
    assert progress.url == f"{SITE}/es/vias/{world.work.code}/#progress"
    request = by_key[("road_request_change", world.request_changes[0].pk)]
    assert request.text == "Estado: En curso. Cuadrilla asignada."
    assert request.url == f"{SITE}/es/vias/solicitudes/{world.request.tracking_code}/"
    first_answer = by_key[("suggestion_answer", world.suggestions[0].pk)]
    assert first_answer.text == "Lo estamos revisando."
    answer = by_key[("suggestion_answer_new", world.previous_answers[0].pk)]
    assert answer.text == "El vivero abrirá en marzo."  # the public page's copy: no greeting, no name
    assert answer.url == f"{SITE}/es/participa/respuestas/"
    report = by_key[("report", world.reports[0].pk)]
    assert "2026" in report.title and report.text == "El trimestre avanzó el vivero."
    assert report.url == f"{SITE}/es/informes/{world.reports[0].slug}/"
    assert by_key[("survey", world.surveys[0].pk)].url == f"{SITE}/es/participa/encuestas/{world.surveys[0].slug}/"
    assert by_key[("meeting", world.meetings[0].pk)].url == f"{SITE}/es/reuniones/{world.meetings[0].slug}/"
    for piece in by_key.values():
        assert piece.url.startswith(f"{SITE}/es/")
        assert "Rosa" not in piece.text + piece.title and "0999999999" not in piece.text


def test_it_drops_what_was_unpublished_after_it_was_noticed(started, placed, puyo, today, settings):
    world = World(commitment=placed, canton=puyo.canton, parish=puyo, day=today)
    notice()
    assert len(render(Change.objects.all(), language="es")) == len(changes.KINDS)

    ProgressUpdate.objects.filter(pk=world.updates[0].pk).update(is_published=False)
    MilestoneProgress.objects.filter(pk=world.observations[0].pk).update(is_published=False)
    IndicatorValue.objects.filter(pk=world.values[0].pk).update(is_published=False)
    RoadWork.objects.filter(pk=world.work.pk).update(is_published=False)  # its progress, documents and dates
    RoadRequest.objects.filter(pk=world.request.pk).update(moderation=Moderation.HIDDEN)
    Suggestion.objects.filter(pk=world.suggestions[0].pk).update(is_public=False)  # off the public page
    # A published report is frozen: it leaves the public pages only when the portal shows another plan.
    ActionPlan.objects.create(slug="otro", title_es="Otro plan", starts_on=date(2027, 3, 1), ends_on=date(2030, 2, 28))
    settings.CONECTA_PLAN_SLUG = "otro"
    Survey.objects.filter(pk=world.surveys[0].pk).update(is_published=False)
    Meeting.objects.filter(pk=world.meetings[0].pk).update(is_published=False)

    assert render(Change.objects.all(), language="es") == []


def test_an_answer_for_the_code_alone_stays_while_it_is_answered(started, placed):
    suggestion = AnsweredSuggestionFactory(commitment=placed, is_public=False, answer_es="Hola Rosa, ya está.")
    notice()
    change = Change.objects.exclude(object_id=STARTED).get(kind="suggestion_answer")

    [piece] = render([change], language="es")

    assert piece.text == "Ya está."
    assert piece.url == f"{SITE}/es/participa/seguimiento/?codigo={suggestion.tracking_code}"
    Suggestion.objects.filter(pk=suggestion.pk).update(moderation=Moderation.HIDDEN)
    assert render([change], language="es") == []


def test_kichwa_reads_its_own_texts_and_marks_the_spanish_ones(started, placed, today):
    whole = ProgressUpdateFactory(commitment=placed, occurred_on=today, title_qu="Yura wasi", text_qu="Tarpurkanchik.")
    half = ProgressUpdateFactory(commitment=placed, occurred_on=today, title_qu="Yura wasi", text_qu="")
    notice()

    pieces = {p.change_id: p for p in render(Change.objects.all(), language="qu")}

    by_record = {
        c.object_id: pieces[c.pk] for c in Change.objects.filter(kind="progress_update").exclude(object_id=STARTED)
    }
    assert by_record[whole.pk].fallback is False
    assert by_record[whole.pk].text == "Tarpurkanchik."
    assert by_record[half.pk].fallback is True
    assert by_record[half.pk].text == half.text_es
    assert by_record[half.pk].url.startswith(f"{SITE}/qu/compromisos/")
    [spanish] = render(Change.objects.filter(kind="progress_update", object_id=half.pk), language="es")
    assert spanish.fallback is False


# Queries: the same whatever the number of records.


def _queries(action) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        action()
    return [query["sql"] for query in ctx.captured_queries]


def test_noticing_and_rendering_cost_the_same_queries_for_3_or_30_records_of_each_kind(
    started, placed, puyo, today, django_assert_max_num_queries
):
    World(commitment=placed, canton=puyo.canton, parish=puyo, day=today, n=3, tag="a")
    few = _queries(notice)
    changes_then = list(Change.objects.all())
    few_render = _queries(lambda: render(changes_then, language="qu"))
    World(commitment=placed, canton=puyo.canton, parish=puyo, day=today, n=30, tag="bb")
    with django_assert_max_num_queries(len(few) + 1):  # + one INSERT batch: SQLite takes 999 parameters a statement
        many = _queries(notice)
    changes_now = list(Change.objects.all())
    many_render = _queries(lambda: render(changes_now, language="qu"))

    reads = [sql for sql in few if not sql.startswith("INSERT")]
    assert len([sql for sql in many if not sql.startswith("INSERT")]) == len(reads)
    assert len(many_render) == len(few_render)
    assert len(render(changes_now, language="qu")) == Change.objects.exclude(object_id=STARTED).count()
