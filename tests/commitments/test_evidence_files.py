"""Evidence files never run as pages of the portal: an upload is taken for what its bytes are (a web page or an
SVG is refused), kept under a random name where nothing serves it directly, and served by a view only while the
evidence is public, with nosniff, a sandboxing policy and, for anything not a PDF or an image, as a download."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from commitments.models import Evidence, evidence_storage
from conecta import uploads
from tests.factories import MilestoneFactory, ProgressUpdateFactory
from tests.upload_samples import HTML_PAGE, SVG_WITH_SCRIPT, docx_bytes, pdf_bytes, photo_with_gps

from .admin_helpers import admin_url, form_data, html, spanish

pytestmark = pytest.mark.django_db

RANDOM_NAME = re.compile(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|jpg|docx|csv)")


@pytest.fixture
def milestone(commitment):
    return MilestoneFactory(commitment=commitment, order=1)


def upload_through_admin(client, milestone, name: str, content: bytes, content_type: str = "application/pdf"):
    """What an implementer's browser posts when they add one evidence file to a milestone in the admin."""
    url = admin_url("milestone", "change", milestone.pk)
    data = form_data(client.get(url))
    data.update(
        {
            "evidence-TOTAL_FORMS": "1",
            "evidence-0-title_es": "Acta de la reunión",
            "evidence-0-milestone": str(milestone.pk),
            "evidence-0-is_published": "on",
            "evidence-0-file": SimpleUploadedFile(name, content, content_type=content_type),
        }
    )
    return client.post(url, data)


def evidence_with(name: str, content: bytes, **fields) -> Evidence:
    """Evidence with an uploaded file, saved as any code path would (the model checks the file)."""
    evidence = Evidence(title_es="Evidencia", file=SimpleUploadedFile(name, content), **fields)
    evidence.save()
    return evidence


def legacy_evidence(name: str, content: bytes, **fields) -> Evidence:
    """Evidence whose file was stored before uploads were checked, under the name it came with."""
    stored = evidence_storage.save(f"evidence/2025/03/{name}", ContentFile(content))
    return Evidence.objects.create(title_es="Evidencia antigua", file=stored, **fields)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# Uploads.


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("acta.html", HTML_PAGE, "text/html"), ("logo.svg", SVG_WITH_SCRIPT, "image/svg+xml")],
)
def test_an_implementer_cannot_upload_a_web_page_or_an_svg_as_evidence(
    implementer_client, milestone, name, content, content_type
):
    response = upload_through_admin(implementer_client, milestone, name, content, content_type)

    assert response.status_code == 200
    assert html(spanish(uploads.MARKUP)) in response.text
    assert not Evidence.objects.exists()


def test_a_web_page_sent_as_a_pdf_is_refused_too(implementer_client, milestone):
    response = upload_through_admin(implementer_client, milestone, "acta.pdf", b"%PDF-1.7\n" + HTML_PAGE)

    assert response.status_code == 200
    assert not Evidence.objects.exists()


def test_a_photo_arrives_upright_without_its_gps_position_under_a_random_name(implementer_client, milestone):
    response = upload_through_admin(
        implementer_client, milestone, "foto de la obra.jpg", photo_with_gps(size=(40, 20)), "image/jpeg"
    )

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert RANDOM_NAME.fullmatch(evidence.file.name)
    assert evidence.original_name == "foto de la obra.jpg"
    assert evidence.content_type == "image/jpeg"
    with evidence_storage.open(evidence.file.name) as stored:
        kept = stored.read()
    image = Image.open(io.BytesIO(kept))
    assert image.size == (20, 40)
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Exif" not in kept and b"PhoneMaker" not in kept
    assert evidence.sha256 == hashlib.sha256(kept).hexdigest()
    assert evidence.size == len(kept)


def test_a_pdf_uploaded_through_the_admin_is_kept_as_it_came(implementer_client, milestone):
    content = pdf_bytes(2)

    response = upload_through_admin(implementer_client, milestone, "Acta Nº 3.pdf", content)

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert RANDOM_NAME.fullmatch(evidence.file.name) and evidence.file.name.endswith(".pdf")
    assert (evidence.original_name, evidence.content_type) == ("Acta Nº 3.pdf", "application/pdf")
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()


# The public view.

FILE_POLICY_PARTS = ("default-src 'none'", "sandbox", "frame-ancestors 'none'")


def assert_safe_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    for part in FILE_POLICY_PARTS:
        assert part in response["Content-Security-Policy"]
    assert "allow-scripts" not in response["Content-Security-Policy"]
    # The pages' own policies (django-csp) leave these responses alone.
    assert "script-src" not in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response


def test_a_public_pdf_opens_in_the_browser_with_nosniff_and_a_sandbox_in_one_query(
    citizen, milestone, django_assert_max_num_queries
):
    evidence = evidence_with("Acta de la reunión.pdf", pdf_bytes(1), milestone=milestone)

    with django_assert_max_num_queries(1):
        response = citizen.get(evidence.get_file_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="acta-de-la-reunion.pdf"'
    assert_safe_headers(response)
    assert response["Cache-Control"] == "public, max-age=86400, immutable"
    assert response["ETag"] == f'"{evidence.sha256}"'
    assert body(response) == pdf_bytes(1)


def test_a_public_photo_is_shown_as_the_image_it_is(citizen, milestone):
    evidence = evidence_with("obra.png", photo_with_gps(), milestone=milestone)

    response = citizen.get(evidence.get_file_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"  # what its bytes are, whatever its name said
    assert response["Content-Disposition"] == 'inline; filename="obra.jpg"'
    assert_safe_headers(response)


@pytest.mark.parametrize(
    ("name", "content", "content_type", "filename"),
    [
        ("Informe final.docx", docx_bytes(), uploads.DOCX.content_type, "informe-final.docx"),
        ("asistencia.csv", b"parroquia;asistentes\nTarqui;25\n", "text/csv; charset=utf-8",
         "asistencia.csv"),
    ],
)
def test_office_documents_and_tables_are_only_downloaded(citizen, milestone, name, content, content_type, filename):
    evidence = evidence_with(name, content, update=ProgressUpdateFactory(commitment=milestone.commitment))

    response = citizen.get(evidence.get_file_url())

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert_safe_headers(response)
    assert body(response) == content


def test_a_browser_that_has_the_file_is_told_it_has_not_changed(citizen, milestone):
    evidence = evidence_with("acta.pdf", pdf_bytes(1), milestone=milestone)

    response = citizen.get(evidence.get_file_url(), headers={"If-None-Match": f'"{evidence.sha256}"'})

    assert response.status_code == 304


@pytest.mark.parametrize(
    ("on", "withdrawn"),
    [
        ("milestone", "evidence"),
        ("milestone", "milestone"),
        ("milestone", "commitment"),
        ("update", "evidence"),
        ("update", "update"),
        ("update", "milestone"),  # an update about an unpublished milestone is not public either
        ("update", "commitment"),
    ],
)
def test_a_file_is_a_404_as_soon_as_its_evidence_or_what_it_backs_is_not_public(citizen, milestone, on, withdrawn):
    update = ProgressUpdateFactory(commitment=milestone.commitment, milestone=milestone)
    evidence = evidence_with("acta.pdf", pdf_bytes(1), **{on: {"milestone": milestone, "update": update}[on]})
    url = evidence.get_file_url()
    assert citizen.get(url).status_code == 200

    record = {"evidence": evidence, "milestone": milestone, "update": update, "commitment": milestone.commitment}
    type(record[withdrawn]).objects.filter(pk=record[withdrawn].pk).update(is_published=False)

    assert citizen.get(url).status_code == 404


def test_guessed_addresses_are_404s_never_errors(citizen, milestone):
    evidence = evidence_with("acta.pdf", pdf_bytes(1), milestone=milestone)
    url = evidence.get_file_url()
    prefix, pk, digest, name = url.rsplit("/", 3)
    guesses = [
        f"{prefix}/{pk}/{digest}/acta.html",
        f"{prefix}/{pk}/{digest}/otro.pdf",
        f"{prefix}/{pk}/{'0' * 16}/{name}",
        f"{prefix}/{pk}/{digest.upper()}/{name}",
        f"{prefix}/{pk}/{digest[:8]}/{name}",
        f"{prefix}/{int(pk) + 1}/{digest}/{name}",
        f"{prefix}/{'9' * 30}/{digest}/{name}",
        f"{prefix}/{'9' * 5000}/{digest}/{name}",
        f"{prefix}/{pk}/{digest}/{'a' * 5000}.pdf",
        f"/es/{evidence.file.name}",
    ]

    for guess in guesses:
        assert citizen.get(guess).status_code == 404, guess


def test_nothing_under_media_is_served_any_more(citizen, milestone):
    evidence = evidence_with("acta.pdf", pdf_bytes(1), milestone=milestone)
    legacy = legacy_evidence("acta.html", HTML_PAGE, milestone=milestone)

    assert citizen.get(f"/media/{evidence.file.name}").status_code == 404
    assert citizen.get(f"/media/{legacy.file.name}").status_code == 404
    assert citizen.get("/media/" + "a" * 5000).status_code in (400, 404)
    assert citizen.get("/media/../../etc/passwd").status_code in (400, 404)


def test_a_file_of_a_type_not_accepted_kept_from_before_is_never_served(citizen, planner_client, milestone):
    legacy = legacy_evidence("acta.html", HTML_PAGE, milestone=milestone)

    assert legacy.get_file_url() == ""
    assert planner_client.get(f"/es/gestion/evidencias/{legacy.pk}/").status_code == 404
    page = citizen.get(milestone.commitment.get_absolute_url()).text
    assert "Evidencia antigua" in page and legacy.file.name not in page

    admin_page = planner_client.get(admin_url("milestone", "change", milestone.pk)).text
    assert html(spanish("Refused: this type of file is not accepted, so it is never shown. Replace it with a PDF, "
                        "a photo (JPEG, PNG or WebP), an office document (DOCX, XLSX, PPTX, ODT, ODS, DOC or XLS) "
                        "or a table as CSV.")) in admin_page


def test_the_commitment_page_links_each_file_through_the_view(citizen, milestone):
    evidence = evidence_with("acta.pdf", pdf_bytes(1), milestone=milestone)

    page = citizen.get(milestone.commitment.get_absolute_url()).text

    assert f'href="{evidence.get_file_url()}"' in page
    assert "/media/" not in page


# Staff.


def test_staff_get_unpublished_files_as_downloads_that_no_cache_keeps(planner_client, monitor_client, milestone):
    evidence = evidence_with("acta.pdf", pdf_bytes(1), milestone=milestone, is_published=False)
    url = f"/es/gestion/evidencias/{evidence.pk}/"

    for client in (planner_client, monitor_client):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="acta.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert_safe_headers(response)


def test_an_implementer_gets_only_the_files_of_what_their_department_leads(
    implementer_client, other_implementer_client, citizen, milestone
):
    evidence = evidence_with("acta.pdf", pdf_bytes(1), milestone=milestone, is_published=False)
    url = f"/es/gestion/evidencias/{evidence.pk}/"

    assert implementer_client.get(url).status_code == 200
    assert other_implementer_client.get(url).status_code == 404
    assert citizen.get(url).status_code == 302  # to the staff sign-in


def test_the_admin_links_the_stored_file_through_the_staff_view(implementer_client, milestone):
    evidence = evidence_with("Acta de la reunión.pdf", pdf_bytes(1), milestone=milestone)

    page = implementer_client.get(admin_url("milestone", "change", milestone.pk)).text

    assert f'href="/es/gestion/evidencias/{evidence.pk}/"' in page
    assert "Acta de la reunión.pdf" in page
    assert 'href="None"' not in page and "/media/" not in page
