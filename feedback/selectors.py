"""Reads for the participation pages and figures: one query plan per page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch

from commitments.models import ActionPlan, Canton, Commitment, Parish

from .models import Comment, Evaluation, Meeting, MeetingAttendance, Suggestion

Category = MeetingAttendance.Category
Dimension = MeetingAttendance.Dimension


@dataclass
class Attendance:
    """People counted by gender and by sector; `by_gender`/`by_sector` are (label, count) rows for charts."""

    gender: Counter = field(default_factory=Counter)
    sector: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.gender.values()) or sum(self.sector.values())

    @property
    def men(self) -> int:
        return self.gender[Category.MEN]

    @property
    def women(self) -> int:
        return self.gender[Category.WOMEN]

    @property
    def by_gender(self) -> list[tuple[str, int]]:
        return [(Category(c).label, self.gender[c]) for c in MeetingAttendance.GENDERS if c in self.gender]

    @property
    def by_sector(self) -> list[tuple[str, int]]:
        return [(Category(c).label, self.sector[c]) for c in MeetingAttendance.SECTORS if c in self.sector]

    def add(self, other: Attendance) -> None:
        self.gender.update(other.gender)
        self.sector.update(other.sector)


def meetings_public(*, plan: ActionPlan | None, kind: str) -> list[Meeting]:
    """The plan's published meetings of one kind, each with `attendance_figures` (an Attendance); two queries."""
    if plan is None:
        return []
    meetings = list(Meeting.objects.published().for_plan(plan).of_kind(kind).prefetch_related("attendance"))
    for meeting in meetings:
        figures = Attendance()
        for row in meeting.attendance.all():
            (figures.gender if row.dimension == Dimension.GENDER else figures.sector)[row.category] += row.count
        meeting.attendance_figures = figures
    return meetings


def attendance_overall(meetings: list[Meeting]) -> Attendance:
    overall = Attendance()
    for meeting in meetings:
        overall.add(meeting.attendance_figures)
    return overall


# Citizen participation.

# The commitment page shows this many of the latest approved comments and evaluation comments; the rest are on
# the commitment's comments page.
PANEL_COMMENTS = 10
PANEL_EVALUATION_COMMENTS = 5


@dataclass
class EvaluationFigures:
    """Citizens' evaluations of one commitment (or of several): how many, their average and how the scores
    spread (`distribution[score]`, 1-5). Rejected or hidden ones are not counted."""

    count: int = 0
    total: int = 0
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 6), 0))

    def add(self, score: int, n: int) -> None:
        self.distribution[score] = self.distribution.get(score, 0) + n
        self.count += n
        self.total += score * n

    @property
    def average(self) -> float | None:
        return round(self.total / self.count, 1) if self.count else None

    @property
    def rows(self) -> list[tuple[str, int]]:
        """(label, count) from the best score to the worst, for `{% bar_chart %}`."""
        return [(Evaluation.Score(score).label, self.distribution.get(score, 0)) for score in range(5, 0, -1)]


def evaluation_summary(
    commitment_codes: Iterable[str] | None = None, start: date | None = None, end: date | None = None
) -> dict[str, EvaluationFigures]:
    """Citizens' evaluations per commitment code, made between `start` and `end` (dates in Pastaza, both
    included; None leaves that end open), plus their sum under the key "" (all the given commitments).

    For reports: one query, whatever the number of commitments. Every code asked for is in the answer, with
    zeros when nobody evaluated it (unknown or unpublished commitments too: no evaluation can name them).
    """
    rows = Evaluation.objects.counted()
    codes = None if commitment_codes is None else [str(code) for code in commitment_codes]
    if codes is not None:
        rows = rows.filter(commitment__code__in=codes)
    if start is not None:
        rows = rows.filter(created_at__date__gte=start)
    if end is not None:
        rows = rows.filter(created_at__date__lte=end)
    figures: dict[str, EvaluationFigures] = {"": EvaluationFigures()}
    for code in codes or []:
        figures[code] = EvaluationFigures()
    for code, score, n in rows.order_by().values_list("commitment__code", "score").annotate(n=Count("pk")):
        figures.setdefault(code, EvaluationFigures()).add(score, n)
        figures[""].add(score, n)
    return figures


def suggestion_figures(start: date | None = None, end: date | None = None) -> dict[str, Counter]:
    """Suggestions, complaints and questions received between `start` and `end` (both included), counted by
    kind, channel (web and every traditional channel), status and language; rejected ones (spam) excluded.
    One query."""
    rows = Suggestion.objects.counted()
    if start is not None:
        rows = rows.filter(received_on__gte=start)
    if end is not None:
        rows = rows.filter(received_on__lte=end)
    figures = {"kind": Counter(), "channel": Counter(), "status": Counter(), "language": Counter()}
    for kind, channel, status, language, n in (
        rows.order_by().values_list("kind", "channel", "status", "language").annotate(n=Count("pk"))
    ):
        figures["kind"][kind] += n
        figures["channel"][channel] += n
        figures["status"][status] += n
        figures["language"][language] += n
    return figures


@dataclass
class CommitmentParticipation:
    comments: list[Comment]
    comment_count: int
    evaluations: EvaluationFigures
    evaluation_comments: list[Evaluation]


def commitment_participation(*, commitment: Commitment) -> CommitmentParticipation:
    """What the commitment page shows of citizens: the latest approved comments (with their official
    responses), the evaluations' figures and the latest approved evaluation comments. Three queries (four when
    there are more comments than the page shows)."""
    comments = list(
        Comment.objects.approved().filter(commitment=commitment).order_by("-created_at", "-pk")[: PANEL_COMMENTS + 1]
    )
    count = len(comments)
    if count > PANEL_COMMENTS:
        comments = comments[:PANEL_COMMENTS]
        count = Comment.objects.approved().filter(commitment=commitment).count()
    figures = EvaluationFigures()
    for score, n in (
        Evaluation.objects.counted()
        .filter(commitment=commitment)
        .order_by()
        .values_list("score")
        .annotate(n=Count("pk"))
    ):
        figures.add(score, n)
    evaluation_comments = list(
        Evaluation.objects.approved()
        .filter(commitment=commitment)
        .exclude(comment="")
        .order_by("-created_at", "-pk")[:PANEL_EVALUATION_COMMENTS]
    )
    return CommitmentParticipation(
        comments=comments, comment_count=count, evaluations=figures, evaluation_comments=evaluation_comments
    )


def comments_public(*, commitment: Commitment):
    return Comment.objects.approved().filter(commitment=commitment).order_by("-created_at", "-pk")


def commitment_for_participation(*, code: str) -> Commitment | None:
    """A published commitment of any plan, by its code, for the comment and evaluation forms."""
    return (
        Commitment.objects.published()
        .only("pk", "code", "title", "title_es", "title_qu", "plan_id")
        .filter(code=code)
        .first()
    )


def commitment_choices(*, plan: ActionPlan | None) -> list[Commitment]:
    """The published commitments of the current plan a suggestion can be about, in plan order."""
    if plan is None:
        return []
    return list(
        Commitment.objects.published()
        .in_plan(plan)
        .only("pk", "code", "title", "title_es", "title_qu")
        .order_by("order", "code")
    )


def place_choices() -> list[Canton]:
    """The cantons, each with its parishes (two queries)."""
    return list(Canton.objects.prefetch_related(Prefetch("parishes", queryset=Parish.objects.order_by("name"))))


def suggestion_tracked(*, code: str) -> Suggestion | None:
    return (
        Suggestion.objects.select_related("commitment", "canton", "parish")
        .prefetch_related(Prefetch("changed_commitments", queryset=Commitment.objects.published()))
        .filter(tracking_code=code)
        .first()
    )


def answers_public():
    """The "You said / We did" page: public answers, newest first, with the (published) commitments they
    changed; two queries per page."""
    return (
        Suggestion.objects.answers_public()
        .select_related("commitment")
        .prefetch_related(
            Prefetch(
                "changed_commitments",
                queryset=Commitment.objects.published().only("pk", "code", "title", "title_es", "title_qu"),
            )
        )
        .order_by("-answered_at", "-pk")
    )
