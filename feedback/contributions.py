"""What every kind of citizen contribution shares, and the registry of those kinds.

1. Saving what a public form sent: once per form token (`save_once`), with who sent it (`Sender`) and the
   language they wrote in (`language_of`). The suggestions, comments, evaluations and replies of this app and
   the survey responses of `surveys` are all saved this way.
2. The registry: each kind of contribution is registered once (`register_contributions`), by this app for its
   own and by an app above it from its AppConfig.ready() (surveys registers its responses). From it,
   - the planners' daily digest counts what is new and what awaits moderation, kind by kind;
   - the retention rule anonymises each kind after PARTICIPATION_RETENTION_MONTHS (pretix's data shredders
     are the model: every app says how its own personal data go);
   - the cached public pages are dropped when staff change a contribution shown publicly (feedback.signals).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, models, transaction

from .models import Language

# Attempts at a fresh random value (a tracking code) when the one drawn is taken (1 in 887 million per code).
CODE_ATTEMPTS = 5


@dataclass(frozen=True)
class Sender:
    """Who sent a form, as far as the portal keeps it."""

    name: str = ""
    email: str = ""
    phone: str = ""
    ip_hash: str = ""
    language: str = Language.SPANISH


def language_of(code: str | None) -> str:
    """The language a contribution is recorded in: the page's, or Spanish for anything unexpected."""
    return code if code in Language.values else Language.SPANISH


def save_fresh(build: Callable[[], models.Model], *, taken: Callable[[], models.Model | None] = lambda: None):
    """Save the row `build()` makes, building it again (with a fresh random value, such as a tracking code) when
    the database refuses it as a duplicate: (row, True). When `taken()` finds the row another request already
    stored (the same form sent twice at the same instant), (that row, False). The last clash is raised."""
    for attempt in range(CODE_ATTEMPTS):
        row = build()
        try:
            with transaction.atomic():
                row.save()
            return row, True
        except IntegrityError:
            existing = taken()
            if existing is not None:
                return existing, False
            if attempt == CODE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def save_once(model: type[models.Model], token: str | None, build: Callable[[], models.Model]):
    """Save the row `build()` makes, once per form token: (row, True), or (the row that token already made,
    False) for a double click, a reload or a replay. A clash of tracking codes builds the row again."""

    def made_by_token():
        return model.objects.filter(submission_token=token).first() if token else None

    existing = made_by_token()
    if existing is not None:
        return existing, False
    return save_fresh(build, taken=made_by_token)


@dataclass(frozen=True)
class ContributionKind:
    """One kind of contribution, as the digest and the retention rule see it.

    `key` names it in the digest's and the anonymisation's figures ("survey_responses"); `plural` is how the
    `anonymise_expired` command reports it. The digest lists the new items of a kind with `digest_lists` (the
    relation each line shows, for select_related). `digest_template`, when set, is the digest's block for the
    kind (rendered with `count`, `pending` and the `admin_url` of its queue); the kinds of this app have theirs
    in feedback/email/digest.txt.
    `anonymise_idle(cutoff, now)` wipes the personal data of the rows on which nothing happened since `cutoff`
    and returns how many; None when the app anonymises the kind itself (this app's own kinds). A kind
    `shown_publicly` (once approved) drops the cached public pages when staff change one."""

    key: str
    model: type[models.Model]
    plural: str = ""
    digest_lists: str | None = None
    digest_template: str = ""
    anonymise_idle: Callable[[datetime, datetime], int] | None = None
    shown_publicly: bool = True


_kinds: dict[str, ContributionKind] = {}


def register_contributions(kind: ContributionKind) -> None:
    """Register a kind of contribution (idempotent: AppConfig.ready() may run more than once in tests)."""
    from .signals import connect_contribution

    _kinds[kind.key] = kind
    if kind.shown_publicly:
        connect_contribution(kind.model)


def contribution_kinds() -> list[ContributionKind]:
    return list(_kinds.values())
