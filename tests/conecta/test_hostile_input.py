"""Every public page, in both languages, against hostile or nonsense query strings and addresses.

Whatever comes in, a page answers 200, a redirect or a 404 (never a 500), echoes nothing unescaped (no public
page carries any <script> at all), and stays in the language of its address.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from commitments.models import Canton, Commitment

pytestmark = pytest.mark.django_db

LANGUAGES = ("es", "qu")
OTHER = {"es": "qu", "qu": "es"}
SCRIPT = "<script>alert(1)</script>"

HOSTILE_QUERIES = [
    "",
    "?page=999999999999",
    "?page=-1",
    "?page=0",
    "?page=abc",
    "?page=1e9",
    "?page=99999999999999999999999999999999",
    "?page=1&page=2&page=-5",
    "?p=abc",
    "?p=-1",
    "?p=999999",
    "?q=" + quote(SCRIPT),
    "?q=" + SCRIPT,
    "?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "?q=" + quote("' OR 1=1 --"),
    "?q=%00",
    "?q=a%00b%00",
    "?q=" + quote("ñ" * 5000),
    "?q=" + quote("🙂Ñandú ñawpaman"),
    "?q=" + quote("\u202eRTL"),
    "?q=%F0%9F",  # a truncated UTF-8 sequence
    "?q=%25%25%25",
    "?q=+++",
    "?q=a&q=" + quote(SCRIPT) + "&q=b",
    "?eje=nonsense",
    "?eje=" + quote(SCRIPT),
    "?eje=biophysical&eje=economic_productive",
    "?nivel=../../etc/passwd",
    "?nivel=" + quote("limited' OR '1'='1"),
    "?institucion=%FF%FE",
    "?institucion=" + quote("../../admin/"),
    "?canton[]=x&canton=1&canton=2",
    "?canton=" + quote(SCRIPT),
    "?valor=" + "x" * 10000,
    "?valor=__proto__",
    "?orden=-id;DROP",
    "?orden=" + quote("-id; DROP TABLE commitments_commitment; --"),
    "?orden=search_text",
    "?orden=-pk",
    "?utm_source=x&fbclid=y&__proto__=z&" + quote(SCRIPT) + "=1",
    "?" + "&".join(f"k{n}=v{n}" for n in range(300)),
    "?eje=biophysical&nivel=limited&institucion=gadp-pastaza&canton=pastaza&valor=civic-participation"
    "&orden=mas-avance&q=agua&page=2",
    # Valid filters beside hostile ones.
    "?eje=biophysical&q=%00&orden=fin&page=-3",
    "?canton=pastaza&canton=" + quote(SCRIPT) + "&valor=access-to-information&page=abc",
    "?institucion=gadp-pastaza&orden=titulo&page=999999999999&q=" + quote("ñ" * 300),
    # The participation pages' parameters.
    "?compromiso=ECPTZ0001&accion=evaluar",
    "?compromiso=" + quote(SCRIPT) + "&accion=" + quote(SCRIPT),
    "?compromiso=%00&accion=evaluar",
    "?compromiso=SECR0001&compromiso=ECPTZ0001",
    "?codigo=" + quote(SCRIPT),
    "?codigo=%00",
    "?codigo=" + "Z" * 5000,
    "?codigo=" + quote("' OR 1=1 --"),
    "?codigo=ABCD-1234&codigo=x",
    "?language=qu&lang=es",
    "?format=json&callback=" + quote(SCRIPT),
]

# Pages whose address carries no language: it is read from the browser's Accept-Language.
UNPREFIXED = {"sitemap", "robots", "healthz", "root"}


@pytest.fixture
def demo(real_plan, settings):
    settings.CONECTA_PLAN_SLUG = real_plan.slug
    return real_plan


def page_urls(plan) -> dict[str, str]:
    """Every public page, with `{lang}` for its language prefix."""
    commitment = Commitment.objects.published().filter(plan=plan).order_by("order").first()
    canton = Canton.objects.order_by("code").first()
    with translation.override("es"):
        named = {
            "home": reverse("commitments:home"),
            "list": reverse("commitments:list"),
            "detail": reverse("commitments:detail", kwargs={"code": commitment.code}),
            "institution": reverse("commitments:institution", kwargs={"slug": commitment.lead_institution.slug}),
            "territory": reverse("commitments:territory"),
            "canton": reverse("commitments:canton", kwargs={"slug": canton.slug}),
            "plan": reverse("meetings:plan"),
            "accessibility": reverse("accessibility"),
            "privacy": reverse("privacy"),
            "feed_updates": reverse("commitments:feed_updates"),
            "feed_commitment": reverse("commitments:feed_commitment", kwargs={"code": commitment.code}),
            "participate": reverse("feedback:participate"),
            "suggest": reverse("feedback:suggest"),
            "track": reverse("feedback:track"),
            "answers": reverse("feedback:answers"),
            "choose": reverse("feedback:choose"),
            "comment": reverse("feedback:comment", kwargs={"code": commitment.code}),
            "comments": reverse("feedback:comments", kwargs={"code": commitment.code}),
            "evaluate": reverse("feedback:evaluate", kwargs={"code": commitment.code}),
        }
    urls = {name: url.replace("/es/", "/{lang}/", 1) for name, url in named.items()}
    urls.update(sitemap=reverse("sitemap"), robots=reverse("robots"), healthz=reverse("healthz"), root=reverse("root"))
    return urls


PAGES = [
    "home",
    "list",
    "detail",
    "institution",
    "territory",
    "canton",
    "plan",
    "accessibility",
    "privacy",
    "feed_updates",
    "feed_commitment",
    "sitemap",
    "robots",
    "healthz",
    "root",
    # The participation pages (the feedback app) are public too: their forms, answers and tracking page.
    "participate",
    "suggest",
    "track",
    "answers",
    "choose",
    "comment",
    "comments",
    "evaluate",
]
# What each page answers with no query string (the others: 200).
PLAIN_STATUS = {"choose": 302, "root": 302}


def check(response, *, url: str, lang: str, page: str) -> list[str]:
    """What is wrong with this answer (nothing, hopefully)."""
    problems = []
    body = response.content
    if response.status_code not in (200, 301, 302, 404):
        problems.append(f"{url}: status {response.status_code}")
    if b"<script" in body.lower():
        problems.append(f"{url}: a <script> in the body")
    if response.status_code in (301, 302):
        location = response["Location"]
        if page == "root" and location != f"/{lang}/":
            problems.append(f"{url}: redirected to {location}")
        elif page not in UNPREFIXED and not location.startswith((f"/{lang}/", f"http://testserver/{lang}/")):
            problems.append(f"{url}: redirected out of its language to {location}")
    elif page.startswith("feed") and response.status_code == 200:
        if f'xml:lang="{lang}"'.encode() not in body:
            problems.append(f"{url}: the feed is not in {lang}")
    elif page not in UNPREFIXED or response.status_code == 404:
        if f'<html lang="{lang}"'.encode() not in body:
            problems.append(f"{url}: not in {lang}")
    return problems


class NulBytes:
    """Records the queries that would send a NUL byte to the database.

    PostgreSQL (production) refuses any text holding one and the request fails with a 500, while SQLite (the
    tests) takes it: so no query may carry one, whatever database the tests run on.
    """

    def __init__(self):
        self.found: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        rows = params if many else [params]
        for row in rows or []:
            values = row.values() if isinstance(row, dict) else row or []
            if any(isinstance(value, str) and "\x00" in value for value in values):
                self.found.append(sql[:120])
        return execute(sql, params, many, context)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_survives_hostile_query_strings_in_both_languages(client, demo, page):
    template = page_urls(demo)[page]
    problems = []
    for lang in LANGUAGES:
        path = template.format(lang=lang)
        for query in HOSTILE_QUERIES:
            url = path + query
            # The browser asks for the other language: a prefixed address must win over it.
            accept = lang if page in UNPREFIXED else OTHER[lang]
            nul_bytes = NulBytes()
            try:
                with connection.execute_wrapper(nul_bytes):
                    response = client.get(url, HTTP_ACCEPT_LANGUAGE=accept)
            except Exception as exc:  # noqa: BLE001 - collected, so that one run shows every failure
                problems.append(f"{url[:200]}: {exc!r}")
                continue
            problems += check(response, url=url[:200], lang=lang, page=page)
            problems += [f"{url[:200]}: a NUL byte sent to the database in {sql}" for sql in nul_bytes.found]
            if query == "":
                assert response.status_code == PLAIN_STATUS.get(page, 200), f"{url} answered {response.status_code}"
    assert problems == []


@pytest.mark.parametrize(
    "path",
    [
        "/{lang}/compromisos/NOPE0000/",
        "/{lang}/compromisos/nope0000/",
        "/{lang}/compromisos/NOPE0000/feed/",
        "/{lang}/compromisos/" + "X" * 500 + "/",
        "/{lang}/compromisos/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
        "/{lang}/compromisos/ECPTZ0001%00/",
        "/{lang}/compromisos/..%2F..%2Fetc%2Fpasswd/",
        "/{lang}/instituciones/nope/",
        "/{lang}/instituciones/" + "a" * 500 + "/",
        "/{lang}/territorio/nope/",
        "/{lang}/territorio/%FF%FE/",
        "/{lang}/no-existe/",
        "/{lang}/novedades/",
        "/{lang}/compromisos/ECPTZ0001/feed/extra/",
    ],
)
def test_an_unknown_address_is_a_not_found_page_in_its_language(client, demo, path):
    for lang in LANGUAGES:
        nul_bytes = NulBytes()
        with connection.execute_wrapper(nul_bytes):
            response = client.get(path.format(lang=lang), HTTP_ACCEPT_LANGUAGE=OTHER[lang])

        assert nul_bytes.found == []
        assert response.status_code == 404, path
        assert f'<html lang="{lang}"'.encode() in response.content
        assert b"<script" not in response.content.lower()


def test_the_kichwa_not_found_page_is_in_kichwa(client, demo):
    response = client.get("/qu/compromisos/NOPE0000/")

    assert response.status_code == 404
    assert b'<html lang="qu"' in response.content


@pytest.mark.parametrize("page", ["home", "list", "detail", "feed_updates", "sitemap"])
def test_a_head_request_answers_like_a_get(client, demo, page):
    url = page_urls(demo)[page].format(lang="qu")

    response = client.head(url)

    assert response.status_code == 200
    assert response.content == b""
