"""What a new citizen tripped on (issue 12): contact channels that give a number, an address and hours; a favicon;
the reports in the sitemap; Kichwa quotes that open with “; no staff note on the plan page; an empty agreements
register that says so in a sentence; `make run` and the links of PDFs and files that name the address served."""

import gettext
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from PIL import Image

from conecta.contact import Channels
from feedback.forms import SuggestionForm
from reports.models import Report
from reports.pdf import report_html
from tests.meetings.factories import AgreementFactory, MeetingFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CHANNELS = {
    "CONTACT_PHONE": "(03) 000-0000",
    "CONTACT_WHATSAPP": "099 000 0000",
    "CONTACT_OFFICE_ADDRESS": "Calle de ejemplo, Puyo",
    "CONTACT_OFFICE_HOURS": "lunes a viernes, 08:00–17:00",
    "CONTACT_EMAIL": "participa@example.org",
}


@pytest.fixture
def channels(settings):
    for name, value in CHANNELS.items():
        setattr(settings, name, value)


# Contact channels.


def test_the_offline_block_and_the_footer_give_the_channels_as_links(citizen, channels):
    for path in ("/es/participa/", "/es/"):
        text = citizen.get(path).text
        assert '<a href="tel:030000000">(03) 000-0000</a>' in text, path
        assert '<a href="https://wa.me/593990000000">099 000 0000</a>' in text, path
        assert "Calle de ejemplo, Puyo" in text and "lunes a viernes, 08:00–17:00" in text, path
        assert '<a href="mailto:participa@example.org">participa@example.org</a>' in text, path
    offline = citizen.get("/es/participa/").text.split('id="way-offline"')[1].split("</section>")[0]
    assert "Teléfono" in offline and "Horario de atención" in offline and "tel:" in offline


def test_no_channel_is_shown_until_it_is_set(citizen, settings):
    for name in CHANNELS:
        setattr(settings, name, "")
    settings.CONTACT_WHATSAPP = "099 000 0000"

    text = citizen.get("/es/participa/").text

    assert "wa.me/593990000000" in text
    assert "tel:" not in text and "Horario de atención" not in text and "mailto:participa" not in text
    settings.CONTACT_WHATSAPP = ""
    text = citizen.get("/es/participa/").text
    assert "wa.me" not in text and 'class="channels' not in text and 'class="foot-contact' not in text


def test_the_report_pdf_gives_the_channels(real_plan, settings, channels):
    settings.CONECTA_PLAN_SLUG = real_plan.slug
    report = Report.objects.published().first()

    html = report_html(report, "qu")

    assert '<a href="tel:030000000">(03) 000-0000</a>' in html and "https://wa.me/593990000000" in html
    with translation.override("qu"):
        assert translation.gettext("Opening hours") in html


@pytest.mark.parametrize(
    ("phone", "whatsapp", "tel", "wa"),
    [
        ("(03) 288-5000", "099 123 4567", "tel:032885000", "https://wa.me/593991234567"),
        ("+593 3 288 5000", "+593 99 123 4567", "tel:+59332885000", "https://wa.me/593991234567"),
        ("", "00593 99 123 4567", "", "https://wa.me/593991234567"),
    ],
)
def test_the_links_a_phone_follows(phone, whatsapp, tel, wa):
    channels = Channels(phone=phone, whatsapp=whatsapp)

    assert (channels.phone_href, channels.whatsapp_href) == (tel, wa)


def test_the_spanish_phone_hint_has_ten_digits_like_the_source():
    with translation.override("es"):
        form = SuggestionForm(data={"phone": "abc"}, commitments=[], cantons=[])
        form.is_valid()
    assert "099 123 4567" in str(form.errors["phone"])


# Favicon and sitemap.


def test_the_favicon_is_served_at_the_root_and_linked_from_every_page(citizen):
    response = citizen.get("/favicon.ico")

    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert "max-age" in response["Cache-Control"]
    icon = Image.open(io.BytesIO(response.content))
    assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]
    page = citizen.get("/es/").text
    assert re.search(r'<link rel="icon" href="/static/favicon\.svg[^"]*" type="image/svg\+xml">', page)
    assert (ROOT / "static" / "favicon.svg").read_text().startswith("<svg")


def test_the_reports_are_in_the_sitemap(client, real_plan, settings):
    settings.CONECTA_PLAN_SLUG = real_plan.slug
    report = Report.objects.published().get()

    body = client.get("/sitemap.xml").content.decode()

    for lang in ("es", "qu"):
        assert f"<loc>http://testserver/{lang}/informes/</loc>" in body
        assert f"<loc>http://testserver/{lang}/informes/{report.slug}/</loc>" in body


# Kichwa quotes, the plan page, the agreements register.


def test_kichwa_quotes_open_and_close_like_the_source():
    # The compiled catalogue (the session compiles it before any test): every translation, plurals included.
    with (ROOT / "locale" / "qu" / "LC_MESSAGES" / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    wrong = []
    for msgid, text in catalog.items():
        quotes = re.sub("[^“”]", "", text)
        if re.search("[«»„‹›]", text) or quotes.replace("“”", "") != "":
            wrong.append((msgid, text))
    assert wrong == []


def test_the_kichwa_survey_opens_its_quotes_with_the_right_mark(citizen, real_plan, settings):
    from surveys.models import Survey

    settings.CONECTA_PLAN_SLUG = real_plan.slug
    survey = Survey.objects.published().first()

    text = citizen.get(f"/qu/participa/encuestas/{survey.slug}/").text

    assert "“(kutichinami kan)”" in text
    assert not re.search("[«»„]", text)


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_plan_page_shows_no_staff_note(citizen, real_plan, settings, lang):
    settings.CONECTA_PLAN_SLUG = real_plan.slug

    text = citizen.get(f"/{lang}/plan/").text

    assert "2027" in text
    for note in ("mayo de 2027", "May 2027", "Duration"):
        assert note not in text


def test_an_empty_agreements_register_says_so_without_filters_or_csv(citizen):
    text = citizen.get("/es/reuniones/acuerdos/").text

    assert '<p class="empty">Todavía no se han publicado acuerdos.</p>' in text
    assert 'class="filters"' not in text and "acuerdos.csv" not in text


def test_a_register_with_agreements_keeps_its_filters_and_csv(citizen, commitment):
    AgreementFactory(meeting=MeetingFactory(slug="comite"), commitment=commitment)

    text = citizen.get("/es/reuniones/acuerdos/").text
    filtered = citizen.get("/es/reuniones/acuerdos/?estado=cumplido").text

    assert 'class="filters"' in text and "acuerdos.csv" in text
    assert 'class="filters"' in filtered  # a filter that finds nothing can be cleared


# `make run` and the addresses of PDFs, e-mails and files.


def test_ensure_admin_tells_the_staff_address_served(settings):
    settings.SITE_URL = "http://127.0.0.1:8101"
    out = io.StringIO()

    call_command("ensure_admin", stdout=out)
    call_command("ensure_admin", stdout=out)

    assert out.getvalue().count("http://127.0.0.1:8101/admin/") == 2
    assert ":8000" not in out.getvalue()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_and_links_on_the_port_it_is_given(tmp_path):
    """`make run PORT=8101` with a stand-in Python that prints the SITE_URL each command sees."""
    python = tmp_path / "python"
    python.write_text('#!/bin/sh\necho "SITE_URL=$SITE_URL $*"\n')
    python.chmod(0o755)
    stamp = tmp_path / "installed"
    stamp.touch()  # newer than pyproject.toml: nothing is installed
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}

    def run(*args, **extra):
        command = ["make", "-s", "--no-print-directory", "run", f"PY={python}", f"STAMP={stamp}", *args]
        return subprocess.run(command, cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, check=True)

    lines = run("PORT=8101").stdout.splitlines()
    assert "SITE_URL=http://127.0.0.1:8101 manage.py ensure_admin" in lines
    assert "SITE_URL=http://127.0.0.1:8101 manage.py runserver 127.0.0.1:8101" in lines
    given = run(SITE_URL="https://conecta.example").stdout.splitlines()
    assert "SITE_URL=https://conecta.example manage.py runserver 127.0.0.1:8000" in given


def test_the_readme_tells_the_port_and_the_rule_for_links():
    readme = (ROOT / "README.md").read_text()

    assert "make run PORT=" in readme
    assert "CONTACT_WHATSAPP" in readme and "CONTACT_OFFICE_HOURS" in readme


def test_the_pdf_links_to_the_site_url(real_plan, settings):
    settings.CONECTA_PLAN_SLUG = real_plan.slug
    settings.SITE_URL = "https://conecta.example/"
    report = Report.objects.published().get()

    assert f"https://conecta.example/es/informes/{report.slug}/" in report_html(report, "es")
