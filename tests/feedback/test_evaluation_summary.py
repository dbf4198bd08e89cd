"""feedback.selectors.evaluation_summary: the evaluations' figures a report reads, per commitment and period."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from feedback.models import Evaluation, Moderation
from feedback.selectors import evaluation_summary, suggestion_figures

from .factories import EvaluationFactory, SuggestionFactory

pytestmark = pytest.mark.django_db
PASTAZA = ZoneInfo("America/Guayaquil")


def evaluated(commitment, score, when, **kwargs):
    evaluation = EvaluationFactory(commitment=commitment, score=score, **kwargs)
    Evaluation.objects.filter(pk=evaluation.pk).update(created_at=when)


def test_it_counts_averages_and_spreads_per_commitment_within_the_period(
    commitment, other_commitment, django_assert_num_queries
):
    evaluated(commitment, 5, datetime(2026, 1, 1, 0, 30, tzinfo=PASTAZA))
    evaluated(commitment, 2, datetime(2026, 3, 31, 23, 30, tzinfo=PASTAZA))
    evaluated(commitment, 4, datetime(2026, 4, 1, 0, 30, tzinfo=PASTAZA))  # the next quarter
    evaluated(other_commitment, 3, datetime(2026, 2, 1, tzinfo=PASTAZA))
    evaluated(other_commitment, 1, datetime(2026, 2, 1, tzinfo=PASTAZA), moderation=Moderation.REJECTED)
    evaluated(
        other_commitment,
        1,
        datetime(2026, 2, 1, tzinfo=PASTAZA),
        moderation=Moderation.PENDING,
        comment="Sin moderar aún: su puntaje cuenta",
    )

    with django_assert_num_queries(1):
        figures = evaluation_summary(
            [commitment.code, other_commitment.code, "NOPE0001"], date(2026, 1, 1), date(2026, 3, 31)
        )

    assert (figures["TEST0001"].count, figures["TEST0001"].average) == (2, 3.5)
    assert figures["TEST0001"].distribution == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}
    assert (figures["TEST0002"].count, figures["TEST0002"].average) == (2, 2.0)
    assert (figures["NOPE0001"].count, figures["NOPE0001"].average) == (0, None)
    assert (figures[""].count, figures[""].average) == (4, 2.8)
    assert [n for _label, n in figures["TEST0001"].rows] == [1, 0, 0, 1, 0]  # from 5 down to 1


def test_open_ends_take_every_evaluation(commitment):
    EvaluationFactory(commitment=commitment, score=3)

    assert evaluation_summary()[""].count == 1
    assert evaluation_summary([commitment.code], start=date(2000, 1, 1))[commitment.code].count == 1


def test_the_suggestion_figures_count_every_channel(db):
    SuggestionFactory(kind="complaint")
    SuggestionFactory(kind="question", channel="assembly", language="qu")
    SuggestionFactory(kind="question", channel="whatsapp", moderation=Moderation.REJECTED)

    figures = suggestion_figures()

    assert figures["kind"] == {"complaint": 1, "question": 1}
    assert figures["channel"] == {"web": 1, "assembly": 1}
    assert figures["language"]["qu"] == 1
