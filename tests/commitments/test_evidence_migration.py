"""The migration that moves the evidence files uploaded before uploads were checked: each is checked as a new
upload would be, copied under a random name (a photo without its metadata), and one of a type not accepted stays
stored but is never served. Running it twice changes nothing more; undoing it loses nothing."""

from __future__ import annotations

import hashlib
import importlib
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from PIL import ExifTags, Image

from commitments.models import Evidence
from tests.factories import MilestoneFactory
from tests.upload_samples import HTML_PAGE, pdf_bytes, photo_with_gps

BEFORE = [("commitments", "0003_canton_map_shape")]
AFTER = [("commitments", "0004_evidence_private_files")]
RANDOM_NAME = re.compile(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|jpg|bin)")

migration = importlib.import_module("commitments.migrations.0004_evidence_private_files")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return FileSystemStorage(location=tmp_path)


@pytest.fixture
def before(transactional_db, commitment, media):
    """The database as it was before the migration, with four evidence files: a PDF, a photo with its GPS
    position, a web page, and one whose file is missing."""
    milestone = MilestoneFactory(commitment=commitment, order=1)
    apps = migrate(BEFORE)
    OldEvidence = apps.get_model("commitments", "Evidence")
    files = {"acta.pdf": pdf_bytes(1), "foto de la obra.jpg": photo_with_gps(), "acta.html": HTML_PAGE}
    rows = {}
    for name, content in files.items():
        stored = media.save(f"evidence/2025/03/{name}", ContentFile(content))
        rows[name] = OldEvidence.objects.create(milestone_id=milestone.pk, title_es=name, file=stored).pk
    rows["perdido.pdf"] = OldEvidence.objects.create(
        milestone_id=milestone.pk, title_es="perdido", file="evidence/2025/03/perdido.pdf"
    ).pk
    yield rows, files
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_it_moves_each_file_under_a_random_name_as_what_it_is(before, media):
    rows, files = before

    migrate(AFTER)

    pdf, photo, page, missing = (Evidence.objects.get(pk=rows[name]) for name in rows)
    assert (pdf.content_type, pdf.original_name) == ("application/pdf", "acta.pdf")
    assert RANDOM_NAME.fullmatch(pdf.file.name) and pdf.file.name.endswith(".pdf")
    assert pdf.sha256 == hashlib.sha256(files["acta.pdf"]).hexdigest()
    assert pdf.get_file_url()

    kept = media.open(photo.file.name).read()
    assert (photo.content_type, photo.original_name) == ("image/jpeg", "foto de la obra.jpg")
    assert not Image.open(io.BytesIO(kept)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert (photo.sha256, photo.size) == (hashlib.sha256(kept).hexdigest(), len(kept))

    # Kept (as .bin, never as .html), but never served: the admin shows it as refused.
    assert page.content_type == "" and page.file.name.endswith(".bin") and media.exists(page.file.name)
    assert page.get_file_url() == ""

    assert (missing.file.name, missing.content_type) == ("evidence/2025/03/perdido.pdf", "")

    # Nothing is lost: the originals stay where they were.
    for name in files:
        assert media.exists(f"evidence/2025/03/{name}")


def test_running_it_twice_changes_nothing(before, media):
    rows, _files = before
    apps = migrate(AFTER)
    first = list(Evidence.objects.order_by("pk").values())
    stored = sorted(media.listdir("evidence/2025/03")[1])

    migration.private_names(apps, None)

    assert list(Evidence.objects.order_by("pk").values()) == first
    assert sorted(media.listdir("evidence/2025/03")[1]) == stored


def test_undoing_it_points_each_evidence_back_to_a_file_under_its_own_name(before, media):
    rows, files = before
    migrate(AFTER)
    kept = {pk: media.open(name).read() for pk, name in Evidence.objects.exclude(content_type="").values_list(
        "pk", "file")}

    apps = migrate(BEFORE)

    OldEvidence = apps.get_model("commitments", "Evidence")
    names = dict(OldEvidence.objects.values_list("pk", "file"))
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/acta(_\w+)?\.pdf", names[rows["acta.pdf"]])
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/foto_de_la_obra(_\w+)?\.jpg", names[rows["foto de la obra.jpg"]])
    for pk, content in kept.items():
        assert media.open(names[pk]).read() == content
