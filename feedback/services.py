"""Everything that changes citizen participation: what citizens send, what moderators and planners decide, the
e-mails, anonymisation. Views, admin actions, commands and tasks call these."""

from __future__ import annotations

import dataclasses
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.models import Canton, Commitment, Parish
from commitments.roles import planner_emails
from conecta.cache import bump_generation
from conecta.claims import claim, release
from conecta.mail import send_templated

from .contributions import Sender, contribution_kinds, language_of, save_fresh, save_once
from .models import (
    TRACKING_ALPHABET,
    TRACKING_PREFIX,
    Comment,
    DailyDigest,
    Evaluation,
    Moderation,
    PreviousAnswer,
    Suggestion,
    SuggestionReply,
)
from .protection import email_hash, phone_hash

logger = logging.getLogger(__name__)

# Tracking codes.


def tracking_code_new() -> str:
    """PZ-XXXX-XX, six characters of an alphabet without 0/O and 1/I/L."""
    chars = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(6))
    return f"{TRACKING_PREFIX}-{chars[:4]}-{chars[4:]}"


_NOT_CODE = re.compile(r"[^A-Z0-9]")


def tracking_code_normalise(raw: str | None) -> str | None:
    """The code as stored, from what a person typed ("pz 7k3m q9", "7K3MQ9", "PZ-7K3M-Q9 "); None when it
    cannot be one of ours."""
    compact = _NOT_CODE.sub("", (raw or "")[:40].upper())
    if len(compact) == 8 and compact.startswith(TRACKING_PREFIX):
        compact = compact[2:]
    if len(compact) != 6 or any(ch not in TRACKING_ALPHABET for ch in compact):
        return None
    return f"{TRACKING_PREFIX}-{compact[:4]}-{compact[4:]}"


# What citizens send.


@transaction.atomic
def suggestion_submit(
    *,
    kind: str,
    text: str,
    sender: Sender,
    token: str,
    commitment: Commitment | None = None,
    canton: Canton | None = None,
    parish: Parish | None = None,
) -> tuple[Suggestion, bool]:
    """Store a suggestion, complaint or question from the web form, once per form token; e-mail the tracking
    code after commit when an address was given. Returns (suggestion, whether this call stored it)."""
    now = timezone.now()
    if parish is not None and canton is None:
        canton = parish.canton

    def build() -> Suggestion:
        return Suggestion(
            tracking_code=tracking_code_new(),
            kind=kind,
            text=text,
            commitment=commitment,
            canton=canton,
            parish=parish,
            name=sender.name,
            email=sender.email,
            email_hash=email_hash(sender.email),
            phone=sender.phone,
            phone_hash=phone_hash(sender.phone),
            ip_hash=sender.ip_hash,
            language=language_of(sender.language),
            consent_at=now,
            channel=Suggestion.Channel.WEB,
            received_on=timezone.localdate(now),
            status_changed_at=now,
            submission_token=token,
        )

    suggestion, created = save_once(Suggestion, token, build)
    if created and suggestion.email:
        from .tasks import send_suggestion_confirmation_task

        send_suggestion_confirmation_task.enqueue_on_commit(suggestion.pk)
    return suggestion, created


def suggestion_save_offline(*, suggestion: Suggestion, by) -> Suggestion:
    """Save feedback staff gathered through a traditional channel (assembly, box, WhatsApp, phone, office):
    it gets a tracking code to hand back, and needs no moderation (staff entered it)."""
    now = timezone.now()
    suggestion.email_hash = email_hash(suggestion.email)
    suggestion.phone_hash = phone_hash(suggestion.phone)
    suggestion.entered_by = by if getattr(by, "pk", None) else None
    suggestion.moderation = Moderation.APPROVED
    suggestion.moderated_at = now
    suggestion.moderated_by = suggestion.entered_by
    suggestion.status_changed_at = now
    if suggestion.parish_id and not suggestion.canton_id:
        suggestion.canton_id = suggestion.parish.canton_id

    def with_fresh_code() -> Suggestion:
        suggestion.pk, suggestion.tracking_code = None, tracking_code_new()
        return suggestion

    return save_fresh(with_fresh_code)[0]


@transaction.atomic
def comment_submit(*, commitment: Commitment, text: str, sender: Sender, token: str) -> tuple[Comment, bool]:
    """Store a comment on a commitment, pending moderation, once per form token."""
    now = timezone.now()

    def build() -> Comment:
        return Comment(
            commitment=commitment,
            text=text,
            name=sender.name,
            email=sender.email,
            email_hash=email_hash(sender.email),
            ip_hash=sender.ip_hash,
            language=language_of(sender.language),
            consent_at=now,
            submission_token=token,
        )

    return save_once(Comment, token, build)


@transaction.atomic
def evaluation_submit(
    *, commitment: Commitment, score: int, comment: str, sender: Sender, token: str
) -> tuple[Evaluation, bool]:
    """Store an evaluation once per form token. The score counts at once; a comment waits for moderation (an
    evaluation without one has nothing to moderate and is approved as it is stored)."""
    now = timezone.now()

    def build() -> Evaluation:
        return Evaluation(
            commitment=commitment,
            score=score,
            comment=comment,
            ip_hash=sender.ip_hash,
            language=language_of(sender.language),
            moderation=Moderation.PENDING if comment else Moderation.APPROVED,
            moderated_at=None if comment else now,
            submission_token=token,
        )

    return save_once(Evaluation, token, build)


class ReplyRefused(ValueError):
    """The suggestion takes no more replies (see suggestion_accepts_replies)."""


def suggestion_accepts_replies(suggestion: Suggestion) -> bool:
    """Whether the person who holds the tracking code may write back.

    Not once the suggestion's personal data were anonymised: that ends its life (at the person's request, or
    after the retention period of the privacy notice), and a reply would reopen an item nobody can be reached
    about and tie a new network address to it. Not when moderators rejected or hid it (spam, abuse): a reply must
    not put it back in the planners' work.
    """
    return suggestion.anonymised_at is None and suggestion.moderation not in (Moderation.REJECTED, Moderation.HIDDEN)


@transaction.atomic
def suggestion_reply_submit(
    *, suggestion: Suggestion, text: str, sender: Sender, token: str
) -> tuple[SuggestionReply, bool]:
    """Store what the person writes back from the tracking page, pending moderation (it is never public), once
    per form token. Returns (reply, whether this call stored it).

    1. Refuse it when the suggestion takes no replies (ReplyRefused).
    2. Store it (a double click or a reload stores nothing more).
    3. Put an answered or closed suggestion back under review, so that planners answer again; the next answer
       is e-mailed once (suggestion_staff_save). A suggestion staff made public keeps its status: the "You
       said, we did" page is the government's record, and a private reply must not take it down; the planners
       find the reply under "with a new reply" all the same.
    """
    if not suggestion_accepts_replies(suggestion):
        raise ReplyRefused(suggestion.tracking_code)

    def build() -> SuggestionReply:
        return SuggestionReply(
            suggestion=suggestion,
            text=text,
            ip_hash=sender.ip_hash,
            language=language_of(sender.language),
            submission_token=token,
        )

    reply, created = save_once(SuggestionReply, token, build)
    if created:
        now = reply.created_at
        Suggestion.objects.filter(pk=suggestion.pk, is_public=False, status__in=Suggestion.ANSWERED_STATUSES).update(
            status=Suggestion.Status.UNDER_REVIEW, status_changed_at=now, closed_at=None, updated_at=now
        )
    return reply, created


# Moderation and answers.


class ReasonRequired(ValueError):
    pass


def contributions_moderate(*, queryset: models.QuerySet, decision: str, by, reason: str = "") -> int:
    """Approve, reject or hide the rows of `queryset` (suggestions, comments or evaluations); rejecting and
    hiding need a reason. A rejected suggestion is closed; an approved one that was only received goes under
    review. Returns how many rows changed."""
    reason = (reason or "").strip()
    if decision in (Moderation.REJECTED, Moderation.HIDDEN) and not reason:
        raise ReasonRequired(_("Give a reason for rejecting or hiding."))
    if decision not in Moderation.values or decision == Moderation.PENDING:
        raise ValueError(f"unknown decision {decision!r}")
    now = timezone.now()
    user = by if getattr(by, "pk", None) else None
    values = {
        "moderation": decision,
        "moderated_at": now,
        "moderated_by": user,
        "moderation_reason": "" if decision == Moderation.APPROVED else reason,
        "updated_at": now,
    }
    with transaction.atomic():
        rows = queryset.model.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
        changed = rows.update(**values)
        if queryset.model is Suggestion:
            if decision == Moderation.APPROVED:
                rows.filter(status=Suggestion.Status.RECEIVED).update(
                    status=Suggestion.Status.UNDER_REVIEW, status_changed_at=now
                )
            elif decision == Moderation.REJECTED:
                rows.exclude(status=Suggestion.Status.CLOSED).update(
                    status=Suggestion.Status.CLOSED, status_changed_at=now, closed_at=now, is_public=False
                )
            else:
                rows.update(is_public=False)
        if queryset.model is Comment and decision == Moderation.APPROVED:
            # A comment approved with an official response already written: its author hears of the response now.
            from .tasks import notify_comment_response_task

            for pk in _comments_to_notify(rows):
                notify_comment_response_task.enqueue_on_commit(pk)
        # Approved comments appear, hidden ones disappear: every cached public page goes.
        transaction.on_commit(bump_generation)
    return changed


@transaction.atomic
def suggestion_staff_save(*, suggestion: Suggestion, by) -> Suggestion:
    """Save what staff changed on a suggestion (the admin's form), in one write: date its status changes, record
    who answered, keep the answer it replaces, and queue the one e-mail that tells the person about a new answer.

    1. An answer that had been given (it has `answered_at`) and is now changed goes to the history
       (PreviousAnswer) with its dates: the tracking page shows the whole exchange.
    2. The new answer is e-mailed once when the person replied after the one it replaces (or that one was never
       e-mailed); a correction nobody asked for is not e-mailed again. `answer_notified_at` is the claim: it is
       cleared here only for an answer not yet e-mailed, and the task sets it once. A new answer to a reply
       written in Spanish only drops the old Kichwa text, which answered something else.
    3. A given answer dates itself (`answered_at`) when the suggestion is answered or closed with it
       (Suggestion.may_be_public).
    4. Answering is not moderating: a suggestion still pending moderation stays pending, whatever its status,
       answer or "make public" box. It reaches the public "You said, we did" page only once a moderator approves
       it (contributions_moderate) and staff make the answer public (SuggestionQuerySet.answers_public).
    """
    previous = Suggestion.objects.get(pk=suggestion.pk)
    now = timezone.now()
    user = by if getattr(by, "pk", None) else None
    _rehash_contact(suggestion)
    if previous.status != suggestion.status:
        suggestion.status_changed_at = now
    if previous.answered_at is not None and _answer_of(previous) != _answer_of(suggestion):
        PreviousAnswer.objects.create(
            suggestion=suggestion,
            answer_es=previous.answer_es or "",
            answer_qu=previous.answer_qu or "",
            answered_at=previous.answered_at,
            answered_by_id=previous.answered_by_id,
            notified_at=previous.answer_notified_at,
            replaced_at=now,
        )
        asked_again = suggestion.replies.counted().filter(created_at__gt=previous.answered_at).exists()
        suggestion.answered_at = suggestion.answered_by = None
        if asked_again or previous.answer_notified_at is None:
            suggestion.answer_notified_at = None
        old_es, old_qu = _answer_of(previous)
        new_es, new_qu = _answer_of(suggestion)
        if asked_again and old_qu and new_qu == old_qu and new_es != old_es:
            # A new answer written in Spanish only: the Kichwa of the old one would answer something else.
            # Kichwa readers get the Spanish until it is translated.
            suggestion.answer_qu = ""
    answered = suggestion.may_be_public
    if answered and suggestion.answered_at is None:
        suggestion.answered_at, suggestion.answered_by = now, user
    if suggestion.status == Suggestion.Status.CLOSED and suggestion.closed_at is None:
        suggestion.closed_at = now
    suggestion.save()
    if answered and suggestion.email and suggestion.answer_notified_at is None:
        from .tasks import notify_suggestion_answered_task

        notify_suggestion_answered_task.enqueue_on_commit(suggestion.pk)
    return suggestion


def _answer_of(suggestion: Suggestion) -> tuple[str, str]:
    return ((suggestion.answer_es or "").strip(), (suggestion.answer_qu or "").strip())


@transaction.atomic
def comment_staff_save(*, comment: Comment, by) -> Comment:
    """Save what staff changed on a comment (the admin's form), in one write: date and sign its official response
    when it was written or changed, and, once the comment is approved, queue the one e-mail that tells its author
    about the response."""
    previous = Comment.objects.get(pk=comment.pk)
    _rehash_contact(comment)
    old = (previous.response_es or "", previous.response_qu or "")
    new = (comment.response_es or "", comment.response_qu or "")
    if any(new) and new != old:
        comment.response_at = timezone.now()
        comment.response_by = by if getattr(by, "pk", None) else None
    comment.save()
    if _comments_to_notify(Comment.objects.filter(pk=comment.pk)):
        from .tasks import notify_comment_response_task

        notify_comment_response_task.enqueue_on_commit(comment.pk)
    return comment


def _comments_with_response_to_notify(rows: models.QuerySet) -> models.QuerySet:
    """Approved comments with an official response and their author's address, whose response was not e-mailed."""
    return (
        rows.filter(moderation=Moderation.APPROVED, response_notified_at=None)
        .exclude(email="")
        .exclude(Q(response_es="") | Q(response_es__isnull=True), Q(response_qu="") | Q(response_qu__isnull=True))
    )


def _comments_to_notify(rows: models.QuerySet) -> list[int]:
    return list(_comments_with_response_to_notify(rows).values_list("pk", flat=True))


def _rehash_contact(item) -> None:
    """Keep the keyed hashes in step with a contact staff corrected (the right to rectification)."""
    for name, hasher in (("email", email_hash), ("phone", phone_hash)):
        if hasattr(item, f"{name}_hash"):
            setattr(item, f"{name}_hash", hasher(getattr(item, name)))


# E-mails to citizens and planners.


def _site_url(name: str, **kwargs) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)


def _mail_once(
    model: type[models.Model],
    pk: int,
    field: str,
    *,
    template: str,
    context: Callable[[models.Model], dict],
) -> bool:
    """Send the one e-mail `template` (conecta.mail) claimed on `field` of a row (a suggestion or a comment) to
    the address it holds, in the row's language (Spanish for any other); False when another run sent it or the
    address is gone."""
    claimed_at = claim(model, pk=pk, field=field)
    if claimed_at is None:
        return False
    row = model.objects.get(pk=pk)
    if not row.email:  # anonymised in between
        return False
    try:
        send_templated(
            to=[row.email],
            template=template,
            context=lambda: {**context(row), "privacy_url": _site_url("privacy")},
            language=row.language,
        )
    except Exception:
        release(model, pk=pk, field=field, claimed_at=claimed_at)
        raise
    return True


def _send_once(pk: int, field: str, *, template: str, extra=None) -> bool:
    def context(suggestion: Suggestion) -> dict:
        return {
            "suggestion": suggestion,
            "tracking_url": _site_url("feedback:track") + f"?codigo={suggestion.tracking_code}",
            **(extra or {}),
        }

    return _mail_once(Suggestion, pk, field, template=template, context=context)


def suggestion_send_confirmation(*, suggestion_id: int) -> bool:
    """E-mail the person their tracking code, once (claimed on `confirmation_sent_at`)."""
    return _send_once(
        suggestion_id,
        "confirmation_sent_at",
        template="feedback/email/suggestion_received",
    )


def suggestion_notify_answered(*, suggestion_id: int) -> bool:
    """E-mail the person that their message was answered, once per answer (claimed on `answer_notified_at`,
    which suggestion_staff_save clears only for a new answer to a reply)."""
    if not Suggestion.objects.filter(pk=suggestion_id).may_be_public().exists():
        return False
    again = PreviousAnswer.objects.filter(suggestion_id=suggestion_id).exists()
    return _send_once(
        suggestion_id,
        "answer_notified_at",
        template="feedback/email/suggestion_answered",
        extra={"again": again},
    )


def suggestions_notify_pending(*, older_than_minutes: int = 5) -> int:
    """The sweep: e-mails that could not be queued when their suggestion was stored or answered (broker down)."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    with_email = Suggestion.objects.exclude(email="")
    unconfirmed = with_email.filter(confirmation_sent_at=None, channel=Suggestion.Channel.WEB, created_at__lte=cutoff)
    unnotified = with_email.may_be_public().filter(answer_notified_at=None, answered_at__lte=cutoff)
    sent = 0
    for pk in list(unconfirmed.values_list("pk", flat=True)[:200]):
        sent += suggestion_send_confirmation(suggestion_id=pk)
    for pk in list(unnotified.values_list("pk", flat=True)[:200]):
        sent += suggestion_notify_answered(suggestion_id=pk)
    return sent


def comment_notify_response(*, comment_id: int) -> bool:
    """E-mail the author of an approved comment that staff published an official response under it: once ever
    (claimed on `response_notified_at`), in the comment's language, with a link to the commitment's comments."""
    if not _comments_with_response_to_notify(Comment.objects.filter(pk=comment_id)).exists():
        return False

    def context(comment: Comment) -> dict:
        commitment = comment.commitment
        return {
            "comment": comment,
            "commitment": commitment,
            "comments_url": _site_url("feedback:comments", code=commitment.code),
        }

    return _mail_once(
        Comment,
        comment_id,
        "response_notified_at",
        template="feedback/email/comment_response",
        context=context,
    )


# A response older than this is not e-mailed by the sweep: its author would hear of something long published
# (comments answered before these e-mails existed, or a broker down for more than a week).
COMMENT_RESPONSE_SWEEP_DAYS = 7


def comments_notify_pending(*, older_than_minutes: int = 5) -> int:
    """The sweep: response e-mails that could not be queued when the response was written or the comment
    approved (broker down)."""
    now = timezone.now()
    rows = _comments_with_response_to_notify(
        Comment.objects.filter(
            response_at__lte=now - timedelta(minutes=older_than_minutes),
            moderated_at__lte=now - timedelta(minutes=older_than_minutes),
        ).filter(
            Q(response_at__gte=now - timedelta(days=COMMENT_RESPONSE_SWEEP_DAYS))
            | Q(moderated_at__gte=now - timedelta(days=COMMENT_RESPONSE_SWEEP_DAYS))
        )
    )
    return sum(comment_notify_response(comment_id=pk) for pk in list(rows.values_list("pk", flat=True)[:200]))


def digest_send(*, day: date | None = None) -> bool:
    """The planners' daily digest: what citizens sent since the last digest and what awaits moderation. Once a
    day: the day's row is created, then claimed on `sent_at`. Returns whether this call sent it."""
    day = day or timezone.localdate()
    DailyDigest.objects.get_or_create(day=day)
    digest = DailyDigest.objects.get(day=day)
    claimed_at = claim(DailyDigest, pk=digest.pk, field="sent_at")
    if claimed_at is None:
        return False
    previous = DailyDigest.objects.filter(day__lt=day).exclude(sent_at=None).order_by("-day").first()
    since = previous.sent_at if previous else claimed_at - timedelta(days=1)
    kinds = contribution_kinds()
    new_since = {"created_at__gte": since, "created_at__lt": claimed_at}
    new = {
        kind.key: list(
            kind.model.objects.filter(**new_since).select_related(kind.digest_lists).order_by("created_at")[:100]
        )
        for kind in kinds
        if kind.digest_lists
    }
    counts = {kind.key: kind.model.objects.filter(**new_since).count() for kind in kinds}
    pending = {kind.key: kind.model.objects.pending().count() for kind in kinds}
    blocks = [
        {
            "template": kind.digest_template,
            "count": counts[kind.key],
            "pending": pending[kind.key],
            "admin_url": _site_url(f"admin:{kind.model._meta.app_label}_{kind.model._meta.model_name}_changelist"),
        }
        for kind in kinds
        if kind.digest_template
    ]
    total = sum(counts.values())
    DailyDigest.objects.filter(pk=digest.pk).update(items=total)
    recipients = planner_emails()
    if not total or not recipients:
        return False
    try:
        send_templated(
            to=recipients,
            template="feedback/email/digest",
            context=lambda: {
                "day": day,
                "since": since,
                "total": total,
                "new": new,
                "counts": counts,
                "pending": pending,
                "blocks": blocks,
                "admin_url": settings.SITE_URL.rstrip("/") + reverse("admin:app_list", args=["feedback"]),
            },
        )
    except Exception:
        release(DailyDigest, pk=digest.pk, field="sent_at", claimed_at=claimed_at)
        raise
    return True


# Personal data.


@dataclass(frozen=True)
class Anonymised:
    """How many items had their personal data wiped: this app's kinds, and in `others` the kinds the apps above
    registered (feedback.contributions), by key."""

    suggestions: int = 0
    comments: int = 0
    evaluations: int = 0
    others: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.suggestions + self.comments + self.evaluations + sum(self.others.values())

    def summary(self) -> str:
        """"Anonymised 2 suggestions, 1 comments, 1 evaluations and 0 survey responses." (for the command)"""
        plurals = {kind.key: kind.plural for kind in contribution_kinds()}
        parts = [f"{self.suggestions} suggestions", f"{self.comments} comments", f"{self.evaluations} evaluations"]
        parts += [f"{count} {plurals.get(key, key)}" for key, count in self.others.items()]
        return f"Anonymised {', '.join(parts[:-1])} and {parts[-1]}."


@dataclass(frozen=True)
class AnonymiseTargets:
    """The rows an anonymisation will wipe: their primary keys per model."""

    suggestions: frozenset = frozenset()
    comments: frozenset = frozenset()
    evaluations: frozenset = frozenset()

    @property
    def counts(self) -> Anonymised:
        return Anonymised(len(self.suggestions), len(self.comments), len(self.evaluations))


def anonymise_targets(
    *,
    suggestions: models.QuerySet | None = None,
    comments: models.QuerySet | None = None,
    evaluations: models.QuerySet | None = None,
    same_contact: bool = True,
) -> AnonymiseTargets:
    """These items and, with `same_contact`, every suggestion and comment left with the same e-mail address or
    phone number (their keyed hashes)."""
    suggestions = suggestions if suggestions is not None else Suggestion.objects.none()
    comments = comments if comments is not None else Comment.objects.none()
    evaluations = evaluations if evaluations is not None else Evaluation.objects.none()
    s_ids = set(suggestions.values_list("pk", flat=True))
    c_ids = set(comments.values_list("pk", flat=True))
    if same_contact:
        keys = set()
        for email_key, phone_key in Suggestion.objects.filter(pk__in=s_ids).values_list("email_hash", "phone_hash"):
            keys |= {email_key, phone_key}
        keys |= set(Comment.objects.filter(pk__in=c_ids).values_list("email_hash", flat=True))
        keys.discard("")
        if keys:
            s_ids |= set(
                Suggestion.objects.filter(Q(email_hash__in=keys) | Q(phone_hash__in=keys)).values_list("pk", flat=True)
            )
            c_ids |= set(Comment.objects.filter(email_hash__in=keys).values_list("pk", flat=True))
    return AnonymiseTargets(
        suggestions=frozenset(s_ids),
        comments=frozenset(c_ids),
        evaluations=frozenset(evaluations.values_list("pk", flat=True)),
    )


@transaction.atomic
def contacts_anonymise(
    *,
    suggestions: models.QuerySet | None = None,
    comments: models.QuerySet | None = None,
    evaluations: models.QuerySet | None = None,
    same_contact: bool = True,
) -> Anonymised:
    """Wipe the personal data of these items and, with `same_contact`, of every other item from the same
    contacts, keeping their texts, scores and dates so that every figure stays the same.

    1. Find the rows (anonymise_targets).
    2. Wipe name, e-mail, phone, their keyed hashes and the network-address hash (of the suggestions' replies
       too); record when.
    3. Drop the cached public pages (a comment's name was public).
    """
    targets = anonymise_targets(
        suggestions=suggestions, comments=comments, evaluations=evaluations, same_contact=same_contact
    )
    now = timezone.now()
    wiped = {"name": "", "email": "", "email_hash": "", "ip_hash": "", "anonymised_at": now, "updated_at": now}
    done = Anonymised(
        suggestions=Suggestion.objects.filter(pk__in=targets.suggestions).update(**wiped, phone="", phone_hash=""),
        comments=Comment.objects.filter(pk__in=targets.comments).update(**wiped),
        evaluations=Evaluation.objects.filter(pk__in=targets.evaluations).update(
            ip_hash="", anonymised_at=now, updated_at=now
        ),
    )
    # The replies to those suggestions hold no contact, only their sender's network-address hash: it goes too,
    # their texts stay.
    SuggestionReply.objects.filter(suggestion_id__in=targets.suggestions).update(
        ip_hash="", anonymised_at=now, updated_at=now
    )
    transaction.on_commit(bump_generation)
    return done


def _last_activity(*fields: str, replies: bool = False):
    """The moment of the last thing that happened to an item: the latest of its creation, its last save and the
    dated events `fields` name (moderation, answer, closing...) and, with `replies`, its replies' creation. A
    field never set counts as the creation (SQLite's MAX() of a NULL would be NULL)."""
    moments = [F("created_at"), F("updated_at"), *(Coalesce(name, "created_at") for name in fields)]
    if replies:
        latest_reply = (
            SuggestionReply.objects.filter(suggestion=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
        )
        moments.append(Coalesce(Subquery(latest_reply), "created_at"))
    return Greatest(*moments, output_field=models.DateTimeField())


def _idle_since(model: type[models.Model], cutoff: datetime, *fields: str, replies: bool = False) -> models.QuerySet:
    """The items of `model` not yet anonymised on which nothing has happened since `cutoff`."""
    return (
        model.objects.filter(anonymised_at__isnull=True)
        .alias(last_activity=_last_activity(*fields, replies=replies))
        .filter(last_activity__lte=cutoff)
    )


def anonymise_expired(*, now: datetime | None = None) -> Anonymised:
    """Anonymise everything kept long enough, whatever its state: the items on which nothing has happened for
    settings.PARTICIPATION_RETENTION_MONTHS (24 by default), counted from the last thing that happened to each
    (sent, moderated, answered, closed, replied to, edited by staff). A suggestion never answered, a comment
    never moderated, a rejected one: all of them. Then delete the network-address keys of finished periods.

    Each item is kept for its own time: a newer one from the same person keeps its contact until then.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=round(settings.PARTICIPATION_RETENTION_MONTHS * 365.25 / 12))
    from .protection import address_keys_expire

    moderated = ("moderated_at",)
    done = contacts_anonymise(
        suggestions=_idle_since(
            Suggestion, cutoff, *moderated, "status_changed_at", "answered_at", "closed_at", replies=True
        ),
        comments=_idle_since(Comment, cutoff, *moderated, "response_at"),
        evaluations=_idle_since(Evaluation, cutoff, *moderated),
        same_contact=False,
    )
    # Replies go with their suggestion (contacts_anonymise); one left behind by a suggestion anonymised before
    # it, too.
    SuggestionReply.objects.filter(pk__in=_idle_since(SuggestionReply, cutoff, *moderated).values("pk")).update(
        ip_hash="", anonymised_at=now, updated_at=now
    )
    # The kinds the apps above registered say how their own personal data go (surveys: the address hash).
    others = {kind.key: kind.anonymise_idle(cutoff, now) for kind in contribution_kinds() if kind.anonymise_idle}
    address_keys_expire(now=now)
    return dataclasses.replace(done, others=others)


def idle_since(model: type[models.Model], cutoff: datetime) -> models.QuerySet:
    """The contributions of `model` (of an app above) not yet anonymised on which nothing has happened since
    `cutoff`: neither sent, saved nor moderated."""
    return _idle_since(model, cutoff, "moderated_at")
