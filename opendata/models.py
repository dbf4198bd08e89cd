"""The nightly bundles of the open-data catalogue: one ZIP a day with every dataset's files, the Data Package that
describes them and their SHA-256 sums (opendata.bundle builds them).

A bundle is a published file like a report's PDF: written once under a name nobody else takes, read-only
(conecta.published_files), its row recording the SHA-256 and size the history page shows, so that anyone can prove
what the portal published on a given day. The row refuses another file or fingerprint; what goes is a whole bundle
(row and file), when the keeping rule of opendata.bundle lets it go.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from conecta.published_files import PublishedFileFrozen, WriteOnceStorage

# A bundle's download name: conecta-pastaza-datos-2026-03-02.zip (and the folder its files unpack into).
BUNDLE_STEM = "conecta-pastaza-datos"


@deconstructible
class BundleStorage(WriteOnceStorage):
    """The bundles, under MEDIA_ROOT/datos/, which nothing serves directly: opendata's views serve each kept
    bundle with safe headers (conecta.files.stored_file_response). Written once, read-only."""

    root_setting = "MEDIA_ROOT"


bundle_storage = BundleStorage()


def bundle_stem(day) -> str:
    return f"{BUNDLE_STEM}-{day.isoformat()}"


class Bundle(models.Model):
    """The catalogue as published on one day (in Pastaza's time zone): one per day at most."""

    day = models.DateField(_("day"), unique=True)
    file = models.FileField(_("file"), storage=bundle_storage, max_length=300)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    datasets = models.PositiveIntegerField(_("datasets"))
    created_at = models.DateTimeField(_("created at"))

    WRITE_ONCE = frozenset({"day", "file", "size", "sha256", "datasets"})

    class Meta:
        verbose_name = _("open data bundle")
        verbose_name_plural = _("open data bundles")
        ordering = ["-day"]

    def __str__(self) -> str:
        return self.download_name

    def save(self, *args, **kwargs):
        self._refuse_replacing_the_file(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("opendata_files:bundle_file", kwargs={"day": self.day.isoformat()})

    @property
    def download_name(self) -> str:
        return f"{bundle_stem(self.day)}.zip"

    def _refuse_replacing_the_file(self, update_fields) -> None:
        if self._state.adding or self.pk is None:
            return
        names = sorted(self.WRITE_ONCE if update_fields is None else self.WRITE_ONCE.intersection(update_fields))
        stored = Bundle.objects.filter(pk=self.pk).values(*names).first() if names else None
        if stored is not None and any(stored[name] != self._stored_value(name) for name in names):
            raise PublishedFileFrozen(f"bundle {self.pk} is published: its file is never replaced")

    def _stored_value(self, name: str):
        value = getattr(self, name)
        return value.name if name == "file" else value
