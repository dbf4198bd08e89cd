"""Evidence files: checked by what their bytes are, stored under random names in a storage with no public
address, and served only by a view (issue 9, "Uploaded files run as pages of the portal").

The data step moves the files uploaded before: each is checked as a new upload would be (a photo is kept
without its metadata), copied under a random name with the extension of what it is, and its SHA-256 and size
are those of the copy. A file of a type that is not accepted is copied too (as .bin) but keeps no content
type: it is never served, and the admin shows it as refused so that staff replace it.

Safe to run twice (a file already under a random name is left alone) and non-destructive: the original files
stay where they were under MEDIA_ROOT (nothing serves that folder any more; remove them once the copies are
checked). Reversing points each evidence back to a copy under its original name, which the old code serves.
"""

import hashlib
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import migrations, models

import commitments.models
from conecta.uploads import check_upload, original_file_name

RANDOM_NAME = re.compile(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.[a-z]{3,4}")


def _storage():
    # The folder both the old and the new code keep evidence files in.
    return FileSystemStorage(location=str(settings.MEDIA_ROOT), base_url=None)


def _digest(storage, name):
    digest, size = hashlib.sha256(), 0
    with storage.open(name, "rb") as stored:
        for chunk in stored.chunks():
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def private_names(apps, schema_editor):
    Evidence = apps.get_model("commitments", "Evidence")
    storage = _storage()
    moved = refused = missing = 0
    for evidence in list(Evidence.objects.exclude(file="").filter(content_type="").order_by("pk")):
        old = evidence.file.name
        if RANDOM_NAME.fullmatch(old):
            continue  # moved by an earlier run and refused then: nothing more to do
        if not storage.exists(old):
            missing += 1
            continue
        with storage.open(old, "rb") as stored:
            upload = File(stored, name=old)
            try:
                checked = check_upload(upload, max_bytes=max(upload.size, 1))
            except ValidationError:
                checked = None
            extension = checked.kind.extension if checked else "bin"
            target = f"evidence/{evidence.created_at:%Y/%m}/{uuid.uuid4().hex}.{extension}"
            content = ContentFile(checked.content) if checked and checked.content is not None else upload
            upload.seek(0)
            new = storage.save(target, content)
        sha256, size = _digest(storage, new)
        Evidence.objects.filter(pk=evidence.pk).update(
            file=new,
            content_type=checked.kind.content_type if checked else "",
            original_name=original_file_name(old),
            sha256=sha256,
            size=size,
        )
        moved += 1
        refused += checked is None
    if moved or missing:
        print(
            f"\n  Evidence files: {moved} copied under random names ({refused} of a type not accepted, shown as "
            f"refused in the admin), {missing} missing. The originals stay under {settings.MEDIA_ROOT}."
        )


def original_names(apps, schema_editor):
    Evidence = apps.get_model("commitments", "Evidence")
    storage = _storage()
    for evidence in list(Evidence.objects.exclude(file="").order_by("pk")):
        current = evidence.file.name
        if not RANDOM_NAME.fullmatch(current) or not storage.exists(current):
            continue
        name = storage.get_valid_name(evidence.original_name or current.rsplit("/", 1)[-1])
        with storage.open(current, "rb") as stored:
            restored = storage.save(f"evidence/{evidence.created_at:%Y/%m}/{name}", File(stored))
        Evidence.objects.filter(pk=evidence.pk).update(file=restored)


class Migration(migrations.Migration):

    dependencies = [
        ("commitments", "0003_canton_map_shape"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="content_type",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="What the file is, read from its content; empty for a file of a type that is not accepted.",
                max_length=100,
                verbose_name="file type",
            ),
        ),
        migrations.AddField(
            model_name="evidence",
            name="original_name",
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name="original file name"),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="file",
            field=models.FileField(
                blank=True,
                help_text=(
                    "A PDF, a photo (JPEG, PNG or WebP), an office document or a table as CSV. Photos are kept "
                    "without their metadata (such as the place where they were taken)."
                ),
                storage=commitments.models.EvidenceStorage(),
                upload_to=commitments.models.evidence_upload_to,
                validators=[commitments.models.validate_evidence_size, commitments.models.validate_evidence_file],
                verbose_name="file",
            ),
        ),
        migrations.RunPython(private_names, original_names),
    ]
