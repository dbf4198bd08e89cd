"""The public home page: the plan at a glance (overall progress, charts, latest updates, next milestones, the
first commitments) in each language, with the same few queries and a small page whatever the plan's size."""

import gzip
from datetime import timedelta

import pytest
from django.utils import timezone

from commitments.loaders import synthetic_prefix
from commitments.models import Axis, IrmLevel
from commitments.views import HOME_COMMITMENTS
from tests.factories import CommitmentFactory, MilestoneFactory, ProgressUpdateFactory
from tests.replay import synthetic_plan

pytestmark = pytest.mark.django_db

# Measured: the plan; the counts and progress sums by axis and level (one grouped query); the first commitments
# with their progress; the latest updates; the overdue milestones; the next milestones; whether the plan holds
# example data. It does not grow with the number of commitments (3 real ones or 300 synthetic ones).
HOME_QUERIES = 7


@pytest.fixture
def current(settings, plan):
    settings.CONECTA_PLAN_SLUG = plan.slug
    return plan


def test_it_lists_the_published_commitments_of_the_plan_with_their_progress(citizen, commitment, other_commitment):
    MilestoneFactory(commitment=commitment, weight=1, progress=100)
    MilestoneFactory(commitment=commitment, weight=1, progress=20)

    response = citizen.get("/es/")

    assert response.status_code == 200
    listed = {c.code: c for c in response.context["commitments"]}
    assert list(listed) == ["TEST0001", "TEST0002"]
    assert listed["TEST0001"].progress == 60
    assert listed["TEST0002"].progress is None
    assert response.context["overall_progress"] == 60
    assert 'href="/es/compromisos/TEST0001/"' in response.text


def test_it_never_shows_an_unpublished_commitment(citizen, commitment, plan):
    hidden = CommitmentFactory(code="TEST0009", plan=plan, title_es="Borrador secreto", is_published=False)
    MilestoneFactory(commitment=hidden, title_es="Hito secreto", progress=100, due_on=timezone.localdate())
    ProgressUpdateFactory(commitment=hidden, title_es="Avance secreto")

    response = citizen.get("/es/")

    assert [c.code for c in response.context["commitments"]] == ["TEST0001"]
    assert response.context["overview"].total == 1
    for text in ("Borrador secreto", "TEST0009", "Hito secreto", "Avance secreto"):
        assert text not in response.text


def test_unpublished_milestones_do_not_move_the_progress_shown(citizen, commitment):
    MilestoneFactory(commitment=commitment, progress=20)
    MilestoneFactory(commitment=commitment, progress=100, weight=10, is_published=False)

    response = citizen.get("/es/")

    assert response.context["commitments"][0].progress == 20
    assert response.context["overall_progress"] == 20


def test_the_overall_progress_is_the_mean_of_the_measured_commitments(citizen, current):
    for n, progress in enumerate([10, 45, None, 100], start=1):
        commitment = CommitmentFactory(code=f"TEST000{n}", plan=current)
        if progress is not None:
            MilestoneFactory(commitment=commitment, progress=progress)

    response = citizen.get("/es/")

    assert response.context["overall_progress"] == round((10 + 45 + 100) / 3)
    assert response.context["overall_level"] == IrmLevel.SUBSTANTIAL


def test_the_charts_show_progress_by_axis_and_commitments_by_level(citizen, current):
    shapes = [
        (Axis.BIOPHYSICAL, 20),
        (Axis.BIOPHYSICAL, 61),
        (Axis.ECONOMIC_PRODUCTIVE, 100),
        (Axis.ECONOMIC_PRODUCTIVE, None),
        (Axis.HUMAN_SETTLEMENTS, 0),
    ]
    for n, (axis, progress) in enumerate(shapes, start=1):
        commitment = CommitmentFactory(code=f"TEST000{n}", plan=current, axis=axis)
        if progress is not None:
            MilestoneFactory(commitment=commitment, progress=progress)

    response = citizen.get("/es/")

    overview = response.context["overview"]
    assert overview.total == 5
    assert [(row["axis"], row["count"], row["progress"]) for row in overview.by_axis] == [
        (Axis.BIOPHYSICAL, 2, 40),  # round(40.5) rounds half to even
        (Axis.ECONOMIC_PRODUCTIVE, 2, 100),
        (Axis.HUMAN_SETTLEMENTS, 1, 0),
    ]
    assert {row["level"]: row["count"] for row in overview.by_level} == {
        IrmLevel.NO_EVIDENCE: 1,
        IrmLevel.NOT_STARTED: 1,
        IrmLevel.LIMITED: 1,
        IrmLevel.SUBSTANTIAL: 1,
        IrmLevel.COMPLETE: 1,
    }
    html = response.text
    assert html.count('<svg class="bars"') == 2
    assert html.count('<table class="chart-data">') == 2
    assert 'width="40.0%"' in html  # an SVG length, whatever the page's number format


def test_the_latest_updates_are_five_published_ones_newest_first_with_the_example_tag(citizen, commitment):
    today = timezone.localdate()
    for n in range(7):
        ProgressUpdateFactory(
            commitment=commitment, occurred_on=today - timedelta(days=n), title_es=f"Avance {n}", is_illustrative=n == 0
        )
    ProgressUpdateFactory(commitment=commitment, occurred_on=today, title_es="Avance en borrador", is_published=False)

    response = citizen.get("/es/")

    assert [u.title_es for u in response.context["updates"]] == [f"Avance {n}" for n in range(5)]
    assert "Avance en borrador" not in response.text
    news = response.text.split('id="news-h"')[1].split("</section>")[0]
    assert news.count('class="tag"') == 1
    assert f'<time datetime="{today:%Y-%m-%d}">' in news
    assert "TEST0001" in news


def test_the_next_milestones_are_the_five_pending_published_ones_due_soonest(citizen, commitment):
    today = timezone.localdate()
    MilestoneFactory(commitment=commitment, order=1, title_es="Vencido", due_on=today - timedelta(days=1))
    MilestoneFactory(commitment=commitment, order=2, title_es="Completo", due_on=today, progress=100)
    MilestoneFactory(commitment=commitment, order=3, title_es="Oculto", due_on=today, is_published=False)
    for n in range(6):
        MilestoneFactory(
            commitment=commitment,
            order=10 + n,
            title_es=f"Próximo {n}",
            starts_on=today - timedelta(days=30),
            due_on=today + timedelta(days=6 - n),
        )

    response = citizen.get("/es/")

    assert [m.title_es for m in response.context["upcoming"]] == [f"Próximo {n}" for n in (5, 4, 3, 2, 1)]
    upcoming = response.text.split('id="next-h"')[1].split("</section>")[0]
    assert "Vencido" not in upcoming  # it is listed among the overdue ones instead (test_overdue.py)
    assert "Oculto" not in response.text


def test_it_links_to_the_plan_page_and_to_the_full_list(citizen, commitment):
    response = citizen.get("/es/")

    assert 'href="/es/plan/"' in response.text
    assert 'href="/es/compromisos/"' in response.text


def test_it_says_so_when_no_plan_is_loaded(citizen):
    response = citizen.get("/es/")

    assert response.status_code == 200
    assert response.context["plan"] is None


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_real_plan_page_speaks_its_language(citizen, real_plan, lang):
    response = citizen.get(f"/{lang}/")

    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    assert response["Content-Language"] == lang
    title = real_plan.title_qu if lang == "qu" else real_plan.title_es
    assert f"<h1>{title}</h1>" in response.text
    assert "<script" not in response.text


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_home_page_costs_the_same_few_queries_for_the_real_plan(
    citizen, real_plan, lang, django_assert_max_num_queries
):
    with django_assert_max_num_queries(HOME_QUERIES):
        response = citizen.get(f"/{lang}/")

    assert len(response.context["commitments"]) == 3


def test_the_home_page_costs_the_same_few_queries_and_stays_small_for_300_commitments(
    citizen, settings, django_assert_max_num_queries
):
    synthetic_plan(commitments=300)
    settings.CONECTA_PLAN_SLUG = "sintetico-300"

    for lang in ("es", "qu"):
        with django_assert_max_num_queries(HOME_QUERIES):
            response = citizen.get(f"/{lang}/")

        assert len(response.context["commitments"]) == HOME_COMMITMENTS
        assert response.context["overview"].total == 300
        assert f"{synthetic_prefix(300)}0001" in response.text
        assert f"{synthetic_prefix(300)}0300" not in response.text
        assert "300" in response.text.split('id="list-h"')[1]  # "See all 300 commitments"
        assert len(gzip.compress(response.content)) <= 14 * 1024
