"""The community review of the Kichwa of records: which texts are reviewed, by whom, and what a reviewer does.

Which fields are translated comes from modeltranslation's registry (each app's translation.py), limited to the
public content named in REVIEWED_CONTENT by "app_label.model" strings: kichwa stands under the apps that show
content (tests/conecta/test_layout.py) and never imports them.

The state of a field of a record (its `<field>_qu` column beside `<field>_es`):
1. its Kichwa is empty: "untranslated" (the page shows the Spanish, marked as such); nothing to approve;
2. else its `ContentReview`, if the SHA-256 fingerprints of the Spanish and Kichwa texts it was given still match
   the record's texts: approved, or needs editing (with the reviewer's comment);
3. else "awaiting review": a text changed after its review, and the review lapsed with it.

A record (or a page of records) is reviewed when every one of its non-empty Kichwa texts is approved: its page
then says "Kichwa reviewed by <organisation>, <date>" instead of the general warning ({% kichwa_review %}).
Every read here costs one query for the reviews plus, where records are read, one per kind of record: never one
per record.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator

from .models import ContentReview, ReviewState
from .roles import reviewer_organisation

logger = logging.getLogger(__name__)

SPANISH, KICHWA = "es", "qu"
# A field whose Kichwa is empty: not in the queue to approve; the page shows the Spanish, marked as Spanish.
UNTRANSLATED = "untranslated"
STATE_LABELS = {**dict(ReviewState.choices), UNTRANSLATED: _("No Kichwa text")}


@dataclass(frozen=True)
class ContentKind:
    """One kind of public record whose translated fields are reviewed.

    `published` filters its published records (None: its manager's `published()`); `page` is the URL name of the
    public page that shows it, and `page_args` its URL arguments as paths of attributes of the record."""

    label: str
    published: dict[str, object] | None
    page: str
    page_args: dict[str, str]

    @cached_property
    def model(self) -> type[models.Model] | None:
        try:
            model = apps.get_model(self.label)
        except LookupError:
            return None
        return model if model in translator.get_registered_models(abstract=False) else None

    @cached_property
    def fields(self) -> tuple[str, ...]:
        return translated_fields(self.model) if self.model is not None else ()

    def published_records(self) -> models.QuerySet:
        manager = self.model._default_manager
        return manager.published() if self.published is None else manager.filter(**self.published)

    @property
    def related(self) -> tuple[str, ...]:
        """What to read with a record to name it and link to its page without another query."""
        return tuple(
            sorted({path.rsplit(".", 1)[0].replace(".", "__") for path in self.page_args.values() if "." in path})
        )

    def page_url(self, record) -> str:
        kwargs = {}
        for name, path in self.page_args.items():
            value = record
            for part in path.split("."):
                value = getattr(value, part, None)
            kwargs[name] = value
        try:
            with translation.override("qu"):  # the reviewer reads the Kichwa in its page
                return reverse(self.page, kwargs=kwargs)
        except NoReverseMatch:
            return ""


# The public content of the portal (issue 16): the plan's page, commitments and what their page shows, meetings
# and their agreements, road works and their progress, reports and their narratives.
REVIEWED_CONTENT: tuple[ContentKind, ...] = (
    ContentKind("commitments.actionplan", {"is_synthetic": False}, "meetings:plan", {}),
    ContentKind("commitments.commitment", None, "commitments:detail", {"code": "code"}),
    ContentKind("commitments.milestone", None, "commitments:detail", {"code": "commitment.code"}),
    ContentKind("commitments.progressupdate", None, "commitments:detail", {"code": "commitment.code"}),
    ContentKind("commitments.indicator", None, "commitments:detail", {"code": "commitment.code"}),
    ContentKind("meetings.meeting", None, "meetings:detail", {"slug": "slug"}),
    ContentKind("meetings.agreement", {"meeting__is_published": True}, "meetings:detail", {"slug": "meeting.slug"}),
    ContentKind("roads.roadwork", None, "roads:work", {"code": "code"}),
    ContentKind("roads.roadprogress", None, "roads:work", {"code": "work.code"}),
    ContentKind("reports.report", None, "reports:detail", {"slug": "slug"}),
    ContentKind("reports.reportnarrative", {"report__status": "published"}, "reports:detail", {"slug": "report.slug"}),
)


def content_kinds() -> list[ContentKind]:
    """The kinds of REVIEWED_CONTENT whose app is installed and whose model has translated fields."""
    return [kind for kind in REVIEWED_CONTENT if kind.model is not None and kind.fields]


def kind_of(obj_or_model) -> ContentKind | None:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    label = model._meta.concrete_model._meta.label_lower
    return next((kind for kind in content_kinds() if kind.label == label), None)


def kind_by_label(label: str) -> ContentKind | None:
    return next((kind for kind in content_kinds() if kind.label == label), None)


def translated_fields(model) -> tuple[str, ...]:
    """The fields of `model` registered with modeltranslation (each has `_es` and `_qu` columns), in the order of
    the model's fields."""
    try:
        names = set(translator.get_options_for_model(model).get_field_names())
    except NotRegistered:
        return ()
    return tuple(field.name for field in model._meta.concrete_fields if field.name in names)


def fingerprint(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def _content_q(label: str, **more) -> models.Q:
    # Through the content type's labels (a join), so that no query is spent reading the ContentType rows.
    app_label, model_name = label.split(".")
    return models.Q(content_type__app_label=app_label, content_type__model=model_name, **more)


@dataclass(frozen=True)
class Review:
    """What a ContentReview row says, read as values (no model instances)."""

    state: str
    spanish_sha256: str
    kichwa_sha256: str
    comment: str
    organisation: str
    reviewed_at: datetime | None


def _reviews(q: models.Q) -> dict[tuple[str, int, str], Review]:
    """The reviews matching `q`, keyed by (model label, record id, field), in one query."""
    rows = ContentReview.objects.filter(q).values_list(
        "content_type__app_label",
        "content_type__model",
        "object_id",
        "field",
        "state",
        "spanish_sha256",
        "kichwa_sha256",
        "comment",
        "organisation",
        "reviewed_at",
    )
    return {(f"{app}.{model}", object_id, field): Review(*rest) for app, model, object_id, field, *rest in rows}


def field_state(spanish: str | None, kichwa: str | None, review: Review | None) -> str:
    """The state of one field (the module's steps)."""
    if not (kichwa or "").strip():
        return UNTRANSLATED
    if review is None or (review.spanish_sha256, review.kichwa_sha256) != (fingerprint(spanish), fingerprint(kichwa)):
        return ReviewState.AWAITING
    return review.state


# What the public pages say.


@dataclass(frozen=True)
class RecordReview:
    """The review of a record or of a page's records. `state` is approved (every non-empty Kichwa text is), needs
    editing (one is sent back), awaiting, or untranslated (no Kichwa text at all); `organisation` and
    `reviewed_at` say who approved the texts, and when the last of them was, when it is approved."""

    state: str
    organisation: str = ""
    reviewed_at: datetime | None = None

    @property
    def reviewed(self) -> bool:
        return self.state == ReviewState.APPROVED


def _flatten(objects: Iterable) -> Iterator[models.Model]:
    for obj in objects:
        if obj is None:
            continue
        if isinstance(obj, models.Model):
            yield obj
        elif isinstance(obj, Iterable) and not isinstance(obj, (str, bytes)):
            yield from _flatten(obj)


def page_review(*objects) -> RecordReview:
    """The review of every record given (records, or lists and querysets of them, as a page shows them), in one
    query. Records of kinds outside REVIEWED_CONTENT are not counted."""
    by_kind: dict[str, tuple[ContentKind, dict[int, models.Model]]] = {}
    for obj in _flatten(objects):
        kind = kind_of(obj)
        if kind is not None and obj.pk is not None:
            by_kind.setdefault(kind.label, (kind, {}))[1][obj.pk] = obj
    if not by_kind:
        return RecordReview(UNTRANSLATED)
    q = models.Q()
    for label, (_kind, records) in by_kind.items():
        q |= _content_q(label, object_id__in=list(records))
    reviews = _reviews(q)
    states, approvals = [], []
    for label, (kind, records) in by_kind.items():
        for pk, record in records.items():
            for name in kind.fields:
                spanish, kichwa = getattr(record, f"{name}_{SPANISH}"), getattr(record, f"{name}_{KICHWA}")
                review = reviews.get((label, pk, name))
                state = field_state(spanish, kichwa, review)
                if state == UNTRANSLATED:
                    continue
                states.append(state)
                if state == ReviewState.APPROVED:
                    approvals.append(review)
    if not states:
        return RecordReview(UNTRANSLATED)
    if ReviewState.NEEDS_EDITING in states:
        return RecordReview(ReviewState.NEEDS_EDITING)
    if ReviewState.AWAITING in states:
        return RecordReview(ReviewState.AWAITING)
    approvals.sort(key=lambda review: review.reviewed_at or timezone.now(), reverse=True)
    organisations = list(dict.fromkeys(review.organisation for review in approvals if review.organisation))
    return RecordReview(ReviewState.APPROVED, ", ".join(organisations), approvals[0].reviewed_at)


def record_review(obj) -> RecordReview:
    """The review of one record's Kichwa (one query)."""
    return page_review(obj)


def share_reviewed() -> tuple[int, int]:
    """(reviewed, total): of the non-empty Kichwa texts of published records, how many are approved as they read
    now. One query for the approvals, then one per kind of record (read in chunks, texts never kept)."""
    q = models.Q()
    kinds = content_kinds()
    for kind in kinds:
        q |= _content_q(kind.label)
    approved = _reviews(q & models.Q(state=ReviewState.APPROVED)) if kinds else {}
    reviewed = total = 0
    for kind in kinds:
        columns = [f"{name}_{language}" for name in kind.fields for language in (SPANISH, KICHWA)]
        rows = kind.published_records().order_by().values_list("pk", *columns)
        for pk, *texts in rows.iterator(chunk_size=500):
            for index, name in enumerate(kind.fields):
                spanish, kichwa = texts[2 * index], texts[2 * index + 1]
                state = field_state(spanish, kichwa, approved.get((kind.label, pk, name)))
                if state != UNTRANSLATED:
                    total += 1
                    reviewed += state == ReviewState.APPROVED
    return reviewed, total


# The reviewers' queue (kichwa.admin_content).


@dataclass(frozen=True)
class QueueKey:
    label: str
    pk: int
    field: str


@dataclass
class Queue:
    """The fields of published records in one state (and of one kind, or of all), in order of kind, record and
    field, and how many fields of each kind are in each state."""

    keys: list[QueueKey]
    counts: dict[str, dict[str, int]]
    reviews: dict[tuple[str, int, str], Review]


def review_queue(*, state: str = ReviewState.AWAITING, kind: str = "") -> Queue:
    """The keys of the fields in `state` (one of ReviewState or UNTRANSLATED) of the published records of `kind`
    (a label of REVIEWED_CONTENT, or every kind), and the counts per kind and state: one query for the reviews and
    one per kind of record. Only keys are kept; `queue_items` reads the texts of the page shown."""
    kinds = content_kinds()
    q = models.Q()
    for each in kinds:
        q |= _content_q(each.label)
    reviews = _reviews(q) if kinds else {}
    keys: list[QueueKey] = []
    counts: dict[str, dict[str, int]] = {}
    for each in kinds:
        tally = counts.setdefault(each.label, defaultdict(int))
        columns = [f"{name}_{language}" for name in each.fields for language in (SPANISH, KICHWA)]
        rows = each.published_records().order_by("pk").values_list("pk", *columns)
        for pk, *texts in rows.iterator(chunk_size=500):
            for index, name in enumerate(each.fields):
                spanish, kichwa = texts[2 * index], texts[2 * index + 1]
                if not (spanish or kichwa):
                    continue
                found = field_state(spanish, kichwa, reviews.get((each.label, pk, name)))
                tally[found] += 1
                if found == state and (not kind or kind == each.label):
                    keys.append(QueueKey(each.label, pk, name))
    return Queue(keys, {label: dict(tally) for label, tally in counts.items()}, reviews)


@dataclass(frozen=True)
class QueueItem:
    kind: ContentKind
    record: models.Model
    field: str
    field_label: str
    spanish: str
    kichwa: str
    state: str
    review: Review | None
    url: str
    correctable: bool

    @property
    def kind_label(self) -> str:
        return str(self.kind.model._meta.verbose_name)

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS.get(self.state, self.state))

    @property
    def spanish_sha256(self) -> str:
        return fingerprint(self.spanish)

    @property
    def kichwa_sha256(self) -> str:
        return fingerprint(self.kichwa)

    @property
    def multiline(self) -> bool:
        field = self.kind.model._meta.get_field(f"{self.field}_{KICHWA}")
        return isinstance(field, models.TextField)

    @property
    def max_length(self) -> int | None:
        return self.kind.model._meta.get_field(f"{self.field}_{KICHWA}").max_length


def queue_items(keys: Iterable[QueueKey], reviews: dict[tuple[str, int, str], Review]) -> list[QueueItem]:
    """The records of `keys` (a page of the queue) with their texts, states and public pages: one query per kind."""
    keys = list(keys)
    wanted: dict[str, set[int]] = defaultdict(set)
    for key in keys:
        wanted[key.label].add(key.pk)
    records: dict[tuple[str, int], models.Model] = {}
    for label, pks in wanted.items():
        kind = kind_by_label(label)
        for record in kind.model._default_manager.filter(pk__in=pks).select_related(*kind.related):
            records[(label, record.pk)] = record
    items = []
    for key in keys:
        record = records.get((key.label, key.pk))
        if record is None:  # deleted since the queue was read
            continue
        kind = kind_by_label(key.label)
        spanish = getattr(record, f"{key.field}_{SPANISH}") or ""
        kichwa = getattr(record, f"{key.field}_{KICHWA}") or ""
        review = reviews.get((key.label, key.pk, key.field))
        items.append(
            QueueItem(
                kind=kind,
                record=record,
                field=key.field,
                field_label=str(record._meta.get_field(key.field).verbose_name),
                spanish=spanish,
                kichwa=kichwa,
                state=field_state(spanish, kichwa, review),
                review=review,
                url=kind.page_url(record),
                correctable=correctable(record, key.field),
            )
        )
    return items


# What a reviewer does (services).


class ReviewRefused(Exception):
    """A review that cannot be made as asked; its message says why, in the reviewer's language."""


def correctable(obj, field: str) -> bool:
    """Whether the record lets its Kichwa text be changed: a record that freezes its texts once published says so
    in FROZEN_FIELDS (a published report); others may still refuse on save (content_approve says so)."""
    frozen = getattr(type(obj), "FROZEN_FIELDS", ())
    return not (f"{field}_{KICHWA}" in frozen and getattr(obj, "is_published", False))


def _check_field(obj, field: str) -> ContentKind:
    kind = kind_of(obj)
    if kind is None or field not in kind.fields:
        raise ReviewRefused(gettext("This text is not one the community reviews."))
    return kind


def _check_seen(obj, field: str, seen: tuple[str, str] | None) -> None:
    """Refuse when the texts changed since the reviewer read them (`seen`: the fingerprints of their Spanish and
    Kichwa): a review is of the texts the reviewer saw."""
    if seen is None:
        return
    now = (fingerprint(getattr(obj, f"{field}_{SPANISH}")), fingerprint(getattr(obj, f"{field}_{KICHWA}")))
    if tuple(seen) != now:
        raise ReviewRefused(
            gettext("The text changed while you were reading it. Read it again as it is now, then review it.")
        )


def _write_kichwa(obj, field: str, kichwa: str) -> None:
    """Write the corrected Kichwa through the record's own save (its checks, change record and page cache)."""
    column = f"{field}_{KICHWA}"
    try:
        obj._meta.get_field(column).clean(kichwa, obj)
    except ValidationError as error:
        raise ReviewRefused(" ".join(error.messages)) from None
    if not correctable(obj, field):
        raise ReviewRefused(
            gettext(
                "This record is published and its texts are frozen: its Kichwa cannot be corrected here. Approve "
                "it as it is or say what needs editing."
            )
        )
    previous = getattr(obj, column)
    setattr(obj, column, kichwa)
    try:
        with transaction.atomic():
            obj.save(update_fields=[column])
    # The apps below kichwa protect their published records with their own exceptions (a published report's
    # ReportFrozenError), which kichwa cannot name without importing them: any refusal of the save is one.
    except Exception:  # noqa: BLE001
        setattr(obj, column, previous)
        logger.warning("The correction of %s.%s of %s was refused", field, KICHWA, obj._meta.label, exc_info=True)
        raise ReviewRefused(
            gettext(
                "The record refused the correction (it may be protected once published); nothing was changed. "
                "Say what needs editing instead."
            )
        ) from None
    obj.refresh_from_db(fields=[column, f"{field}_{SPANISH}"])


def _save_review(obj, field: str, *, state: str, by, comment: str) -> ContentReview:
    now = timezone.now()
    review, _created = ContentReview.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj._meta.concrete_model),
        object_id=obj.pk,
        field=field,
        defaults={
            "state": state,
            "spanish_sha256": fingerprint(getattr(obj, f"{field}_{SPANISH}")),
            "kichwa_sha256": fingerprint(getattr(obj, f"{field}_{KICHWA}")),
            "comment": comment,
            "reviewed_by": by,
            "organisation": reviewer_organisation(by),
            "reviewed_at": now,
        },
    )
    return review


@transaction.atomic
def content_approve(
    *, obj, field: str, by, kichwa: str | None = None, comment: str = "", seen: tuple[str, str] | None = None
) -> ContentReview:
    """Approve the Kichwa of `obj.<field>` as it reads now, or as corrected by the reviewer.

    1. The field must be one reviewed; with `seen`, its texts must be those the reviewer read.
    2. A correction (`kichwa`, when it differs) is written to `<field>_qu` through the record's save; a record that
       refuses it (published and frozen) raises ReviewRefused and nothing changes.
    3. An empty Kichwa cannot be approved: there is nothing to approve.
    4. The review records both texts' fingerprints, the reviewer, their organisation and the time."""
    _check_field(obj, field)
    _check_seen(obj, field, seen)
    if kichwa is not None:
        kichwa = kichwa.strip()
        if kichwa != (getattr(obj, f"{field}_{KICHWA}") or ""):
            if not kichwa:
                raise ReviewRefused(gettext("Write the Kichwa text to approve."))
            _write_kichwa(obj, field, kichwa)
    if not (getattr(obj, f"{field}_{KICHWA}") or "").strip():
        raise ReviewRefused(gettext("This text has no Kichwa yet: write it to approve it."))
    return _save_review(obj, field, state=ReviewState.APPROVED, by=by, comment=comment.strip())


@transaction.atomic
def content_needs_editing(*, obj, field: str, by, comment: str, seen: tuple[str, str] | None = None) -> ContentReview:
    """Send the Kichwa of `obj.<field>` back to the staff with the reviewer's comment (required). When either text
    changes afterwards, the field awaits review again."""
    _check_field(obj, field)
    _check_seen(obj, field, seen)
    comment = (comment or "").strip()
    if not comment:
        raise ReviewRefused(gettext("Say what needs editing."))
    if not (getattr(obj, f"{field}_{KICHWA}") or "").strip():
        raise ReviewRefused(gettext("This text has no Kichwa yet: write it to approve it."))
    return _save_review(obj, field, state=ReviewState.NEEDS_EDITING, by=by, comment=comment)
