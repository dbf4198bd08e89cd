"""Kichwa that people can hear and that the community can correct (issue 16).

This app stands on `conecta` only, under every app that shows content, so that each can attach recordings and
show review states without an upward import; it learns which fields are translated from modeltranslation's
registry, never by importing the apps.

- `Recording`: a voice recording attached to any record (a commitment, a progress update, an indicator, a road
  work, a report, a meeting), in Spanish or Kichwa. The original is kept as uploaded (written once, private);
  a Celery task makes an Opus file for slow connections and an MP3 for older phones with ffmpeg.
- `ReviewerProfile`: a Kichwa reviewer's organisation (a Kichwa organisation, the FCD), said on reviewed pages.
- `InterfaceString`: one entry of the Kichwa interface catalogue (locale/qu/LC_MESSAGES/django.po) with its review
  state; an approved correction is applied over the compiled catalogue at once, without a deploy
  (kichwa.catalogue), and `manage.py export_kichwa_catalogue` writes it back to the .po file.
- `ContentReview`: the review state of one translated field of one record (title, description...).
- `GlossaryTerm`: the portal's key terms in Spanish and Kichwa, with their source, used by staff when writing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from conecta.published_files import WriteOnceStorage


@deconstructible
class AudioStorage(WriteOnceStorage):
    """Recordings under AUDIO_ROOT (the originals as uploaded, and the Opus and MP3 made of them): written once,
    read-only, served only by kichwa's views (a published recording's files; the originals to staff)."""

    root_setting = "AUDIO_ROOT"


audio_storage = AudioStorage()


class ReviewState(models.TextChoices):
    """Weblate's states, as a native speaker meets them."""

    AWAITING = "awaiting", _("Awaiting review")
    NEEDS_EDITING = "needs_editing", _("Needs editing")
    APPROVED = "approved", _("Approved")


class ReviewerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="kichwa_reviewer", verbose_name=_("user")
    )
    organisation = models.CharField(
        _("organisation"), max_length=200, help_text=_("Said on the pages this person reviewed.")
    )

    class Meta:
        verbose_name = _("Kichwa reviewer")
        verbose_name_plural = _("Kichwa reviewers")

    def __str__(self):
        return f"{self.user} · {self.organisation}"


class RecordingState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be converted")
    CONVERTING = "converting", _("Being converted")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Conversion failed")


class Recording(models.Model):
    content_type = models.ForeignKey(ContentType, models.PROTECT, verbose_name=_("kind of record"))
    object_id = models.PositiveBigIntegerField(_("record"))
    target = GenericForeignKey("content_type", "object_id")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200, blank=True)
    transcript = models.TextField(
        _("transcript"),
        blank=True,
        help_text=_("What is said, written down. Empty: the page's own text in that language is the transcript."),
    )
    original = models.FileField(storage=audio_storage, verbose_name=_("original file"), max_length=300)
    original_name = models.CharField(_("uploaded as"), max_length=200, blank=True)
    original_size = models.PositiveBigIntegerField(_("original size (bytes)"), default=0)
    original_sha256 = models.CharField(_("original SHA-256"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=RecordingState.choices, default=RecordingState.QUEUED)
    error = models.CharField(_("why the conversion failed"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("conversion attempts"), default=0)
    claimed_at = models.DateTimeField(_("conversion started at"), null=True, blank=True, editable=False)
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True, editable=False)
    duration = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    opus = models.FileField(storage=audio_storage, verbose_name=_("Opus file"), max_length=300, blank=True)
    opus_size = models.PositiveBigIntegerField(_("Opus size (bytes)"), null=True, blank=True)
    opus_sha256 = models.CharField(_("Opus SHA-256"), max_length=64, blank=True)
    mp3 = models.FileField(storage=audio_storage, verbose_name=_("MP3 file"), max_length=300, blank=True)
    mp3_size = models.PositiveBigIntegerField(_("MP3 size (bytes)"), null=True, blank=True)
    mp3_sha256 = models.CharField(_("MP3 SHA-256"), max_length=64, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        ordering = ["language", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="kichwa_rec_target")]

    def __str__(self):
        return self.title or self.original_name or f"{self.get_language_display()} {self.pk}"


class InterfaceString(models.Model):
    """One message of the interface catalogue. `kichwa_catalogue` is what the .po file says; `kichwa` the
    catalogue's text or a reviewer's correction, in force once approved (kichwa.catalogue). Plural messages keep
    their forms joined by kichwa.catalogue.PLURAL_SEPARATOR (U+2063: a NUL would be stripped on save, and
    PostgreSQL refuses it)."""

    msgctxt = models.CharField(_("context"), max_length=200, blank=True)
    msgid = models.TextField(_("English source"))
    msgid_plural = models.TextField(_("English plural"), blank=True)
    spanish = models.TextField(_("Spanish"), blank=True)
    kichwa_catalogue = models.TextField(_("Kichwa in the catalogue"), blank=True)
    kichwa = models.TextField(_("Kichwa"), blank=True)
    note = models.TextField(_("translator's note"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=ReviewState.choices, default=ReviewState.AWAITING)
    comment = models.TextField(_("reviewer's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    in_catalogue = models.BooleanField(_("still in the catalogue"), default=True)

    class Meta:
        verbose_name = _("interface text")
        verbose_name_plural = _("interface texts")
        ordering = ["state", "msgid"]
        constraints = [models.UniqueConstraint(fields=["msgctxt", "msgid"], name="kichwa_string_once")]

    def __str__(self):
        return self.msgid[:80]

    @property
    def corrected(self) -> bool:
        return self.kichwa != self.kichwa_catalogue


class ContentReview(models.Model):
    """The review of one translated field of one record (its `_qu` column), as of the Spanish and Kichwa texts it
    was given: when either changes afterwards, the review lapses back to awaiting (the fingerprints differ)."""

    content_type = models.ForeignKey(ContentType, models.CASCADE, verbose_name=_("kind of record"))
    object_id = models.PositiveBigIntegerField(_("record"))
    target = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("field"), max_length=64)
    state = models.CharField(_("state"), max_length=16, choices=ReviewState.choices, default=ReviewState.AWAITING)
    spanish_sha256 = models.CharField(_("Spanish reviewed (SHA-256)"), max_length=64, blank=True)
    kichwa_sha256 = models.CharField(_("Kichwa reviewed (SHA-256)"), max_length=64, blank=True)
    comment = models.TextField(_("reviewer's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Kichwa content review")
        verbose_name_plural = _("Kichwa content reviews")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "field"], name="kichwa_review_once")
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id} · {self.field}"


class GlossaryTerm(models.Model):
    spanish = models.CharField(_("Spanish"), max_length=200, unique=True)
    kichwa = models.CharField(_("Kichwa"), max_length=200)
    meaning = models.TextField(_("meaning"), blank=True, help_text=_("What the term means on the portal (Spanish)."))
    source = models.CharField(
        _("source"), max_length=300, help_text=_("Where the Kichwa term comes from: a dictionary, an organisation...")
    )
    state = models.CharField(_("state"), max_length=16, choices=ReviewState.choices, default=ReviewState.AWAITING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")
        ordering = ["spanish"]

    def __str__(self):
        return f"{self.spanish} · {self.kichwa}"
