"""Reads for the participation pages and figures: one query plan per page."""

from __future__ import annotations

import zoneinfo
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import BooleanField, Case, Count, F, Max, Prefetch, Q, Value, When
from django.utils.timezone import override as tz_override

from commitments.models import ActionPlan, Canton, Commitment, Parish
from conecta.fallbacks import text_in

from .models import (
    Comment,
    Evaluation,
    Moderation,
    PreviousAnswer,
    Suggestion,
    SuggestionReply,
)

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
    """A suggestion by its tracking code, with what its tracking page shows: the published commitments it
    changed, its earlier answers and the replies moderators did not reject (`timeline_answers`,
    `timeline_replies`). Four queries."""
    return (
        Suggestion.objects.select_related("commitment", "canton", "parish")
        .prefetch_related(
            Prefetch("changed_commitments", queryset=Commitment.objects.published()),
            Prefetch(
                "previous_answers",
                queryset=PreviousAnswer.objects.order_by("answered_at", "pk"),
                to_attr="timeline_answers",
            ),
            Prefetch(
                "replies",
                queryset=SuggestionReply.objects.counted()
                .only("pk", "suggestion_id", "created_at")
                .order_by("created_at", "pk"),
                to_attr="timeline_replies",
            ),
        )
        .filter(tracking_code=code)
        .first()
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One dated step of the exchange on a tracking page. `kind`: received, answer, reply or closed; `again`: an
    answer after an earlier one. Never who wrote it; a reply's text is not shown (see track.html)."""

    kind: str
    at: date | datetime
    text: str = ""
    again: bool = False


def suggestion_timeline(suggestion: Suggestion, language: str) -> list[TimelineEntry]:
    """The exchange about a suggestion, oldest first: received, each answer (earlier ones from the history, in
    `language` or else Spanish), each reply, and its closing. Reads only what suggestion_tracked prefetched."""
    answers = [(a.answered_at, text_in(a, "answer", language)) for a in getattr(suggestion, "timeline_answers", [])]
    current = (suggestion.answer or "").strip()
    given = suggestion.answered_at or (
        suggestion.status_changed_at if suggestion.status in Suggestion.ANSWERED_STATUSES and current else None
    )
    if current and given is not None:
        answers.append((given, text_in(suggestion, "answer", language)))
    later = [TimelineEntry("answer", at, text, again=index > 0) for index, (at, text) in enumerate(sorted(answers))]
    later += [TimelineEntry("reply", reply.created_at) for reply in getattr(suggestion, "timeline_replies", [])]
    if suggestion.status == Suggestion.Status.CLOSED and suggestion.closed_at:
        later.append(TimelineEntry("closed", suggestion.closed_at))
    order = {"answer": 0, "reply": 1, "closed": 2}
    later.sort(key=lambda entry: (entry.at, order[entry.kind]))
    return [TimelineEntry("received", suggestion.received_on), *later]


def suggestions_with_reply_state(queryset):
    """Suggestions annotated for staff: `last_reply_at` (the latest reply moderators did not reject or hide) and
    `has_new_reply`, a reply later than the current answer and than the closing (nobody has answered it yet)."""
    counted = ~Q(replies__moderation__in=[Moderation.REJECTED, Moderation.HIDDEN])
    return queryset.annotate(last_reply_at=Max("replies__created_at", filter=counted)).annotate(
        has_new_reply=Case(
            When(
                Q(last_reply_at__isnull=False)
                & (Q(answered_at__isnull=True) | Q(last_reply_at__gt=F("answered_at")))
                & (Q(closed_at__isnull=True) | Q(last_reply_at__gt=F("closed_at"))),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
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


# Figures for the progress reports (reports.snapshot reads them; feedback never imports reports).


@dataclass
class ParticipationFigures:
    """Citizen participation in a period: what reports print. Counters are keyed by the models' choice values."""

    evaluations: dict[str, EvaluationFigures]
    suggestions: dict[str, Counter]
    suggestions_answered: int
    comments_received: int
    comments_approved: int

    @property
    def suggestions_received(self) -> int:
        return sum(self.suggestions["kind"].values())


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after `end` 00:00) in Pastaza's time zone: the period's days as they were lived there."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(start, time.min, zone), datetime.combine(end + timedelta(days=1), time.min, zone)


def participation_figures(*, start: date, end: date, codes: Iterable[str]) -> ParticipationFigures:
    """What citizens sent between `start` and `end` (days in Pastaza, both included). Four queries, whatever
    the data. (Meetings and survey responses are counted by their apps: meetings.selectors.meeting_figures,
    surveys.selectors.survey_response_count.)

    - Evaluations of the commitments `codes` (each, and all together); comments on them, received (what
      moderators did not reject or hide) and approved.
    - Suggestions, complaints and questions received (by the day they were received, so that feedback gathered
      at an assembly counts on the assembly's day) by kind, channel, status and language; and how many were
      answered in the period (a first answer or a new one).
    """
    codes = [str(code) for code in codes]
    since, until = day_bounds(start, end)
    with tz_override(settings.TIME_ZONE):
        evaluations = evaluation_summary(codes, start, end)
    suggestions = suggestion_figures(start, end)
    in_period = Q(answered_at__gte=since, answered_at__lt=until) | Q(
        previous_answers__answered_at__gte=since, previous_answers__answered_at__lt=until
    )
    answered = Suggestion.objects.counted().filter(in_period).values("pk").distinct().count()
    comments = (
        Comment.objects.counted()
        .filter(commitment__code__in=codes, created_at__gte=since, created_at__lt=until)
        .aggregate(received=Count("pk"), approved=Count("pk", filter=Q(moderation=Moderation.APPROVED)))
    )
    return ParticipationFigures(
        evaluations=evaluations,
        suggestions=suggestions,
        suggestions_answered=answered,
        comments_received=comments["received"],
        comments_approved=comments["approved"],
    )
