"""A milestone's state on any date, in SQL, from its dated history: the latest published observation on or before
the date; not started before its start or before anything was observed. A commitment's progress as of a date
weights its milestones' progress then."""

from datetime import date

import pytest

from commitments.models import (
    BudgetExecution,
    Commitment,
    IrmLevel,
    Milestone,
    MilestoneProgress,
    ProgressSource,
    budget_executed_as_of,
    milestone_progress_as_of,
)
from commitments.services import commitment_save
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def observe(milestone, day, progress, *, published=True):
    return MilestoneProgress.objects.create(
        milestone=milestone,
        observed_on=day,
        progress=progress,
        level=IrmLevel.for_progress(progress),
        source=ProgressSource.ADMIN,
        is_published=published,
    )


def state_on(milestone, day):
    progress, level = milestone_progress_as_of(day)
    return Milestone.objects.filter(pk=milestone.pk).annotate(p=progress, lvl=level).values_list("p", "lvl").get()


def test_the_state_on_a_date_is_the_latest_published_observation_by_then(commitment):
    milestone = MilestoneFactory(commitment=commitment, starts_on=date(2025, 2, 1), progress=75, observed=False)
    observe(milestone, date(2025, 3, 31), 20)
    observe(milestone, date(2025, 6, 30), 50)
    observe(milestone, date(2025, 9, 30), 90, published=False)  # an unpublished update's report
    observe(milestone, date(2026, 1, 15), 75)

    assert state_on(milestone, date(2025, 3, 30)) == (0, "not_started")
    assert state_on(milestone, date(2025, 3, 31)) == (20, "limited")
    assert state_on(milestone, date(2025, 12, 31)) == (50, "substantial")
    assert state_on(milestone, date(2026, 12, 31)) == (75, "substantial")


def test_a_milestone_that_had_not_started_is_not_started_whatever_was_recorded(commitment):
    milestone = MilestoneFactory(commitment=commitment, starts_on=date(2026, 1, 1), due_on=date(2026, 6, 30))
    observe(milestone, date(2025, 12, 1), 10)  # entered early by mistake

    assert state_on(milestone, date(2025, 12, 31)) == (0, "not_started")


def test_later_entries_on_the_same_day_win(commitment):
    milestone = MilestoneFactory(commitment=commitment, observed=False)
    observe(milestone, date(2025, 5, 1), 30)
    observe(milestone, date(2025, 5, 1), 35)

    assert state_on(milestone, date(2025, 5, 1)) == (35, "limited")


def test_a_commitments_progress_as_of_a_date_weights_its_milestones_then(commitment):
    first = MilestoneFactory(commitment=commitment, weight=1, progress=100, observed=False)
    second = MilestoneFactory(commitment=commitment, weight=3, progress=60, observed=False)
    observe(first, date(2025, 3, 1), 40)
    observe(first, date(2025, 11, 1), 100)
    observe(second, date(2025, 4, 1), 20)
    observe(second, date(2026, 2, 1), 60)

    then = Commitment.objects.filter(pk=commitment.pk).with_progress(as_of=date(2025, 6, 30)).get()
    now = Commitment.objects.filter(pk=commitment.pk).with_progress().get()

    assert then.progress == 25  # (1 × 40 + 3 × 20) / 4
    assert now.progress == 70  # (100 + 180) / 4, from the stored current values
    assert Commitment.objects.filter(pk=commitment.pk).with_progress(as_of=date(2026, 12, 31)).get().progress == 70


def test_a_commitment_ended_incomplete_as_of_its_end(commitment):
    Commitment.objects.filter(pk=commitment.pk).update(ends_on=date(2025, 12, 31))
    MilestoneFactory(commitment=commitment, progress=60, observed=date(2025, 6, 1))

    # As on the public pages, where a commitment ending today is not late yet: late from the day after its end.
    on_its_last_day = Commitment.objects.filter(pk=commitment.pk).with_progress(as_of=date(2025, 12, 31)).get()
    the_day_after = Commitment.objects.filter(pk=commitment.pk).with_progress(as_of=date(2026, 1, 1)).get()

    assert not on_its_last_day.overdue
    assert the_day_after.overdue and the_day_after.is_overdue


def test_executed_budget_as_of_a_date_is_the_latest_record_by_then(commitment):
    commitment.budget_planned, commitment.budget_executed = 50000, 1000
    commitment_save(commitment=commitment, executed_on=date(2025, 6, 30))
    commitment.budget_executed = 4000
    commitment_save(commitment=commitment, executed_on=date(2025, 12, 31))
    commitment.budget_planned = 60000  # not a change of the executed budget: no record
    commitment_save(commitment=commitment, executed_on=date(2026, 3, 1))

    def executed(day):
        return Commitment.objects.filter(pk=commitment.pk).annotate(b=budget_executed_as_of(day)).get().b

    assert BudgetExecution.objects.filter(commitment=commitment).count() == 2
    assert executed(date(2025, 6, 29)) is None
    assert executed(date(2025, 9, 30)) == 1000
    assert executed(date(2026, 1, 1)) == 4000


def test_the_example_milestones_of_load_demo_have_an_honestly_dated_history(real_plan):
    from commitments import plan_data

    milestones = Milestone.objects.filter(commitment__plan=real_plan).select_related("commitment")
    for milestone in milestones:
        latest = MilestoneProgress.objects.as_of(date.max).filter(milestone=milestone).first()
        expected = next(
            row for row in plan_data.EXAMPLE_MILESTONES[milestone.commitment.code] if row[0] == milestone.order
        )
        assert (milestone.progress, milestone.level) == (expected[6], expected[7])
        if milestone.progress:
            assert (latest.progress, latest.level) == (milestone.progress, milestone.level)
            assert latest.observed_on >= milestone.starts_on
    roads = {m.order: m for m in milestones if m.commitment.code == "ECPTZ0003"}

    # At the end of 2025: the portal (milestone 2) was at 40 %; the request register (3) had not started.
    assert state_on(roads[2], date(2025, 12, 31)) == (40, "limited")
    assert state_on(roads[3], date(2025, 12, 31)) == (0, "not_started")
    assert roads[2].observations.get(update__isnull=False).observed_on == date(2026, 11, 3)
