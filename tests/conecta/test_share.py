"""Share links and link previews (conecta/templatetags/share.py): plain links that carry the title and the absolute
address correctly encoded, no script, and Open Graph / Twitter card tags with absolute addresses on the
commitment, road work, report and "You said, we did" pages, in Spanish and in Kichwa."""

from __future__ import annotations

import gzip
import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from commitments.roles import PLANNER
from conecta.templatetags.share import share_targets
from reports import services as report_services
from reports.periods import Period
from roads.services import road_progress_refresh

from ..factories import MilestoneFactory, UserFactory
from ..feedback.factories import AnsweredSuggestionFactory
from ..feedback.test_answers_page import ANSWERS_QUERIES
from ..roads.factories import RoadProgressFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

SITE = "https://conecta.pastaza.example"
PAGE_BUDGET = 30 * 1024  # gzip, the page with its stylesheet
TITLE = "Vías & puentes: ¿50 % listo? #Pastaza ñan"
URL = f"{SITE}/qu/compromisos/TEST0001/"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def query_of(address: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(address).query, keep_blank_values=True)


def meta(page: str) -> dict[str, str]:
    """The page's Open Graph and Twitter tags: {property or name: content}."""
    found = re.findall(r'<meta (?:property|name)="((?:og|twitter):[\w:]+)" content="([^"]*)">', page)
    return {key: unescape(value) for key, value in found}


def share_hrefs(page: str) -> list[str]:
    block = page[page.index('<div class="share">') :]
    block = block[: block.index("</div>")]
    return [unescape(href) for href in re.findall(r'<a href="([^"]+)"', block)]


def assert_shares(page: str, *, title: str, url: str) -> None:
    """The page's share links carry `title` and `url` exactly, and need no script."""
    assert "<script" not in page.lower()
    whatsapp, facebook, x, email = share_hrefs(page)
    assert whatsapp.startswith("https://wa.me/?") and query_of(whatsapp) == {"text": [f"{title} {url}"]}
    assert facebook.startswith("https://www.facebook.com/sharer/sharer.php?") and query_of(facebook) == {"u": [url]}
    assert x.startswith("https://x.com/intent/post?") and query_of(x) == {"text": [title], "url": [url]}
    assert email.startswith("mailto:?") and query_of(email) == {"subject": [title], "body": [f"{title}\n\n{url}"]}
    assert f'<input type="text" value="{url}" readonly' in page


# The links.


def test_each_link_carries_the_title_and_the_address_percent_encoded():
    links = share_targets(title=TITLE, url=URL)

    assert query_of(links["whatsapp"]) == {"text": [f"{TITLE} {URL}"]}
    assert query_of(links["facebook"]) == {"u": [URL]}
    assert query_of(links["x"]) == {"text": [TITLE], "url": [URL]}
    assert query_of(links["email"]) == {"subject": [TITLE], "body": [f"{TITLE}\n\n{URL}"]}
    for address in links.values():
        # Spaces as %20 (a mail program reads "+" as a plus sign); "&", "#" and "?" of the title never cut it.
        assert " " not in address and "+" not in address and "#" not in address
        assert urlsplit(address).query.count("&") == len(query_of(address)) - 1


def test_the_block_has_accessible_names_safe_links_and_the_address_to_copy_without_script():
    with translation.override("es"):
        html = Template("{% load share %}{% share_links title url %}").render(
            Context({"title": TITLE, "url": "/es/compromisos/TEST0001/"})
        )

    assert "<script" not in html and "onclick" not in html and "onfocus" not in html
    assert html.count('rel="noopener noreferrer"') == 4
    for name in (
        "Compartir en WhatsApp",
        "Compartir en Facebook",
        "Compartir en X",
        "Compartir por correo electrónico",
    ):
        assert f'aria-label="{name}"' in html
    assert '<h2 class="share-h">Compartir</h2>' in html
    # The address is absolute, from SITE_URL (never the request's host), in a read-only box with its label.
    assert re.search(
        rf'<label>Copie la dirección <input type="text" value="{SITE}/es/compromisos/TEST0001/" readonly[^>]*>', html
    )
    assert len(html.encode()) < 1500


def test_a_block_for_an_item_of_a_list_has_no_heading_and_html_titles_are_shared_as_text():
    with translation.override("qu"):
        html = Template('{% load share %}{% share_links title url heading="" %}').render(
            Context({"title": mark_safe("Tom &amp; Ana &lt;3"), "url": "https://x.example/a"})
        )

    assert "<h2" not in html and '<p class="share-h">Rakinakuy</p>' in html
    assert query_of(share_hrefs(html)[0]) == {"text": ["Tom & Ana <3 https://x.example/a"]}


def test_the_tags_need_no_query(django_assert_num_queries):
    template = Template(
        "{% load share %}{% share_meta title=t description=t url=u image=u percent=5 %}{% share_links t u %}"
    )
    with django_assert_num_queries(0):
        template.render(Context({"t": TITLE, "u": "/es/"}))


# The pages.


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_a_commitment_page_has_share_links_and_open_graph_tags_with_absolute_addresses(citizen, commitment, lang):
    commitment.title_qu = "Allpamamata kamana rurana"
    commitment.action_es = "Un programa integral para mejorar la situación ambiental."
    commitment.save()
    MilestoneFactory(commitment=commitment, progress=40)
    title = "Compromiso ambiental" if lang == "es" else "Allpamamata kamana rurana"
    url = f"{SITE}/{lang}/compromisos/TEST0001/"

    page = citizen.get(f"/{lang}/compromisos/TEST0001/").text

    tags = meta(page)
    assert tags["og:title"] == title
    assert tags["og:url"] == url
    assert tags["og:image"] == f"{url}vista-previa.png"
    assert (tags["og:image:width"], tags["og:image:height"], tags["og:image:type"]) == ("1200", "630", "image/png")
    assert title in tags["og:image:alt"] and "40 %" in tags["og:image:alt"]
    assert tags["og:locale"] == {"es": "es_EC", "qu": "qu_EC"}[lang]
    assert tags["og:locale:alternate"] == {"es": "qu_EC", "qu": "es_EC"}[lang]
    assert (tags["og:type"], tags["og:site_name"]) == ("article", "Conecta Pastaza")
    assert tags["og:description"].startswith("Un programa integral")
    # The page's description for search engines is the same, not the site's sentence.
    assert re.search(r'<meta name="description" content="([^"]*)">', page)[1] == tags["og:description"]
    assert tags["twitter:card"] == "summary_large_image"
    assert_shares(page, title=title, url=url)


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_a_road_work_page_has_share_links_and_open_graph_tags(citizen, lang):
    work = RoadWorkFactory(code="VIA-2025-001", name_es="Vía Puyo – Tarqui", name_qu="Puyo – Tarqui ñan")
    RoadProgressFactory(work=work, physical_pct=35)
    road_progress_refresh()
    title = "Vía Puyo – Tarqui" if lang == "es" else "Puyo – Tarqui ñan"
    url = f"{SITE}/{lang}/vias/VIA-2025-001/"

    page = citizen.get(f"/{lang}/vias/VIA-2025-001/").text

    tags = meta(page)
    assert (tags["og:title"], tags["og:url"]) == (title, url)
    assert tags["og:image"] == f"{url}vista-previa.png" and "35 %" in tags["og:image:alt"]
    assert tags["og:locale"] == {"es": "es_EC", "qu": "qu_EC"}[lang]
    assert "VIA-2025-001" in tags["og:description"]
    assert_shares(page, title=title, url=url)


@pytest.fixture
def published_report(plan, commitment, planner, settings):
    """A published quarterly report of `plan` (its PDFs are not rendered: no on-commit callback runs here)."""
    settings.CONECTA_PLAN_SLUG = plan.slug
    MilestoneFactory(commitment=commitment, progress=60)
    report = report_services.report_draft_for_period(plan=plan, period=Period(2025, 3))
    report.summary_es = "Resumen del tercer trimestre."
    report.save()
    reviewer = UserFactory(username="revisora", groups=[PLANNER])
    report_services.report_submit(report=report, by=planner)
    report_services.report_approve(report=report, by=reviewer)
    return report_services.report_publish(report=report, by=planner)


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_a_report_page_has_share_links_and_open_graph_tags(citizen, published_report, lang):
    url = f"{SITE}/{lang}/informes/{published_report.slug}/"

    response = citizen.get(f"/{lang}/informes/{published_report.slug}/")

    with translation.override(lang):
        title = published_report.title
    tags = meta(response.text)
    assert (tags["og:title"], tags["og:url"]) == (title, url)
    assert tags["og:image"] == f"{url}vista-previa.png"
    assert tags["og:locale"] == {"es": "es_EC", "qu": "qu_EC"}[lang]
    assert_shares(response.text, title=title, url=url)


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_each_public_answer_is_shared_by_its_lasting_address(citizen, lang):
    answered = AnsweredSuggestionFactory(text="Arreglen la vía & el puente")
    url = f"{SITE}/{lang}/participa/respuestas/{answered.pk}/"
    said = {"es": "Usted dijo, nosotros hicimos", "qu": "Kanka nirkanki, ñukanchikka rurarkanchik"}[lang]
    quoted = {"es": "«Arreglen la vía & el puente»", "qu": "“Arreglen la vía & el puente”"}[lang]

    page = citizen.get(f"/{lang}/participa/respuestas/").text

    assert f'<li class="said-did" id="answer-{answered.pk}">' in page
    assert_shares(page, title=f"{said}: {quoted}", url=url)
    tags = meta(page)
    assert tags["og:url"] == f"{SITE}/{lang}/participa/respuestas/"
    assert tags["og:image"] == f"{SITE}/{lang}/participa/respuestas/vista-previa.png"
    assert tags["og:title"] == said and tags["og:type"] == "website"


def test_an_answers_lasting_address_leads_to_the_page_and_anchor_where_it_is_today(citizen):
    oldest = AnsweredSuggestionFactory()
    newer = [AnsweredSuggestionFactory() for _n in range(20)]

    assert citizen.get(f"/es/participa/respuestas/{oldest.pk}/")["Location"] == (
        f"/es/participa/respuestas/?page=2#answer-{oldest.pk}"
    )
    assert citizen.get(f"/qu/participa/respuestas/{newer[-1].pk}/")["Location"] == (
        f"/qu/participa/respuestas/#answer-{newer[-1].pk}"
    )
    page_two = citizen.get("/es/participa/respuestas/?page=2").text
    assert f'id="answer-{oldest.pk}"' in page_two


def test_an_answer_that_is_not_public_has_no_lasting_address(citizen):
    private = AnsweredSuggestionFactory(is_public=False)

    assert citizen.get(f"/es/participa/respuestas/{private.pk}/").status_code == 404
    assert citizen.get("/es/participa/respuestas/999999999999/").status_code == 404


def test_the_share_links_add_no_query_to_the_answers_page(citizen, commitment, django_assert_max_num_queries):
    for _n in range(25):
        AnsweredSuggestionFactory().changed_commitments.add(commitment)

    with django_assert_max_num_queries(ANSWERS_QUERIES):
        page = citizen.get("/qu/participa/respuestas/").text

    assert page.count('<div class="share">') == 20


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_a_full_answers_page_with_its_share_links_stays_within_the_weight_budget(citizen, lang):
    for _n in range(20):
        AnsweredSuggestionFactory(text="Pedimos que arreglen la vía entre Puyo y Tarqui antes de las lluvias. " * 3)

    html = citizen.get(f"/{lang}/participa/respuestas/").content
    stylesheet = (Path(django_settings.BASE_DIR) / "static" / "css" / "site.css").read_bytes()

    assert len(gzip.compress(html, 9)) + len(gzip.compress(stylesheet, 9)) <= PAGE_BUDGET
