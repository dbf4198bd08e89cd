"""The nightly bundle: the whole catalogue as one ZIP a day, kept so that anyone can see what was published when.

A bundle unpacks into one folder, `conecta-pastaza-datos-<day>/`, holding:
- `data/<key>.csv` and `data/<key>.json`: every dataset's downloads, the same bytes (and SHA-256) as
  /datos/<key>.csv and /datos/<key>.json gave that day (opendata.distributions);
- `datapackage.json`: the Frictionless Data Package of the catalogue (opendata.datapackage), its resources' paths
  relative to it, so that `frictionless validate datapackage.json` checks the unpacked folder as it is;
- `SHA256SUMS`: the SHA-256 of every other file, as `sha256sum -c SHA256SUMS` reads it in that folder.

One bundle a day (the day in Pastaza's time zone), made by the beat task (opendata.tasks) or `manage.py
opendata_bundle`: a second run on the same day makes nothing, and a day whose data did not change still gets its
bundle, since what it proves is what was published on that day. Each is written once, read-only, under a name
nobody else takes (conecta.published_files), and recorded with its size and SHA-256 (opendata.models.Bundle).

Kept: every bundle of the last KEEP_DAYS days, and the first bundle of every month forever. The rest are deleted
when a new one is made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from conecta.cache import bump_after_commit
from conecta.extensions import PublishedFile
from conecta.files import fingerprint
from conecta.published_files import link_exclusively, temporary_beside, unique_name

from . import distributions
from .datapackage import as_json, datapackage
from .datasets import all_datasets
from .models import Bundle, bundle_stem, bundle_storage

# The formats of every dataset a bundle holds (the CSV is the one the Data Package describes).
FORMATS = ("csv", "json")
DATA_FOLDER = "data"
SUMS_NAME = "SHA256SUMS"
DESCRIPTOR_NAME = "datapackage.json"
# Every bundle of this many days, today's included, is kept; before that, only each month's first.
KEEP_DAYS = 31
# Where bundles are stored, under MEDIA_ROOT.
STORAGE_FOLDER = "datos/paquetes"


def bundle_files(*, created: dt.datetime) -> tuple[list[tuple[str, bytes]], int]:
    """Every file of a bundle taken now, as (path inside the bundle's folder, bytes), and how many datasets it
    holds. Each dataset is read once (distributions.build, not the page cache: the bundle records the database as
    it is now)."""
    datasets = all_datasets()
    builds = {dataset.key: distributions.build(dataset) for dataset in datasets}
    package = datapackage(
        datasets=datasets,
        found={key: built.summary for key, built in builds.items()},
        path=lambda csv: f"{DATA_FOLDER}/{csv.filename}",
        created=created,
    )
    files = [(DESCRIPTOR_NAME, as_json(package))]
    for dataset in datasets:
        built = builds[dataset.key]
        for fmt in FORMATS:
            files.append((f"{DATA_FOLDER}/{built.summary.distribution(fmt).filename}", built.files[fmt]))
    sums = "".join(f"{hashlib.sha256(content).hexdigest()}  {path}\n" for path, content in sorted(files))
    files.append((SUMS_NAME, sums.encode("ascii")))
    return files, len(datasets)


def bundle_write(out, *, day: dt.date, created: dt.datetime) -> int:
    """Write the bundle of `day` as a ZIP to the binary file `out`; returns how many datasets it holds. Every
    entry carries the moment it was taken (in Pastaza's time) and ordinary read permissions."""
    files, count = bundle_files(created=created)
    folder = bundle_stem(day)
    stamp = timezone.localtime(created).timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files:
            entry = zipfile.ZipInfo(f"{folder}/{path}", date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, content)
    return count


def bundle_create() -> tuple[Bundle, bool]:
    """Today's bundle, and whether this call made it (False: it was already made today).

    1. Nothing to do when today has its bundle (a second run, or the task delivered twice).
    2. Write the ZIP to a temporary file beside its place, fingerprint it, and link it read-only to a name of its
       own (conecta.published_files): no reader ever sees half a bundle, and nothing is ever overwritten.
    3. Record it. When another run recorded today's bundle meanwhile, drop this file and return that one.
    """
    today = timezone.localdate()
    existing = Bundle.objects.filter(day=today).first()
    if existing is not None:
        return existing, False
    created = timezone.now()
    name = unique_name(STORAGE_FOLDER, bundle_stem(today), "zip")
    target = Path(bundle_storage.path(name))
    temporary = temporary_beside(target)
    try:
        with temporary.open("wb") as out:
            count = bundle_write(out, day=today, created=created)
        with temporary.open("rb") as written:
            sha256, size = fingerprint(File(written))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    link_exclusively(temporary, target)
    try:
        with transaction.atomic():
            bundle = Bundle.objects.create(
                day=today, file=name, size=size, sha256=sha256, datasets=count, created_at=created
            )
            bump_after_commit()  # the history page lists it
    except IntegrityError:
        bundle_storage.delete(name)
        return Bundle.objects.get(day=today), False
    return bundle, True


def month_firsts(days: list[dt.date]) -> set[dt.date]:
    """The first of `days` in each month."""
    firsts: dict[tuple[int, int], dt.date] = {}
    for day in sorted(days):
        firsts.setdefault((day.year, day.month), day)
    return set(firsts.values())


def days_kept(days: list[dt.date], *, today: dt.date) -> set[dt.date]:
    """Of the days that have a bundle, those whose bundle is kept: the last KEEP_DAYS days (today's included), and
    the first day of every month that has one."""
    return {day for day in days if (today - day).days < KEEP_DAYS} | month_firsts(days)


def bundles_prune() -> int:
    """Delete the bundles that are no longer kept (`days_kept`): their rows now, their files once that commits.
    Returns how many went."""
    rows = list(Bundle.objects.values_list("pk", "day", "file"))
    kept = days_kept([day for _pk, day, _file in rows], today=timezone.localdate())
    gone = [(pk, name) for pk, day, name in rows if day not in kept]
    if not gone:
        return 0
    with transaction.atomic():
        Bundle.objects.filter(pk__in=[pk for pk, _name in gone]).delete()
        for _pk, name in gone:
            transaction.on_commit(lambda name=name: bundle_storage.delete(name))
        bump_after_commit()  # the history page no longer lists them
    return len(gone)


def bundle_latest() -> Bundle | None:
    return Bundle.objects.order_by("-day").first()


@dataclass(frozen=True)
class Kept:
    """A kept bundle, and until when: for good (the first of its month), or the last day of its KEEP_DAYS."""

    bundle: Bundle
    for_good: bool
    until: dt.date


def bundle_history() -> list[Kept]:
    """Every kept bundle, newest first, with how long it is kept (the history page); one query."""
    rows = list(Bundle.objects.order_by("-day"))
    firsts = month_firsts([row.day for row in rows])
    return [Kept(row, row.day in firsts, row.day + dt.timedelta(days=KEEP_DAYS - 1)) for row in rows]


def published_bundle_files() -> Iterator[PublishedFile]:
    """Every kept bundle, for the daily check of published files (conecta.extensions.register_published_files)."""
    for bundle in Bundle.objects.order_by("day"):
        yield PublishedFile(
            what=gettext("Open data bundle of %(day)s") % {"day": bundle.day.isoformat()},
            storage=bundle_storage,
            name=bundle.file.name,
            sha256=bundle.sha256,
            size=bundle.size,
        )
