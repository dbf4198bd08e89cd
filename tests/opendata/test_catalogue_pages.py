"""The open-data catalogue's pages (/datos/, /datos/<key>/) in Spanish and Kichwa, and the downloads
(/datos/<key>.csv, .es.csv, .json, .xlsx): what they show, their headers, that what a page says of a file is what the
file is, their weight and queries, and that no download ever holds what someone wrote to reach the government."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from commitments.models import Canton
from opendata import datasets, distributions
from opendata.datasets import Column, Dataset, ForeignKey
from tests.factories import CantonFactory
from tests.feedback.factories import AnsweredSuggestionFactory
from tests.roads.factories import RoadRequestFactory

from .test_distributions import make_dataset

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 30 * 1024  # gzip, the page with its stylesheet
# The catalogue page with every dataset's build cached reads nothing from the database.
CATALOGUE_QUERIES_CACHED = 0
# A dataset page built afresh: what the dataset's own rows() read (one query for the cantons below), nothing more.
DATASET_QUERIES = 1


def canton_rows():
    for canton in Canton.objects.order_by("code"):
        yield {"codigo": canton.code, "nombre": canton.name_es, "poblacion": canton.population_2022}


CANTONS = Dataset(
    key="prueba-cantones",
    title="Cantones de prueba",
    description="Los cantones, para las pruebas del catálogo.",
    theme="plan",
    columns=(
        Column("codigo", "string", "Código INEC del cantón", required=True),
        Column("nombre", "string", "Nombre del cantón"),
        Column("poblacion", "integer", "Población en el censo de 2022"),
    ),
    rows=canton_rows,
    primary_key=("codigo",),
)
WITH_EXAMPLES = make_dataset(key="prueba-ejemplos", theme="roads", title="Datos con ejemplos")
REFERRING = make_dataset(
    [{"codigo": "X", "canton": "1601"}],
    key="prueba-referencias",
    columns=(Column("codigo", "string", "Código"), Column("canton", "string", "Cantón")),
    foreign_keys=(ForeignKey(("canton",), "prueba-cantones", ("codigo",)),),
)


@pytest.fixture
def only_ours(monkeypatch):
    """The catalogue holds only the test's datasets (the real ones are tested at the end of this file)."""
    monkeypatch.setattr(datasets, "_datasets", {})
    datasets.register(CANTONS, WITH_EXAMPLES, REFERRING)


@pytest.fixture
def cached(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def cantons(count: int) -> None:
    for n in range(count):
        CantonFactory(code=f"16{n + 1:02d}", name_es=f"Cantón {n + 1}", population_2022=1000 + n)


def page_and_stylesheet_gzip(html: bytes) -> int:
    stylesheet = (Path(django_settings.BASE_DIR) / "static" / "css" / "site.css").read_bytes()
    assert b"css/site" in html
    return len(gzip.compress(html, 9)) + len(gzip.compress(stylesheet, 9))


def download_links(html: str) -> list[str]:
    """The links to the test datasets' files (not to the whole catalogue's datapackage.json)."""
    return re.findall(r'href="(/datos/prueba-[^"/]+\.(?:es\.csv|csv|json|xlsx))"', html)


# The catalogue page.


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_catalogue_lists_each_dataset_by_theme_with_its_files(citizen, only_ours, lang):
    cantons(3)

    response = citizen.get(f"/{lang}/datos/")

    assert response.status_code == 200
    html = response.text
    assert f'<html lang="{lang}">' in html
    assert f'<a href="/{lang}/datos/prueba-cantones/">Cantones de prueba</a>' in html
    assert "Los cantones, para las pruebas del catálogo." in html
    # Themes in order: the plan's first, then roads.
    assert html.index('id="theme-plan"') < html.index('id="theme-roads"')
    assert 'id="theme-meetings"' not in html  # a theme with no dataset has no section
    assert set(download_links(html)) == {
        f"/datos/{key}.{fmt}"
        for key in ("prueba-cantones", "prueba-ejemplos", "prueba-referencias")
        for fmt in ("csv", "es.csv", "json", "xlsx")
    }
    assert 'href="https://creativecommons.org/licenses/by/4.0/deed.es" rel="license" hreflang="es"' in html
    assert "Gobierno Autónomo Descentralizado Provincial de Pastaza. <cite>Cantones de prueba</cite>" in html
    for standard in ("/vias/oc4ids.json", "/vias/obras.geojson", "/open311/v2/discovery.json"):
        assert f'href="{standard}"' in html


def test_the_catalogue_links_the_whole_catalogues_files(citizen, only_ours):
    html = citizen.get("/qu/datos/").text

    for address in ("/datos/datapackage.json", "/datos/dcat.jsonld", "/datos/dcat.ttl", "/qu/datos/historial/"):
        assert f'href="{address}"' in html


@pytest.mark.parametrize("url", ["/es/", "/qu/vias/", "/es/datos/"])
def test_every_page_names_the_dcat_catalogue_as_an_alternate(citizen, only_ours, url):
    head = citizen.get(url, follow=True).text.split("</head>")[0]

    assert '<link rel="alternate" type="application/ld+json"' in head
    assert 'href="/datos/dcat.jsonld"' in head


def test_the_catalogue_flags_the_datasets_with_example_data(citizen, only_ours):
    html = citizen.get("/es/datos/").text

    examples = html.index("Datos con ejemplos")
    assert "datos de ejemplo" in html[examples : examples + 300]
    cantons_entry = html.index("Cantones de prueba</a>")
    assert "datos de ejemplo" not in html[cantons_entry : cantons_entry + 80]


def test_the_catalogue_speaks_kichwa_on_its_kichwa_page(citizen, only_ours):
    spanish, kichwa = citizen.get("/es/datos/").text, citizen.get("/qu/datos/").text

    assert "Datos abiertos" in spanish
    assert "Paskashka willaykuna" in kichwa
    assert "Condiciones de reutilización" not in kichwa


def test_the_footer_links_the_catalogue(citizen, only_ours):
    assert '<a href="/qu/datos/">Paskashka willaykuna</a>' in citizen.get("/qu/vias/").text


def test_the_catalogue_with_every_build_cached_makes_no_query(citizen, only_ours, cached, django_assert_num_queries):
    cantons(30)
    citizen.get("/es/datos/")  # builds every dataset once, and caches the Spanish page

    with django_assert_num_queries(CATALOGUE_QUERIES_CACHED):
        response = citizen.get("/qu/datos/")  # another page (the Kichwa one), the same builds

    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_the_pages_make_as_many_queries_for_3_cantons_as_for_30(citizen, only_ours, count, django_assert_num_queries):
    cantons(count)

    with django_assert_num_queries(DATASET_QUERIES):
        assert citizen.get("/es/datos/prueba-cantones/").status_code == 200


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_pages_weigh_less_than_the_budget(citizen, only_ours, lang):
    cantons(30)

    assert page_and_stylesheet_gzip(citizen.get(f"/{lang}/datos/").content) <= PAGE_BUDGET
    assert page_and_stylesheet_gzip(citizen.get(f"/{lang}/datos/prueba-cantones/").content) <= PAGE_BUDGET


# A dataset's page.


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_a_dataset_page_shows_its_facts_dictionary_and_files(citizen, only_ours, lang):
    cantons(3)

    response = citizen.get(f"/{lang}/datos/prueba-cantones/")

    assert response.status_code == 200
    html = response.text
    assert "<h1>Cantones de prueba</h1>" in html
    assert '<dd lang="es">Gobierno Autónomo Descentralizado Provincial de Pastaza</dd>' in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/deed.es" rel="license" hreflang="es"' in html
    assert "<dd>3</dd>" in html  # rows
    assert "<dd><code>codigo</code></dd>" in html  # primary key
    assert '<th scope="row"><code>poblacion</code></th>' in html
    assert "Población en el censo de 2022" in html
    assert set(download_links(html)) == {f"/datos/prueba-cantones.{fmt}" for fmt in ("csv", "es.csv", "json", "xlsx")}
    assert len(re.findall(r"<code>[0-9a-f]{64}</code>", html)) == 4
    assert "example-note" not in html


def test_a_dataset_page_says_column_types_and_frequency_in_the_pages_language(citizen, only_ours):
    spanish = citizen.get("/es/datos/prueba-cantones/").text
    kichwa = citizen.get("/qu/datos/prueba-cantones/").text

    assert "<td>número entero</td>" in spanish
    assert "<td>número entero</td>" not in kichwa
    assert "En todo momento: apenas el personal publica un cambio" in spanish


def test_a_dataset_page_notes_example_data(citizen, only_ours):
    html = citizen.get("/es/datos/prueba-ejemplos/").text

    assert 'class="example-note"' in html
    assert "<code>datos_de_ejemplo</code>" in html


def test_a_dataset_page_links_the_datasets_its_columns_refer_to(citizen, only_ours):
    html = citizen.get("/es/datos/prueba-referencias/").text

    assert '<code>canton</code> → <a href="/es/datos/prueba-cantones/">Cantones de prueba</a>' in html


@pytest.mark.parametrize("url", ["/es/datos/no-existe/", "/qu/datos/no-existe/", "/datos/no-existe.csv"])
def test_an_unknown_dataset_is_a_404(citizen, only_ours, url):
    assert citizen.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/datos/prueba-cantones.pdf", "/datos/prueba-cantones.CSV", "/datos/../x.csv"])
def test_an_unknown_format_is_a_404(citizen, only_ours, url):
    assert citizen.get(url).status_code == 404


# The downloads.


def test_each_download_has_its_type_name_etag_and_is_open_to_every_site(citizen, only_ours):
    cantons(3)

    expected = {
        "csv": "text/csv; charset=utf-8",
        "es.csv": "text/csv; charset=utf-8",
        "json": "application/json",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    for fmt, content_type in expected.items():
        response = citizen.get(f"/datos/prueba-cantones.{fmt}")
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="prueba-cantones.{fmt}"'
        assert response["ETag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "public" in response["Cache-Control"]
        assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'


def test_the_downloads_hold_the_datasets_rows(citizen, only_ours):
    cantons(3)

    plain = list(csv.reader(io.StringIO(citizen.get("/datos/prueba-cantones.csv").content.decode(), newline="")))
    excel = citizen.get("/datos/prueba-cantones.es.csv").content
    document = json.loads(citizen.get("/datos/prueba-cantones.json").content)
    sheet = openpyxl.load_workbook(io.BytesIO(citizen.get("/datos/prueba-cantones.xlsx").content)).active

    assert plain == [
        ["codigo", "nombre", "poblacion"],
        ["1601", "Cantón 1", "1000"],
        ["1602", "Cantón 2", "1001"],
        ["1603", "Cantón 3", "1002"],
    ]
    assert excel.startswith(b"\xef\xbb\xbf") and excel[3:].decode().splitlines()[1] == "1601;Cantón 1;1000"
    assert document["key"] == "prueba-cantones" and len(document["rows"]) == 3
    assert [cell.value for cell in sheet[2]] == ["1601", "Cantón 1", 1000]


def test_a_browser_that_has_the_file_gets_a_304(citizen, only_ours):
    cantons(3)
    etag = citizen.get("/datos/prueba-cantones.xlsx")["ETag"]

    response = citizen.get("/datos/prueba-cantones.xlsx", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""
    assert citizen.get("/datos/prueba-cantones.xlsx", headers={"If-None-Match": '"otro"'}).status_code == 200


def test_a_download_answers_head_and_refuses_post(citizen, only_ours):
    assert citizen.head("/datos/prueba-cantones.csv").status_code == 200
    assert citizen.post("/datos/prueba-cantones.csv").status_code == 405


@pytest.mark.parametrize("cache_on", [False, True])
def test_the_size_and_sha256_on_the_pages_are_those_of_the_downloaded_bytes(citizen, only_ours, settings, cache_on):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600 if cache_on else 0
    cache.clear()
    cantons(3)

    html = citizen.get("/es/datos/prueba-cantones/").text
    shown = re.findall(
        r'href="(/datos/[^"]+)"[^>]*>[^<]+</a> <span class="meta">\(([^,]+), ([^)]+)\)[^<]*</span>\s*'
        r'<span class="sha">SHA-256 <code>([0-9a-f]{64})</code>',
        html,
    )
    assert len(shown) == 4
    for url, filename, size, sha256 in shown:
        content = citizen.get(url).content
        assert hashlib.sha256(content).hexdigest() == sha256
        assert url.endswith(filename)
        with translation.override("es"):
            assert size == filesizeformat(len(content))
    catalogue = citizen.get("/es/datos/").text
    for _url, _filename, size, _sha in shown:
        assert f'<span class="meta">({size})</span>' in catalogue
    cache.clear()


# The real catalogue.


def test_the_real_catalogue_renders_in_both_languages_within_its_budget(citizen, real_plan):
    assert datasets.all_datasets(), "the real datasets are registered by OpendataConfig.ready"
    for lang in ("es", "qu"):
        response = citizen.get(f"/{lang}/datos/")
        assert response.status_code == 200
        assert page_and_stylesheet_gzip(response.content) <= PAGE_BUDGET
        for dataset in datasets.all_datasets():
            page = citizen.get(f"/{lang}/datos/{dataset.key}/")
            assert page.status_code == 200, dataset.key
            assert page_and_stylesheet_gzip(page.content) <= PAGE_BUDGET, dataset.key


def test_the_real_catalogue_with_every_build_cached_makes_no_query(
    citizen, real_plan, cached, django_assert_num_queries
):
    citizen.get("/es/datos/")

    with django_assert_num_queries(CATALOGUE_QUERIES_CACHED):
        assert citizen.get("/qu/datos/").status_code == 200


def test_no_download_holds_the_personal_data_of_anyone_who_wrote(citizen, real_plan):
    AnsweredSuggestionFactory(
        name="Rosalinda Tzerembo",
        email="rosalinda.tzerembo@example.org",
        phone="0991234567",
        commitment=real_plan.commitments.first(),
        text="Pedimos más datos abiertos.",
    )
    RoadRequestFactory(
        name="Baltazar Nenquimo",
        email="baltazar.nenquimo@example.org",
        phone="0987654321",
        description="Bache frente a la casa de Baltazar.",
    )
    personal = (
        "Rosalinda",
        "Tzerembo",
        "Baltazar",
        "Nenquimo",
        "@example.org",
        "0991234567",
        "0987654321",
        "ip-hash-rosa",
    )

    for dataset in datasets.all_datasets():
        for fmt in distributions.FORMATS:
            response = citizen.get(f"/datos/{dataset.key}.{fmt}")
            assert response.status_code == 200, (dataset.key, fmt)
            if fmt == "xlsx":
                workbook = openpyxl.load_workbook(io.BytesIO(response.content))
                text = "\n".join(str(value) for row in workbook.active.iter_rows(values_only=True) for value in row)
            else:
                text = response.content.decode("utf-8-sig")
            found = [word for word in personal if word in text]
            assert not found, (dataset.key, fmt, found)


def test_a_dataset_page_describes_itself_to_search_engines(citizen, only_ours):
    import json
    import re

    page = citizen.get(f"/es/datos/{CANTONS.key}/").text

    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(block)
    assert data["@type"] == "Dataset" and data["identifier"] == CANTONS.key
    assert {d["encodingFormat"] for d in data["distribution"]} >= {"text/csv", "application/json"}
    assert re.findall(r"<script(?![^>]*application/ld\+json)[^>]*>", page) == []  # nothing that runs


def test_the_sitemap_lists_the_catalogue_and_every_dataset_page(citizen, only_ours):
    text = citizen.get("/sitemap.xml").content.decode()

    assert "/es/datos/</loc>" in text and "/qu/datos/</loc>" in text
    assert f"/es/datos/{CANTONS.key}/</loc>" in text and f"/qu/datos/{CANTONS.key}/</loc>" in text
