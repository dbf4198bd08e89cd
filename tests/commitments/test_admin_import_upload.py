"""The admin's import form refuses files that are not what they claim to be, with a message and never a 500."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import MilestoneFactory

from .admin_helpers import FORMAT_INDEX, admin_url, html, import_preview, spanish, state

pytestmark = pytest.mark.django_db

NOT_UTF8 = "The file is not in UTF-8 encoding. Save it as “CSV UTF-8” and try again."
NOT_TEXT = "This file is not a text file; is it a spreadsheet?"
NOT_SPREADSHEET = "This file is not an %(format)s spreadsheet. Choose the format the file really has."
EMPTY = "The file is empty."
TOO_LARGE = "The file is too large (%(size)s MB). The limit is %(limit)s MB: split it into smaller files."


def png() -> bytes:
    """A real 1×1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture(autouse=True)
def milestone(commitment):
    return MilestoneFactory(commitment=commitment, order=1)


def assert_refused(response, message: str) -> None:
    assert response.status_code == 200
    assert message in response.context["form"].errors["import_file"]
    assert html(message) in response.text
    assert response.context.get("confirm_form") is None
    assert response.context.get("result") is None


def test_a_png_renamed_xlsx_is_refused(planner_client):
    before = state()

    response = import_preview(planner_client, "milestone", png(), "hitos.xlsx", "xlsx")

    assert_refused(response, spanish(NOT_SPREADSHEET, format="XLSX"))
    assert state() == before


def test_a_csv_file_chosen_as_xlsx_is_refused(planner_client):
    response = import_preview(planner_client, "milestone", b"id,compromiso\n1,TEST0001\n", "hitos.xlsx", "xlsx")

    assert_refused(response, spanish(NOT_SPREADSHEET, format="XLSX"))


def test_a_latin1_csv_is_refused_with_a_hint_about_the_encoding(planner_client, commitment):
    content = f"id,compromiso,titulo_es\n,{commitment.code},Capacitación en gestión ambiental\n".encode("latin-1")
    before = state()

    response = import_preview(planner_client, "milestone", content, "hitos.csv", "csv")

    assert_refused(response, spanish(NOT_UTF8))
    assert state() == before


def test_binary_junk_named_csv_is_refused(planner_client):
    junk = bytes(range(256)) * 40

    response = import_preview(planner_client, "milestone", junk, "hitos.csv", "csv")

    assert_refused(response, spanish(NOT_TEXT))


def test_a_png_named_csv_is_refused(planner_client):
    response = import_preview(planner_client, "milestone", png(), "hitos.csv", "csv")

    assert_refused(response, spanish(NOT_TEXT))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_empty_file_is_refused(planner_client, fmt):
    # Django's own FileField refuses an empty upload before our check runs; either way it says the file is empty.
    response = planner_client.post(
        admin_url("milestone", "import"),
        {"resource": "0", "format": FORMAT_INDEX[fmt], "import_file": SimpleUploadedFile(f"hitos.{fmt}", b"")},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    assert errors, "an empty file must be refused"
    assert any(error in {spanish(EMPTY), spanish("The submitted file is empty.")} for error in errors)
    assert response.context.get("confirm_form") is None


def test_a_csv_with_only_the_header_is_refused_as_having_no_data(planner_client):
    response = import_preview(planner_client, "milestone", b"id,compromiso,titulo_es\n", "hitos.csv", "csv")

    assert response.status_code == 200
    assert response.context["form"].errors["import_file"]
    assert response.context.get("confirm_form") is None


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_50_mb_file_is_refused_and_the_message_names_the_limit(planner_client, settings, fmt):
    assert settings.IMPORT_MAX_BYTES == 5 * 1024 * 1024
    head = b"PK\x03\x04" if fmt == "xlsx" else b"id,compromiso\n"
    content = head + b"0" * (50 * 1024 * 1024 - len(head))
    before = state()

    response = import_preview(planner_client, "milestone", content, f"hitos.{fmt}", fmt)

    message = spanish(TOO_LARGE, size=50.0, limit=5.0)
    assert_refused(response, message)
    assert "5.0 MB" in message
    assert state() == before


def test_the_limit_follows_the_setting(planner_client, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024

    response = import_preview(planner_client, "milestone", b"id\n" + b"1\n" * 600_000, "hitos.csv", "csv")

    assert_refused(response, spanish(TOO_LARGE, size=1.1, limit=1.0))


def test_a_csv_whose_sample_ends_inside_a_multibyte_letter_is_accepted(planner_client, commitment):
    """The UTF-8 check reads the first 64 KiB; an accented letter cut in two there is not an encoding error."""
    header = "id,compromiso,orden,peso,titulo_es,descripcion_es,inicio,vencimiento,nivel_irm,avance,publicado\n"
    start = f",{commitment.code},9,1,Hito largo,"
    padding = "a" * (64 * 1024 - len(header) - len(start) - 1)
    content = (header + start + padding + "ñandú,2025-01-01,2025-02-01,not_started,0,no\n").encode()
    assert content[: 64 * 1024].decode("utf-8", errors="replace").endswith("\ufffd")

    response = import_preview(planner_client, "milestone", content, "hitos.csv", "csv")

    assert response.status_code == 200
    assert not response.context["form"].errors
    assert response.context["confirm_form"] is not None
