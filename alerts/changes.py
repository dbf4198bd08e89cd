"""The published changes that alerts tell about: noticed once, when a record first appears in public, and rendered
short in the reader's language when an alert is built.

1. `notice()` (run by the sweep) looks, for each kind of change below, for the public records that have no `Change`
   row yet (an anti-join on kind + record), and records them with the target keys they concern (alerts.targets).
   `bulk_create(ignore_conflicts=True)` on the unique (kind, object_id): two sweeps at once store each change once.
   Each kind costs the same few queries whatever the number of records.
2. What was already public the first time a kind is looked at (the first deploy, or a kind added later by a
   migration) is recorded `silent`: never sent, so that nobody gets an alert storm about the past. That first time
   also stores a marker row (object_id STARTED = 0, silent, no targets), so that a kind with nothing public yet
   is not "first" again when its first record appears months later.
3. A record published with its own date more than BACKFILL_DAYS (60) days before the sweep is back-filled history
   (an old progress update typed in today, a workshop of 2024 whose minutes are published now): recorded silent
   too. So is a survey published after it closed (there is nothing left to answer).
4. `render()` reads the records of some changes again, kind by kind (one or two queries per kind), keeps those
   still public now (a record unpublished since is dropped), and writes each one short inside
   `translation.override(language)`: a title, a text of at most TEXT_MAX characters, the absolute address of its
   public page, its day, and whether a Spanish text stands in for a missing Kichwa one. It reads only what the
   public pages show: never a citizen's own text (a road request's description, a suggestion), never a name.

The kinds (`Change.kind`) and what each concerns:

    progress_update        a published progress update: its commitment, its milestone, the commitment's places
    milestone_progress     a published observation of a milestone's progress: milestone, commitment, places
    indicator_value        a published value of an indicator: indicator, commitment, places
    road_progress          a published monthly progress of a work: work, its commitment, its cantons and parishes
    road_document          a published document of a work: the same
    road_work_started      a published work got its actual start date: the same
    road_work_completed    a published work got its actual end date: the same
    road_request_change    a change of status (with its public note) of a public road request: code, parish, canton
    suggestion_answer      a suggestion was answered: its tracking code; its commitment too when the answer is on
                           the public "You said, we did" page
    suggestion_answer_new  a later answer replaced an earlier one (object: that feedback.PreviousAnswer): the same
    report                 a published progress report of the current plan: reports
    survey                 a published survey opened: participation, its commitment
    meeting                a published meeting: participation, its canton

A place is a canton:<INEC> or parish:<INEC> key; a parish always brings its canton.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_noop

from commitments.feeds import observations_public
from commitments.models import Commitment, IndicatorValue, ProgressUpdate
from commitments.selectors import plan_current
from conecta.fallbacks import is_fallback, text_in
from feedback.models import Moderation, PreviousAnswer, Suggestion
from feedback.public_text import answer_publicly
from meetings.models import Meeting
from reports.models import Report
from roads.models import RoadDocument, RoadRequest, RoadRequestChange, RoadWork
from roads.selectors import progress_published
from surveys.models import Survey

from .models import Change
from .targets import PARTICIPATION, REPORTS, key

# The marker row a kind gets the first time it is looked at (no record has pk 0).
STARTED = 0
# A record dated more than this many days before the sweep is back-filled history: recorded silent.
BACKFILL_DAYS = 60
# An alert's text is at most this long (an update's first lines, a note, an answer).
TEXT_MAX = 300
# Moderators rejected or hid it: nothing of it is told.
MODERATED_OUT = (Moderation.REJECTED, Moderation.HIDDEN)


@dataclass(frozen=True)
class RenderedChange:
    change_id: int
    kind: str
    title: str
    text: str
    url: str  # absolute: SITE_URL + the public page, in the alert's language
    day: date  # when the change happened (the record's own date)
    fallback: bool  # a Spanish text stands in for a missing Kichwa one


@dataclass(frozen=True)
class Found:
    """A record newly public, as notice() records it."""

    pk: int
    day: date
    targets: list[str]
    silent: bool = False


@dataclass(frozen=True)
class Piece:
    """What render() writes of one record (the change's id and kind are added to it)."""

    title: str
    text: str
    url: str
    day: date
    fallback: bool


def notice(*, now: datetime | None = None) -> int:
    """Record as `Change` rows the public records of every kind that have none yet (noticed at `now`, by default
    now), with the targets they concern; silent what was public before the kind was first looked at and what is
    back-filled history (module docstring). Returns how many records this sweep found newly public (a sweep running
    at the same time may have stored some of them first: each is stored once)."""
    now = now or timezone.now()
    oldest = timezone.localdate(now) - timedelta(days=BACKFILL_DAYS)
    seen = set(Change.objects.order_by().values_list("kind", flat=True).distinct())
    rows: list[Change] = []
    for source in SOURCES:
        first = source.kind not in seen
        unnoticed = source.public(now).filter(
            ~Exists(Change.objects.filter(kind=source.kind, object_id=OuterRef("pk")))
        )
        for found in source.found(unnoticed, now=now):
            silent = first or found.silent or found.day < oldest
            rows.append(
                Change(kind=source.kind, object_id=found.pk, targets=found.targets, noticed_at=now, silent=silent)
            )
        if first:
            rows.append(Change(kind=source.kind, object_id=STARTED, targets=[], noticed_at=now, silent=True))
    Change.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return sum(1 for row in rows if row.object_id != STARTED)


def render(changes: Iterable[Change], *, language: str) -> list[RenderedChange]:
    """The changes still public, in their order, written short in `language` (module docstring, step 4). A change
    whose record was unpublished (or whose kind is unknown, or a kind's marker row) is left out."""
    changes = [change for change in changes if change.object_id != STARTED]
    by_kind: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_kind[change.kind].append(change)
    pieces: dict[int, Piece] = {}
    with translation.override(language):
        for kind, some in by_kind.items():
            source = SOURCES_BY_KIND.get(kind)
            if source is None:
                continue
            for change, piece in source.render(some):
                pieces[change.pk] = piece
    return [
        RenderedChange(change.pk, change.kind, piece.title, piece.text, piece.url, piece.day, piece.fallback)
        for change in changes
        if (piece := pieces.get(change.pk)) is not None
    ]


# What the sources share.


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _short(text: str, limit: int = TEXT_MAX) -> str:
    """A text on one line (its paragraphs joined), cut at `limit` characters with an ellipsis."""
    return Truncator(" ".join(str(text or "").split())).chars(limit)


def _joined(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _tagged(title: str, *, example: bool) -> str:
    """A title marked as example data where it is (as the feeds mark it)."""
    return f"{title} [{gettext('example data')}]" if example else title


def _number(value: Decimal) -> str:
    """A measured value as the pages write it: no decimals when it is whole."""
    places = 0 if value == value.to_integral_value() else 2
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def _unique(keys: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def _places(through, owner: str, ids: set[int]) -> dict[int, list[str]]:
    """The canton and parish keys of each owner (commitment or road work) of `ids`, read from its two many-to-many
    tables (`through`: its cantons' and its parishes'); a parish brings its canton. Two queries, none for no ids."""
    found: dict[int, list[str]] = defaultdict(list)
    if not ids:
        return found
    cantons, parishes = through
    for pk, canton in cantons.objects.filter(**{f"{owner}_id__in": ids}).values_list(f"{owner}_id", "canton__code"):
        found[pk].append(key("canton", canton))
    rows = parishes.objects.filter(**{f"{owner}_id__in": ids}).values_list(
        f"{owner}_id", "parish__code", "parish__canton__code"
    )
    for pk, parish, canton in rows:
        found[pk] += [key("canton", canton), key("parish", parish)]
    return found


def commitment_places(ids: set[int]) -> dict[int, list[str]]:
    return _places((Commitment.cantons.through, Commitment.parishes.through), "commitment", ids)


def work_places(ids: set[int]) -> dict[int, list[str]]:
    return _places((RoadWork.cantons.through, RoadWork.parishes.through), "roadwork", ids)


class Source(ABC):
    """One kind of change: which records are public (`public`), what notice() records of the new ones (`found`),
    and what render() writes of those still public (`render`)."""

    kind = ""

    @abstractmethod
    def public(self, now: datetime) -> QuerySet:
        """The records the public sees at `now`, by the rule of their app's pages."""

    @abstractmethod
    def found(self, unnoticed: QuerySet, *, now: datetime) -> list[Found]:
        """What notice() records of the public records not noticed yet (a bounded number of queries)."""

    def render(self, changes: list[Change]) -> Iterable[tuple[Change, Piece]]:
        """The changes whose record is still public, each with its piece: `rows` read them, `piece` writes one."""
        records = self.rows(self.public(timezone.now()).filter(pk__in=[c.object_id for c in changes]))
        by_pk = {record.pk: record for record in records}
        for change in changes:
            record = by_pk.get(change.object_id)
            if record is not None:
                piece = self.piece(record, change)
                if piece is not None:
                    yield change, piece

    def rows(self, public: QuerySet) -> Iterable:
        return public

    @abstractmethod
    def piece(self, record, change: Change) -> Piece | None:
        """What render() writes of one record still public (None: leave it out)."""


class _Texts:
    """The translated texts a piece reads (conecta.fallbacks.text_in), remembering whether any was the Spanish
    stand-in for a missing Kichwa text."""

    def __init__(self):
        self.fallback = False

    def __call__(self, obj, field: str) -> str:
        text = text_in(obj, field)
        self.fallback = self.fallback or is_fallback(text)
        return text


# The plan: progress updates, milestones' progress, indicators' values.


def _commitment_url(code: str, anchor: str) -> str:
    return _absolute(reverse("commitments:detail", kwargs={"code": code}) + anchor)


class ProgressUpdates(Source):
    kind = "progress_update"

    def public(self, now):
        return ProgressUpdate.objects.published()

    def found(self, unnoticed, *, now):
        rows = list(unnoticed.values_list("pk", "occurred_on", "commitment_id", "commitment__code", "milestone_id"))
        places = commitment_places({row[2] for row in rows})
        return [
            Found(
                pk,
                day,
                _unique([key("commitment", code), *([key("milestone", milestone)] if milestone else []), *places[cid]]),
            )
            for pk, day, cid, code, milestone in rows
        ]

    def rows(self, public):
        return public.select_related("commitment").only(
            "pk", "occurred_on", "is_illustrative", "title_es", "title_qu", "text_es", "text_qu", "commitment__code"
        )

    def piece(self, update, change):
        texts = _Texts()
        title = _tagged(f"{update.commitment.code} · {texts(update, 'title')}", example=update.is_illustrative)
        return Piece(
            title=title,
            text=_short(texts(update, "text")),
            url=_commitment_url(update.commitment.code, f"#update-{update.pk}"),
            day=update.occurred_on,
            fallback=texts.fallback,
        )


class MilestoneProgressSource(Source):
    kind = "milestone_progress"

    def public(self, now):
        # The feed's rule: published observations of published milestones of published commitments, each with
        # the progress before it.
        return observations_public()

    def found(self, unnoticed, *, now):
        rows = list(
            unnoticed.values_list(
                "pk", "observed_on", "milestone_id", "milestone__commitment_id", "milestone__commitment__code"
            )
        )
        places = commitment_places({row[3] for row in rows})
        return [
            Found(pk, day, _unique([key("milestone", milestone), key("commitment", code), *places[cid]]))
            for pk, day, milestone, cid, code in rows
        ]

    def piece(self, observation, change):
        texts = _Texts()
        milestone = observation.milestone
        values = {"order": milestone.order, "before": observation.progress_before, "after": observation.progress}
        if observation.progress_before is None:
            progress = gettext("Milestone %(order)s: %(after)s %%") % values
        else:
            progress = gettext("Milestone %(order)s: %(before)s %% → %(after)s %%") % values
        code = milestone.commitment.code
        return Piece(
            title=_tagged(f"{code} · {progress}", example=observation.is_illustrative),
            text=_short(texts(milestone, "title")),
            url=_commitment_url(code, f"#milestone-{milestone.pk}-history"),
            day=observation.observed_on,
            fallback=texts.fallback,
        )


class IndicatorValues(Source):
    kind = "indicator_value"

    def public(self, now):
        return IndicatorValue.objects.published()

    def found(self, unnoticed, *, now):
        rows = list(
            unnoticed.values_list(
                "pk", "observed_on", "indicator_id", "indicator__commitment_id", "indicator__commitment__code"
            )
        )
        places = commitment_places({row[3] for row in rows})
        return [
            Found(pk, day, _unique([key("indicator", indicator), key("commitment", code), *places[cid]]))
            for pk, day, indicator, cid, code in rows
        ]

    def rows(self, public):
        return public.select_related("indicator__commitment").only(
            *("pk", "observed_on", "value", "group", "is_illustrative", "indicator__is_illustrative"),
            *("indicator__name_es", "indicator__name_qu", "indicator__unit_es", "indicator__unit_qu"),
            "indicator__commitment__code",
        )

    def piece(self, value, change):
        texts = _Texts()
        indicator = value.indicator
        values = {
            "value": _number(value.value),
            "unit": texts(indicator, "unit"),
            "day": formats.date_format(value.observed_on, "DATE_FORMAT"),
            "group": value.group,
        }
        if value.group:
            text = gettext("New value for %(group)s: %(value)s %(unit)s (%(day)s)") % values
        else:
            text = gettext("New value: %(value)s %(unit)s (%(day)s)") % values
        code = indicator.commitment.code
        example = value.is_illustrative or indicator.is_illustrative
        return Piece(
            title=_tagged(f"{code} · {texts(indicator, 'name')}", example=example),
            text=_short(text),
            url=_commitment_url(code, f"#ind-{indicator.pk}"),
            day=value.observed_on,
            fallback=texts.fallback,
        )


# Road works: their progress, documents, start and completion; road requests.


def _work_found(rows: list[tuple]) -> list[Found]:
    """Found records of road works from rows (pk, day, work id, work code, commitment code or None, commitment
    published): the work, its published commitment, its places."""
    places = work_places({row[2] for row in rows})
    found = []
    for pk, day, work, code, commitment, published in rows:
        targets = [key("work", code), *([key("commitment", commitment)] if commitment and published else [])]
        found.append(Found(pk, day, _unique([*targets, *places[work]])))
    return found


_WORK_FIELDS = ("work_id", "work__code", "work__commitment__code", "work__commitment__is_published")


def _work_url(code: str, anchor: str) -> str:
    return _absolute(reverse("roads:work", kwargs={"code": code}) + anchor)


class RoadProgressSource(Source):
    kind = "road_progress"

    def public(self, now):
        # The feed's rule: published progress of published works, each with the physical % before it.
        return progress_published()

    def found(self, unnoticed, *, now):
        return _work_found(list(unnoticed.values_list("pk", "observed_on", *_WORK_FIELDS)))

    def piece(self, progress, change):
        texts = _Texts()
        work = progress.work
        values = {
            "before": progress.pct_before,
            "after": progress.physical_pct,
            "day": formats.date_format(progress.observed_on, "YEAR_MONTH_FORMAT"),
        }
        if progress.pct_before is None:
            line = gettext("Physical progress %(after)s %% (%(day)s)") % values
        else:
            line = gettext("Physical progress %(before)s %% → %(after)s %% (%(day)s)") % values
        return Piece(
            title=_tagged(f"{work.code} · {texts(work, 'name')}", example=work.is_example),
            text=_short(_joined(f"{line}.", texts(progress, "note"))),
            url=_work_url(work.code, "#progress"),
            day=progress.observed_on,
            fallback=texts.fallback,
        )


class RoadDocuments(Source):
    kind = "road_document"

    def public(self, now):
        return RoadDocument.objects.published()

    def found(self, unnoticed, *, now):
        return _work_found(list(unnoticed.values_list("pk", "published_on", *_WORK_FIELDS)))

    def rows(self, public):
        return public.select_related("work").only(
            *("pk", "title_es", "title_qu", "document_type", "published_on"),
            *("work__code", "work__name_es", "work__name_qu", "work__is_example"),
        )

    def piece(self, document, change):
        texts = _Texts()
        work = document.work
        text = gettext("New document: %(title)s (%(type)s)") % {
            "title": texts(document, "title"),
            "type": document.get_document_type_display(),
        }
        return Piece(
            title=_tagged(f"{work.code} · {texts(work, 'name')}", example=work.is_example),
            text=_short(text),
            url=_work_url(work.code, "#docs-h"),
            day=document.published_on,
            fallback=texts.fallback,
        )


class RoadWorkDates(Source):
    """A published work's actual start (`field` actual_start) or end (actual_end): the feed's starts and
    completions."""

    def __init__(self, kind: str, field: str, message: str):
        self.kind, self.field, self.message = kind, field, message

    def public(self, now):
        return RoadWork.objects.published().filter(**{f"{self.field}__isnull": False})

    def found(self, unnoticed, *, now):
        rows = unnoticed.values_list("pk", self.field, "id", "code", "commitment__code", "commitment__is_published")
        return _work_found(list(rows))

    def rows(self, public):
        return public.only("pk", "code", "name_es", "name_qu", "is_example", self.field)

    def piece(self, work, change):
        texts = _Texts()
        day = getattr(work, self.field)
        return Piece(
            title=_tagged(f"{work.code} · {texts(work, 'name')}", example=work.is_example),
            text=gettext(self.message) % {"day": formats.date_format(day, "DATE_FORMAT")},
            url=_work_url(work.code, "#dates"),
            day=day,
            fallback=texts.fallback,
        )


class RoadRequestChanges(Source):
    """A change of a public road request's status, with the note staff wrote for the public; never what the
    person who reported it wrote, nor who they are."""

    kind = "road_request_change"

    def public(self, now):
        return RoadRequestChange.objects.filter(request__in=RoadRequest.objects.public())

    def found(self, unnoticed, *, now):
        rows = unnoticed.values_list(
            "pk", "changed_at", "request__tracking_code", "request__parish__code", "request__parish__canton__code"
        )
        return [
            Found(
                pk,
                timezone.localdate(at),
                [key("code", code), key("parish", parish), key("canton", canton)],
            )
            for pk, at, code, parish, canton in rows
        ]

    def rows(self, public):
        return public.select_related("request__parish").only(
            *("pk", "status", "note_es", "note_qu", "changed_at"),
            *("request__tracking_code", "request__kind", "request__parish__name_es", "request__parish__name_qu"),
        )

    def piece(self, change_row, change):
        texts = _Texts()
        request = change_row.request
        status = gettext("Status: %(status)s") % {"status": change_row.get_status_display()}
        return Piece(
            title=f"{request.tracking_code} · {request.get_kind_display()} · {texts(request.parish, 'name')}",
            text=_short(_joined(f"{status}.", texts(change_row, "note"))),
            url=_absolute(reverse("roads:request", kwargs={"code": request.tracking_code})),
            day=timezone.localdate(change_row.changed_at),
            fallback=texts.fallback,
        )


# Answers to suggestions.


def _answered() -> QuerySet[Suggestion]:
    """Suggestions with an answer given (dated), that moderators did not reject or hide: what the holder of the
    tracking code reads on its tracking page."""
    return Suggestion.objects.may_be_public().filter(answered_at__isnull=False).exclude(moderation__in=MODERATED_OUT)


def _on_public_page(moderation: str, is_public: bool) -> bool:
    """SuggestionQuerySet.answers_public for a suggestion already known to be answered."""
    return moderation == Moderation.APPROVED and is_public


class SuggestionAnswers(Source):
    """An answer, as its tracking page shows it: for the holder of the tracking code (code:<tracking code>) and,
    when the answer is on the public "You said, we did" page when it is noticed, for its commitment's followers
    too. The text is the answer as the public page prints it (feedback.public_text: no greeting, no name), never
    what the person wrote. A change that went to a commitment's followers is dropped once the answer leaves the
    public page; one only for the code's holders, once the suggestion is no longer answered."""

    kind = "suggestion_answer"

    def public(self, now):
        return _answered()

    def suggestion_of(self, record) -> Suggestion:
        return record

    def found(self, unnoticed, *, now):
        rows = unnoticed.values_list(
            "pk", "answered_at", "tracking_code", "moderation", "is_public", "commitment__code",
            "commitment__is_published",
        )  # fmt: skip
        return [
            Found(pk, timezone.localdate(at), self.targets(code, moderation, is_public, commitment, published))
            for pk, at, code, moderation, is_public, commitment, published in rows
        ]

    @staticmethod
    def targets(code, moderation, is_public, commitment, published) -> list[str]:
        targets = [key("code", code)]
        if commitment and published and _on_public_page(moderation, is_public):
            targets.append(key("commitment", commitment))
        return targets

    def rows(self, public):
        return public.only(
            "pk", "tracking_code", "name", "moderation", "is_public", "answer_es", "answer_qu", "answered_at"
        ).prefetch_related(
            # The earlier answers, oldest first, to tell which answer a change is about.
            _previous_answers()
        )

    def answer(self, suggestion: Suggestion, record) -> tuple[object, datetime]:
        """The answer the change is about (an object with answer_es/answer_qu) and when it was given: the first
        one."""
        earlier = suggestion.earlier_answers
        return (earlier[0], earlier[0].answered_at) if earlier else (suggestion, suggestion.answered_at)

    def piece(self, record, change):
        suggestion = self.suggestion_of(record)
        public_page = any(not target.startswith("code:") for target in change.targets)
        if public_page and not _on_public_page(suggestion.moderation, suggestion.is_public):
            return None
        texts = _Texts()
        answer, at = self.answer(suggestion, record)
        text = answer_publicly(answer=texts(answer, "answer"), name=suggestion.name)
        if public_page:
            url = reverse("feedback:answers")
        else:
            url = reverse("feedback:track") + f"?codigo={suggestion.tracking_code}"
        heading = gettext("We answered again") if self.kind == SuggestionNewAnswers.kind else gettext("We answered")
        return Piece(
            title=f"{suggestion.tracking_code} · {heading}",
            text=_short(text),
            url=_absolute(url),
            day=timezone.localdate(at),
            fallback=texts.fallback,
        )


def _previous_answers(through: str = "") -> Prefetch:
    """A suggestion's earlier answers, oldest first, as `earlier_answers` (`through`: the path to the
    suggestion)."""
    return Prefetch(
        f"{through}previous_answers",
        queryset=PreviousAnswer.objects.order_by("answered_at", "pk").only(
            "pk", "suggestion_id", "answer_es", "answer_qu", "answered_at"
        ),
        to_attr="earlier_answers",
    )


class SuggestionNewAnswers(SuggestionAnswers):
    """A later answer: it replaced the earlier answer the change names (a feedback.PreviousAnswer, kept when staff
    answer again after the person replied, or correct an answer), and is told as the tracking page tells it,
    "we answered again"."""

    kind = "suggestion_answer_new"

    def public(self, now):
        return PreviousAnswer.objects.filter(suggestion__in=_answered())

    def found(self, unnoticed, *, now):
        rows = unnoticed.values_list(
            "pk", "replaced_at", "suggestion__tracking_code", "suggestion__moderation", "suggestion__is_public",
            "suggestion__commitment__code", "suggestion__commitment__is_published",
        )  # fmt: skip
        return [
            Found(pk, timezone.localdate(at), self.targets(code, moderation, is_public, commitment, published))
            for pk, at, code, moderation, is_public, commitment, published in rows
        ]

    def rows(self, public):
        return (
            public.select_related("suggestion")
            .only(
                *("pk", "answered_at", "suggestion__tracking_code", "suggestion__name", "suggestion__moderation"),
                *("suggestion__is_public", "suggestion__answer_es", "suggestion__answer_qu", "suggestion__answered_at"),
            )
            .prefetch_related(_previous_answers("suggestion__"))
        )

    def suggestion_of(self, record) -> Suggestion:
        return record.suggestion

    def answer(self, suggestion, record):
        """The answer that replaced `record`: the next earlier answer, or else the current one."""
        later = [a for a in suggestion.earlier_answers if (a.answered_at, a.pk) > (record.answered_at, record.pk)]
        return (later[0], later[0].answered_at) if later else (suggestion, suggestion.answered_at)


# Reports, surveys, meetings.


class Reports(Source):
    kind = "report"

    def public(self, now):
        # A report's page is found in the current plan (reports.selectors.report_public).
        return Report.objects.published().filter(plan=plan_current())

    def found(self, unnoticed, *, now):
        return [Found(pk, timezone.localdate(at), [REPORTS]) for pk, at in unnoticed.values_list("pk", "published_at")]

    def rows(self, public):
        return public.only(
            *("pk", "kind", "period", "version", "slug", "summary_es", "summary_qu"),
            *("published_at", "has_example_data"),
        )

    def piece(self, report, change):
        texts = _Texts()
        title = report.title
        if report.version > 1:
            title = gettext("%(title)s, version %(version)s") % {"title": title, "version": report.version}
        return Piece(
            title=_tagged(title, example=report.has_example_data),
            text=_short(texts(report, "summary")),
            url=_absolute(report.get_absolute_url()),
            day=timezone.localdate(report.published_at),
            fallback=texts.fallback,
        )


class Surveys(Source):
    """A published survey, once it opens. One published after it closed is recorded silent: nothing is left to
    answer (its results are on its page)."""

    kind = "survey"

    def public(self, now):
        return Survey.objects.published().filter(opens_at__lte=now)

    def found(self, unnoticed, *, now):
        rows = unnoticed.values_list("pk", "opens_at", "closes_at", "commitment__code", "commitment__is_published")
        return [
            Found(
                pk,
                timezone.localdate(opens),
                [PARTICIPATION, *([key("commitment", code)] if code and published else [])],
                silent=closes <= now,
            )
            for pk, opens, closes, code, published in rows
        ]

    def rows(self, public):
        return public.only(
            *("pk", "slug", "title_es", "title_qu", "description_es", "description_qu"),
            *("opens_at", "closes_at", "is_illustrative"),
        )

    def piece(self, survey, change):
        texts = _Texts()
        until = gettext("Open until %(day)s") % {
            "day": formats.date_format(timezone.localtime(survey.closes_at), "DATE_FORMAT")
        }
        return Piece(
            title=_tagged(
                gettext("New survey: %(title)s") % {"title": texts(survey, "title")}, example=survey.is_illustrative
            ),
            text=_short(_joined(f"{until}.", texts(survey, "description"))),
            url=_absolute(reverse("surveys:detail", kwargs={"slug": survey.slug})),
            day=timezone.localdate(survey.opens_at),
            fallback=texts.fallback,
        )


class Meetings(Source):
    """A published meeting: announced before it takes place, or held (its minutes published). Its day is the day
    it was noticed (announced); a meeting held more than BACKFILL_DAYS days before is back-filled history."""

    kind = "meeting"

    def public(self, now):
        return Meeting.objects.published()

    def found(self, unnoticed, *, now):
        rows = unnoticed.values_list("pk", "date", "end_date", "canton__code")
        return [
            Found(pk, end or day, [PARTICIPATION, *([key("canton", canton)] if canton else [])])
            for pk, day, end, canton in rows
        ]

    def rows(self, public):
        return public.only(
            *("pk", "slug", "kind", "title_es", "title_qu", "date", "end_date"),
            *("place_es", "place_qu", "summary_es", "summary_qu"),
        )

    def piece(self, meeting, change):
        texts = _Texts()
        when = formats.date_format(meeting.date, "DATE_FORMAT")
        if meeting.end_date and meeting.end_date != meeting.date:
            when = f"{when} – {formats.date_format(meeting.end_date, 'DATE_FORMAT')}"
        where = texts(meeting, "place")
        return Piece(
            title=f"{meeting.get_kind_display()}: {texts(meeting, 'title')}",
            text=_short(_joined(f"{when}{f' · {where}' if where else ''}.", texts(meeting, "summary"))),
            url=_absolute(reverse("meetings:detail", kwargs={"slug": meeting.slug})),
            day=timezone.localdate(change.noticed_at),
            fallback=texts.fallback,
        )


# Translated when a piece is written (RoadWorkDates.piece).
WORK_STARTED = gettext_noop("The work started (%(day)s)")
WORK_COMPLETED = gettext_noop("The work was completed (%(day)s)")

SOURCES: tuple[Source, ...] = (
    ProgressUpdates(),
    MilestoneProgressSource(),
    IndicatorValues(),
    RoadProgressSource(),
    RoadDocuments(),
    RoadWorkDates("road_work_started", "actual_start", WORK_STARTED),
    RoadWorkDates("road_work_completed", "actual_end", WORK_COMPLETED),
    RoadRequestChanges(),
    SuggestionAnswers(),
    SuggestionNewAnswers(),
    Reports(),
    Surveys(),
    Meetings(),
)
SOURCES_BY_KIND = {source.kind: source for source in SOURCES}
KINDS = tuple(SOURCES_BY_KIND)
