"""What is not published never reaches the public: a crawl of every public page in both languages.

Beside `load_demo`'s plan it writes an unpublished commitment, an unpublished milestone, an unpublished update,
an update about the unpublished milestone, an update of the unpublished commitment and unpublished evidence, each
with a unique SECRETO marker; then it follows every same-site link from /es/ and /qu/ (plus the feeds and the
sitemap's addresses) and looks for the markers in every answer.
"""

from __future__ import annotations

from collections import deque
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlencode, urlsplit

import pytest
from django.utils import timezone

from commitments.models import Canton, Commitment, Evidence, Milestone, OgpValue
from feedback.models import Comment, Moderation, SuggestionReply
from meetings.models import Agreement, Meeting

from ..factories import CommitmentFactory, InstitutionFactory, MilestoneFactory, ProgressUpdateFactory
from ..feedback.factories import AnsweredSuggestionFactory
from ..surveys.factories import QuestionFactory, SurveyFactory, respond

pytestmark = pytest.mark.django_db

MAX_PAGES = 400
TEXT_BOXES = ("text", "search")
SECRETS = (
    "SECRETO-C",
    "SECRETO-M",
    "SECRETO-U",
    "SECRETO-UM",
    "SECRETO-UC",
    "SECRETO-E",
    "SECRETO-MT",
    "SECRETO-CM",
    "SECRETO-AG",
    "SECRETO-SV",
    "SECRETO-SR",
    "SECRETO-RP",
)
HIDDEN_CODE = "SECR0001"


class Links(HTMLParser):
    """The page's links, and what its GET forms would ask for: each option of each select, and "SECRETO" typed
    into each text box (the search must not find what is hidden; the page may echo the word itself)."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self._form: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("a", "link") and a.get("href"):
            self.hrefs.append(a["href"])
        elif tag == "form" and a.get("method", "get").lower() == "get":
            self._form = a.get("action") or ""
        elif self._form is not None and tag == "select":
            self._select = a.get("name")
        elif self._form is not None and tag == "option" and self._select and a.get("value"):
            self.hrefs.append(f"{self._form}?{urlencode({self._select: a['value']})}")
        elif self._form is not None and tag == "input" and a.get("name") and a.get("type", "text") in TEXT_BOXES:
            self.hrefs.append(f"{self._form}?{urlencode({a['name']: 'SECRETO'})}")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def same_site_links(html: str, base: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        href = urldefrag(href)[0]
        parts = urlsplit(href)
        if parts.scheme in ("http", "https") and parts.netloc == "testserver":
            href = href.split("testserver", 1)[1]
        elif parts.scheme or parts.netloc:
            continue  # another site, mailto:, tel:
        if not href or href.startswith("?"):
            href = urlsplit(base).path + href
        elif not href.startswith("/"):
            href = base.rsplit("/", 1)[0] + "/" + href
        if href.startswith(("/admin/", "/media/", "/static/")):
            continue
        found.append(href)
    return found


@pytest.fixture
def secrets(real_plan, settings):
    settings.CONECTA_PLAN_SLUG = real_plan.slug
    shown = Commitment.objects.published().filter(plan=real_plan).order_by("order").first()
    shown_milestone = Milestone.objects.published().filter(commitment=shown).first()

    # Institutions have no publication flag: this one's page is public, but must not show what it leads.
    secret_lead = InstitutionFactory(slug="institucion-secreta", name_es="Institución que solo lidera lo oculto")
    hidden = CommitmentFactory(
        code=HIDDEN_CODE,
        plan=real_plan,
        title_es="SECRETO-C",
        title_qu="SECRETO-C",
        problem_es="SECRETO-C",
        lead_institution=secret_lead,
        lead_department=shown.lead_department,
        is_published=False,
    )
    hidden.cantons.set(Canton.objects.all())
    hidden.ogp_values.set(OgpValue.objects.all())
    hidden.supporting_institutions.set(shown.supporting_institutions.all())
    ProgressUpdateFactory(commitment=hidden, title_es="SECRETO-UC", text_es="SECRETO-UC", is_published=True)
    MilestoneFactory(commitment=hidden, order=1, title_es="SECRETO-C milestone", is_published=True)

    hidden_milestone = MilestoneFactory(
        commitment=shown,
        order=99,
        title_es="SECRETO-M",
        title_qu="SECRETO-M",
        description_es="SECRETO-M",
        due_on=date(2026, 12, 31),
        progress=80,
        is_published=False,
    )
    ProgressUpdateFactory(
        commitment=shown,
        title_es="SECRETO-U",
        title_qu="SECRETO-U",
        text_es="SECRETO-U",
        occurred_on=date(2026, 1, 15),
        is_published=False,
    )
    ProgressUpdateFactory(
        commitment=shown,
        milestone=hidden_milestone,
        title_es="SECRETO-UM",
        text_es="SECRETO-UM",
        occurred_on=date(2026, 1, 16),
        is_published=True,
    )
    Evidence.objects.create(
        milestone=shown_milestone, title_es="SECRETO-E", url="https://example.org/SECRETO-E", is_published=False
    )
    # The participation side: an unpublished meeting of the plan, a citizen's comment still awaiting moderation.
    Meeting.objects.create(
        slug="reunion-secreta",
        plan=real_plan,
        kind=Meeting.Kind.STEERING_COMMITTEE,
        title_es="SECRETO-MT",
        summary_es="SECRETO-MT",
        date=date(2025, 6, 1),
        is_published=False,
    )
    Comment.objects.create(commitment=shown, text="SECRETO-CM")
    # An agreement of that unpublished meeting (linked to a shown commitment), a draft survey, a closed survey's
    # free-text answer still awaiting moderation, and a citizen's private reply to a public answer.
    Agreement.objects.create(
        meeting=Meeting.objects.get(slug="reunion-secreta"),
        text_es="SECRETO-AG",
        owner_es="SECRETO-AG",
        commitment=shown,
    )
    draft = SurveyFactory(
        slug="encuesta-secreta", title_es="SECRETO-SV", description_es="SECRETO-SV", is_published=False
    )
    QuestionFactory(survey=draft, text_es="SECRETO-SV", kind="text")
    closed = SurveyFactory(
        slug="encuesta-cerrada",
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(days=1),
    )
    QuestionFactory(survey=closed, order=1, kind="text")
    respond(closed, moderation=Moderation.PENDING, q1="SECRETO-SR")
    answered = AnsweredSuggestionFactory(commitment=shown, public_summary="Una sugerencia pública")
    SuggestionReply.objects.create(
        suggestion=answered, text="SECRETO-RP", submission_token="secret-reply-token-00000001"
    )
    return {"shown": shown, "hidden": hidden, "secret_lead": secret_lead}


def crawl(client, start: list[str]) -> dict[str, tuple[int, bytes]]:
    seen: dict[str, tuple[int, bytes]] = {}
    queue = deque(start)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = (response.status_code, response.content)
        content_type = response.get("Content-Type", "")
        if response.status_code in (301, 302):
            queue.append(response["Location"])
        elif response.status_code == 200 and content_type.startswith("text/html"):
            queue.extend(link for link in same_site_links(response.content.decode(), url) if link not in seen)
    return seen


def sitemap_paths(client) -> list[str]:
    import xml.etree.ElementTree as ET

    urlset = ET.fromstring(client.get("/sitemap.xml").content)
    return [
        loc.text.removeprefix("http://testserver")
        for loc in urlset.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]


def test_no_unpublished_text_appears_on_any_public_page(client, secrets):
    shown = secrets["shown"]
    start = ["/", "/es/", "/qu/", "/sitemap.xml", "/robots.txt", "/es/plan/", "/qu/plan/"]
    for lang in ("es", "qu"):
        start += [
            f"/{lang}/participa/compromisos/{shown.code}/comentarios/",
            f"/{lang}/novedades/feed/",
            f"/{lang}/compromisos/{shown.code}/feed/",
            f"/{lang}/instituciones/{secrets['secret_lead'].slug}/",
            f"/{lang}/reuniones/acuerdos.csv",
            f"/{lang}/participa/encuestas/encuesta-cerrada/resultados.csv",
            f"/{lang}/participa/encuestas/encuesta-secreta/",
        ]
    start += sitemap_paths(client)
    # The open data: the whole-catalogue files, and the API's lists (the catalogue page links every download).
    start += ["/es/datos/", "/datos/datapackage.json", "/datos/dcat.jsonld", "/datos/dcat.ttl", "/api/v1/"]
    start += [
        f"/api/v1/{name}/"
        for name in (
            "plans",
            "commitments",
            "milestones",
            "updates",
            "indicators",
            "institutions",
            "cantons",
            "parishes",
            "reports",
            "meetings",
            "agreements",
            "road-works",
            "road-requests",
        )
    ]

    pages = crawl(client, start)
    print(f"crawled {len(pages)} addresses")

    assert len(pages) > 40  # the crawl did reach the site
    assert any(url.startswith("/qu/compromisos/") for url in pages)
    assert any("q=SECRETO" in url for url in pages)  # the search was tried
    assert any(url.endswith(".json") and url.startswith("/datos/") for url in pages)  # the downloads were read
    assert all(pages[f"/api/v1/{name}/"][0] == 200 for name in ("commitments", "milestones", "road-requests"))
    leaks = [
        f"{url}: {secret}" for url, (_status, body) in pages.items() for secret in SECRETS if secret.encode() in body
    ]
    assert leaks == []
    assert not [url for url in pages if HIDDEN_CODE in url.upper()]
    assert not [url for url, (status, _body) in pages.items() if status >= 500]


def test_the_unpublished_commitment_is_not_found_in_either_language(client, secrets):
    for lang in ("es", "qu"):
        for url in (
            f"/{lang}/compromisos/{HIDDEN_CODE}/",
            f"/{lang}/compromisos/{HIDDEN_CODE.lower()}/",
            f"/{lang}/compromisos/{HIDDEN_CODE}/feed/",
        ):
            response = client.get(url)

            assert response.status_code == 404, url
            assert b"SECRETO" not in response.content
