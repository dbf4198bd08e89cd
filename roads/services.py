"""Everything that changes road works and road requests: the admin, the spreadsheets, the public forms and the
commands call these (keyword-only arguments)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from conecta.uploads import check_upload
from feedback.contributions import Sender, language_of, save_fresh, save_once
from feedback.models import TRACKING_ALPHABET, Moderation
from feedback.protection import email_hash, phone_hash

from .models import (
    REQUEST_TRACKING_PREFIX,
    RoadProgress,
    RoadRequest,
    RoadRequestChange,
    RoadWork,
)

# The same report sent again from the same network address within this many minutes is the one already stored.
SAME_REQUEST_MINUTES = 30

# Road works.


def road_progress_refresh(*, works: models.QuerySet[RoadWork] | None = None) -> int:
    """Make each work show its latest published observation (physical %, amount paid, its date), or nothing
    observed (0 %, no amount) when it has none; one UPDATE, whatever the number of works. Returns how many
    works were updated."""
    works = RoadWork.objects.all() if works is None else works
    latest = RoadProgress.objects.filter(work=OuterRef("pk"), is_published=True).order_by("-observed_on", "-pk")
    return works.update(
        physical_pct=models.functions.Coalesce(Subquery(latest.values("physical_pct")[:1]), 0),
        paid_amount=Subquery(latest.values("paid_amount")[:1]),
        progress_on=Subquery(latest.values("observed_on")[:1]),
    )


@transaction.atomic
def road_progress_save(*, progress: RoadProgress, by=None) -> RoadProgress:
    """Save a dated observation of a work's progress (validated) and refresh what the work shows."""
    if progress.paid_amount is not None and progress.work.budget and progress.paid_amount > progress.work.budget:
        raise ValidationError({"paid_amount": _("The amount paid cannot exceed the work's budget.")})
    progress.full_clean()
    if getattr(by, "pk", None) and progress.recorded_by_id is None:
        progress.recorded_by = by
    progress.save()
    road_progress_refresh(works=RoadWork.objects.filter(pk=progress.work_id))
    return progress


@transaction.atomic
def road_progress_delete(*, progress: RoadProgress) -> None:
    """Remove an unpublished observation (a published one is unpublished instead, so history never loses it)."""
    if progress.is_published:
        raise ValidationError(_("Published progress is not deleted: unpublish it, and say why in its note."))
    work_id = progress.work_id
    progress.delete()
    road_progress_refresh(works=RoadWork.objects.filter(pk=work_id))


def road_work_set_geometry(
    *, work: RoadWork, coordinates: list[tuple[float, float]], source: str, drop_note: bool = False
) -> RoadWork:
    """Store a work's line or point (WGS84, already checked and simplified by roads.geometry). `drop_note` empties
    the note on the geometry (in both languages): the note of an approximate line ("not surveyed") is no longer
    true of a surveyed track."""
    work.geometry = [[round(lon, 6), round(lat, 6)] for lon, lat in coordinates]
    work.geometry_source = source if coordinates else ""
    fields = ["geometry", "geometry_source", "updated_at"]
    if drop_note:
        work.geometry_note_es = work.geometry_note_qu = ""
        fields += ["geometry_note_es", "geometry_note_qu"]
    work.save(update_fields=fields)
    return work


# Road requests.


def request_tracking_code_new() -> str:
    """VP-XXXX-XX, of the suggestions' alphabet (no 0/O, 1/I/L)."""
    chars = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(6))
    return f"{REQUEST_TRACKING_PREFIX}-{chars[:4]}-{chars[4:]}"


def request_tracking_code_normalise(raw: str | None) -> str | None:
    """The code as stored from what a person typed ("vp 7k3m q9", "7K3MQ9"); None when it cannot be one."""
    compact = "".join(ch for ch in (raw or "")[:40].upper() if ch.isascii() and ch.isalnum())
    if len(compact) == 8 and compact.startswith(REQUEST_TRACKING_PREFIX):
        compact = compact[2:]
    if len(compact) != 6 or any(ch not in TRACKING_ALPHABET for ch in compact):
        return None
    return f"{REQUEST_TRACKING_PREFIX}-{compact[:4]}-{compact[4:]}"


def request_photo_prepare(upload) -> tuple[ContentFile, str, str] | None:
    """A citizen's photo, checked from its bytes and re-encoded without metadata (EXIF, GPS): (file, content
    type, SHA-256), or None without a photo. Anything that is not a JPEG, PNG or WebP image is refused."""
    if not upload:
        return None
    checked = check_upload(upload, max_bytes=settings.ROAD_REQUEST_PHOTO_MAX_BYTES)
    if not checked.kind.content_type.startswith("image/"):
        raise ValidationError(_("The photo must be a JPEG, PNG or WebP image."))
    content = checked.content
    name = f"photo.{checked.kind.extension}"
    return ContentFile(content, name=name), checked.kind.content_type, hashlib.sha256(content).hexdigest()


@transaction.atomic
def request_submit(
    *,
    kind: str,
    parish,
    description: str,
    sender: Sender,
    token: str,
    community: str = "",
    road_name: str = "",
    work: RoadWork | None = None,
    photo=None,
    latitude=None,
    longitude=None,
) -> tuple[RoadRequest, bool]:
    """Store a road request from the public form, pending moderation, once per form token (and once per text,
    place and network address within SAME_REQUEST_MINUTES); e-mail the tracking code after commit when an address
    was given. Returns (request, whether this call stored it). The photo is
    stored re-encoded without its metadata."""
    now = timezone.now()
    if sender.ip_hash:
        # The same report again from the same address (the browser's Back button refills the form under a new
        # token): the one already stored, not a second copy in the moderators' queue.
        again = RoadRequest.objects.filter(
            ip_hash=sender.ip_hash,
            kind=kind,
            parish=parish,
            description=description,
            created_at__gte=now - timedelta(minutes=SAME_REQUEST_MINUTES),
        ).first()
        if again is not None:
            return again, False
    prepared = request_photo_prepare(photo)

    def build() -> RoadRequest:
        request = RoadRequest(
            tracking_code=request_tracking_code_new(),
            kind=kind,
            parish=parish,
            community=community,
            road_name=road_name,
            work=work,
            description=description,
            latitude=latitude,
            longitude=longitude,
            name=sender.name,
            email=sender.email,
            email_hash=email_hash(sender.email),
            phone=sender.phone,
            phone_hash=phone_hash(sender.phone),
            ip_hash=sender.ip_hash,
            language=language_of(sender.language),
            consent_at=now,
            channel=RoadRequest.Channel.WEB,
            received_on=timezone.localdate(now),
            status_changed_at=now,
            submission_token=token,
        )
        if prepared is not None:
            request.photo, request.photo_content_type, request.photo_sha256 = prepared
        return request

    request, created = save_once(RoadRequest, token, build)
    if created and request.email:
        from .tasks import send_request_confirmation_task

        send_request_confirmation_task.enqueue_on_commit(request.pk)
    return request, created


def request_save_offline(*, request: RoadRequest, by) -> RoadRequest:
    """Save a request staff gathered through a traditional channel (assembly, WhatsApp, phone, office): it gets
    a tracking code to hand back, and needs no moderation (staff entered it)."""
    now = timezone.now()
    request.email_hash = email_hash(request.email)
    request.phone_hash = phone_hash(request.phone)
    request.entered_by = by if getattr(by, "pk", None) else None
    request.moderation = Moderation.APPROVED
    request.moderated_at = now
    request.moderated_by = request.entered_by
    request.status_changed_at = now
    if request.photo and not getattr(request.photo, "_committed", True):
        request.photo, request.photo_content_type, request.photo_sha256 = request_photo_prepare(request.photo)

    def with_fresh_code() -> RoadRequest:
        request.pk, request.tracking_code = None, request_tracking_code_new()
        return request

    with transaction.atomic():
        saved = save_fresh(with_fresh_code)[0]
        RoadRequestChange.objects.create(
            request=saved, status=saved.status, changed_at=now, changed_by=request.entered_by
        )
    return saved


@transaction.atomic
def request_status_change(
    *,
    request: RoadRequest,
    status: str,
    by,
    note_es: str = "",
    note_qu: str = "",
    fixed_on: date | None = None,
    answered_by_work: RoadWork | None | bool = False,
) -> RoadRequestChange | None:
    """Move a request to `status` with a public note (es/qu) that the request's page shows; `fixed_on` is needed
    for "fixed"; `answered_by_work` links (or, with None, unlinks) the work that answers it (False: leave it).
    Returns the change recorded, or None when nothing changed."""
    request = RoadRequest.objects.select_for_update().get(pk=request.pk)
    if status not in RoadRequest.Status.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    if status == RoadRequest.Status.FIXED:
        fixed_on = fixed_on or request.fixed_on
        if fixed_on is None:
            raise ValidationError({"fixed_on": _("Give the date it was fixed.")})
        if fixed_on < request.received_on:
            raise ValidationError({"fixed_on": _("It cannot be fixed before it was received.")})
        if fixed_on > timezone.localdate():
            raise ValidationError({"fixed_on": _("The date it was fixed cannot be in the future.")})
        request.fixed_on = fixed_on
    link_changed = answered_by_work is not False and answered_by_work != request.answered_by_work
    if status == request.status and not (note_es or note_qu) and not link_changed:
        return None
    now = timezone.now()
    if answered_by_work is not False:
        request.answered_by_work = answered_by_work or None
    if status != request.status:
        request.status_changed_at = now
    request.status = status
    request.save()
    return RoadRequestChange.objects.create(
        request=request,
        status=status,
        note_es=note_es,
        note_qu=note_qu,
        changed_at=now,
        changed_by=by if getattr(by, "pk", None) else None,
    )
