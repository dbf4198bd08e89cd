"""What an upload is comes from its bytes, never from its name: PDF, JPEG, PNG and WebP to show; office documents
and CSV tables to download; everything else refused with a message that says what is accepted. Photos lose their
metadata, and no file can make the check itself take unbounded memory or time."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from conecta import uploads
from conecta.files import validate_pdf_upload
from tests.upload_samples import (
    HTML_PAGE,
    SVG_WITH_SCRIPT,
    docx_bytes,
    odf_bytes,
    ole_bytes,
    pdf_bytes,
    pdf_with_object_stream,
    pdf_with_xref_entries,
    photo_with_gps,
    png_bytes,
    png_declaring,
    pptx_bytes,
    xlsx_bytes,
    zip_bytes,
)

MB = 1024 * 1024


def check(name: str, content: bytes, max_bytes: int = 20 * MB) -> uploads.CheckedUpload:
    return uploads.check_upload(SimpleUploadedFile(name, content, content_type="text/html"), max_bytes=max_bytes)


def refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check(name, content)
    return caught.value


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        pytest.param("acta.pdf", pdf_bytes(2), uploads.PDF, id="pdf"),
        pytest.param("foto.pdf", photo_with_gps(), uploads.JPEG, id="a-photo-named-pdf-is-a-photo"),
        pytest.param("plano.png", png_bytes(), uploads.PNG, id="png"),
        pytest.param("foto.webp", photo_with_gps(fmt="WEBP"), uploads.WEBP, id="webp"),
        pytest.param("informe.html", docx_bytes(), uploads.DOCX, id="docx-named-html"),
        pytest.param("avance.xlsx", xlsx_bytes(), uploads.XLSX, id="xlsx"),
        pytest.param("taller.pptx", pptx_bytes(), uploads.PPTX, id="pptx"),
        pytest.param("acta.odt", odf_bytes("application/vnd.oasis.opendocument.text"), uploads.ODT, id="odt"),
        pytest.param("tabla.ods", odf_bytes("application/vnd.oasis.opendocument.spreadsheet"), uploads.ODS,
                     id="ods"),
        pytest.param("acta.doc", ole_bytes("WordDocument", "1Table"), uploads.DOC, id="doc"),
        pytest.param("tabla.xls", ole_bytes("Workbook"), uploads.XLS, id="xls"),
        pytest.param("asistentes.csv", b"parroquia;asistentes\nVeracruz;32\n", uploads.CSV, id="csv"),
        pytest.param("a.csv", "\ufeffcantón,n\nMera,4\r\n".encode(), uploads.CSV, id="csv-with-bom"),
    ],
)
def test_it_takes_a_file_for_what_its_bytes_are(name, content, kind):
    assert check(name, content).kind is kind


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        pytest.param("acta.html", HTML_PAGE, "markup", id="html"),
        pytest.param("acta.pdf", b"  \n" + HTML_PAGE, "markup", id="html-named-pdf"),
        pytest.param("logo.svg", SVG_WITH_SCRIPT, "markup", id="svg-with-script"),
        pytest.param("datos.csv", b"a,b\n1,<img src=x onerror=alert(1)>\n", "markup", id="csv-with-markup"),
        pytest.param("acta.pdf", b"%PDF-1.4\n" + HTML_PAGE, "bad_pdf", id="a-pdf-that-is-a-web-page"),
        pytest.param("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "not_accepted", id="program"),
        pytest.param("run.sh", b"#!/bin/sh\nrm -rf /\n", "not_accepted", id="script"),
        pytest.param("foto.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "not_accepted", id="gif"),
        pytest.param("fotos.zip", zip_bytes({"a.txt": b"x"}), "not_accepted", id="plain-zip"),
        pytest.param("app.docx", zip_bytes({"AndroidManifest.xml": b"x", "classes.dex": b"x"}), "not_accepted",
                     id="apk-named-docx"),
        pytest.param("instalar.msi", ole_bytes("SummaryInformation"), "not_accepted", id="installer"),
        pytest.param("macro.docx", docx_bytes(**{"word/vbaProject.bin": b"x"}), "macros", id="macros"),
        pytest.param("tabla.csv", "a;b\n1;ñ\n".encode("latin-1"), "not_utf8", id="csv-not-utf8"),
        pytest.param("tabla.csv", b"a;b\n1;\x01\n", "not_accepted", id="csv-control-character"),
        pytest.param("foto.jpg", photo_with_gps()[:200], "bad_image", id="truncated-photo"),
    ],
)
def test_it_refuses_anything_else_with_a_message_that_says_what_is_accepted(name, content, code):
    error = refusal(name, content)

    assert error.code == code
    if code in ("markup", "not_accepted"):
        assert "PDF" in error.messages[0] and "CSV" in error.messages[0]


def test_a_photo_is_kept_upright_and_without_gps_position_camera_xmp_or_comment():
    original = photo_with_gps(size=(40, 20), orientation=6)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    kept = check("foto.jpg", original).content

    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG"
    assert image.size == (20, 40)  # turned upright as the orientation said
    assert not image.getexif()
    assert "exif" not in image.info and "xmp" not in image.info and "comment" not in image.info
    for trace in (b"Exif", b"PhoneMaker", b"Puyo", b"casa de la familia", b"xmpmeta"):
        assert trace not in kept


def test_a_webp_photo_loses_its_metadata_too():
    kept = check("foto.webp", photo_with_gps(fmt="WEBP")).content

    image = Image.open(io.BytesIO(kept))
    assert image.format == "WEBP" and image.size == (20, 40)
    assert b"Exif" not in kept and b"Puyo" not in kept


def test_an_image_with_more_pixels_than_allowed_is_refused_before_it_is_decoded(settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 2_000_000

    # Its header alone says 2000 x 1001 pixels; decoding its bogus data would fail as a damaged image instead.
    error = refusal("plano.png", png_declaring(2000, 1001))

    assert error.code == "image_too_large"
    assert "2.0" in error.messages[0]


def test_a_decompression_bomb_is_refused_even_above_the_pixel_bound(settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 10**12  # only Pillow's own bomb check is left to refuse it

    error = refusal("plano.png", png_declaring(30_000, 30_000))

    assert error.code == "image_too_large"


def test_a_pdf_with_more_pages_than_allowed_is_refused(settings):
    settings.UPLOAD_PDF_MAX_PAGES = 3

    error = refusal("acta.pdf", pdf_bytes(4))

    assert error.code == "too_many_pages"
    assert error.params == {"pages": 4, "limit": 3}


def test_a_pdf_whose_streams_unpack_past_the_bound_is_refused_with_a_message(settings):
    settings.UPLOAD_PDF_MAX_STREAM_BYTES = 1 * MB
    assert check("small.pdf", pdf_with_object_stream(1000)).kind is uploads.PDF

    error = refusal("bomb.pdf", pdf_with_object_stream(2 * MB))

    assert error.code == "pdf_too_complex"


def test_a_pdf_listing_more_objects_than_allowed_is_refused(settings):
    settings.UPLOAD_PDF_MAX_OBJECTS = 1000

    error = refusal("acta.pdf", pdf_with_xref_entries(5000))

    assert error.code == "pdf_too_complex"


def test_a_pdf_that_needs_a_password_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secreto", owner_password="dueño", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)

    assert refusal("acta.pdf", out.getvalue()).code == "encrypted_pdf"


def test_fcd_documents_and_minutes_go_through_the_same_pdf_bounds(settings):
    settings.UPLOAD_PDF_MAX_STREAM_BYTES = 1 * MB
    settings.UPLOAD_PDF_MAX_PAGES = 3

    for content, code in [(pdf_with_object_stream(2 * MB), "pdf_too_complex"), (pdf_bytes(4), "too_many_pages")]:
        with pytest.raises(ValidationError) as caught:
            validate_pdf_upload(SimpleUploadedFile("informe.pdf", content))
        assert caught.value.code == code


def test_an_office_document_that_would_unpack_past_the_bound_is_refused(settings):
    settings.UPLOAD_OFFICE_MAX_UNPACKED_BYTES = 10_000

    error = refusal("informe.docx", docx_bytes(body=b"<w:p/>" * 5000))

    assert error.code == "too_large_unpacked"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(ValidationError) as caught:
        check("acta.pdf", pdf_bytes(1), max_bytes=100)

    assert caught.value.code == "too_large"


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("Acta de la reunión.pdf", "Acta de la reunión.pdf"),
        ("C:\\Users\\ana\\fotos\\obra 1.jpg", "obra 1.jpg"),
        ("../../etc/passwd", "passwd"),
        ("factura\u202egpj.exe", "facturagpj.exe"),
        ("  \x00\x1f  ", "archivo"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_the_original_name_is_kept_without_folders_or_invisible_characters(name, kept):
    assert uploads.original_file_name(name) == kept


def test_a_download_is_named_after_the_original_with_the_extension_of_what_it_is():
    assert uploads.download_name("Acta de la reunión.PDF", uploads.JPEG) == "acta-de-la-reunion.jpg"
    assert uploads.download_name("¿?.csv", uploads.CSV) == "archivo.csv"
