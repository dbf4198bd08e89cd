"""The list of all commitments: filters, search, sorting and pages in a plain, shareable GET form."""

import gzip

import pytest
from django.utils import translation
from django.utils.html import escape

from commitments.loaders import synthetic_prefix
from commitments.models import Axis, Commitment, IrmLevel
from commitments.selectors import ListFilters, commitments_listed
from tests.factories import (
    CantonFactory,
    CommitmentFactory,
    DepartmentFactory,
    InstitutionFactory,
    MilestoneFactory,
    OgpValueFactory,
)
from tests.replay import synthetic_plan

pytestmark = pytest.mark.django_db


def es(msgid: str, **params) -> str:
    """The Spanish text the page shows for `msgid` (so tests hold before and after translators work)."""
    with translation.override("es"):
        return escape(translation.gettext(msgid) % params if params else translation.gettext(msgid))


def es_plural(singular: str, plural: str, count: int) -> str:
    with translation.override("es"):
        return escape(translation.ngettext(singular, plural, count) % {"counter": count})


# Measured: the plan; the institutions, cantons and OGP values the selects offer; the count; the page's rows
# with their progress and lead institutions; with words, the page's milestones, updates and indicators that hold
# them (where each result was found); with words, the road works they find (roads.panels, one query). The same for
# 3 commitments or 300, with or without filters.
LIST_QUERIES = 10


@pytest.fixture
def current(settings, plan):
    settings.CONECTA_PLAN_SLUG = plan.slug
    return plan


def codes(response) -> list[str]:
    return [c.code for c in response.context["commitments"]]


def test_it_lists_the_published_commitments_of_the_plan_with_their_progress(
    citizen, current, commitment, other_commitment
):
    MilestoneFactory(commitment=commitment, progress=60)

    response = citizen.get("/es/compromisos/")

    assert response.status_code == 200
    assert codes(response) == ["TEST0001", "TEST0002"]
    assert response.context["commitments"][0].progress == 60
    assert 'href="/es/compromisos/TEST0001/"' in response.text
    assert "60 %" in response.text


def test_it_never_shows_an_unpublished_commitment_or_another_plans(citizen, current, commitment):
    CommitmentFactory(code="TEST0009", plan=current, title_es="Borrador secreto", is_published=False)
    CommitmentFactory(code="TEST0008", title_es="De otro plan")

    for url in ("/es/compromisos/", "/es/compromisos/?q=borrador", "/es/compromisos/?q=otro+plan"):
        response = citizen.get(url)
        assert "TEST0009" not in codes(response) and "TEST0008" not in codes(response)
        assert "Borrador secreto" not in response.text
        assert "De otro plan" not in response.text


def test_the_axis_filter_narrows_the_list(citizen, current, commitment, other_commitment):
    other_commitment.axis = Axis.HUMAN_SETTLEMENTS
    other_commitment.save()

    response = citizen.get("/es/compromisos/?eje=human_settlements")

    assert codes(response) == ["TEST0002"]
    assert '<option value="human_settlements" selected>' in response.text


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("no_evidence", ["TEST0005"]),
        ("not_started", ["TEST0001"]),
        ("limited", ["TEST0002"]),
        ("substantial", ["TEST0003"]),
        ("complete", ["TEST0004"]),
    ],
)
def test_the_irm_level_filter_narrows_the_list_by_the_derived_level(citizen, current, level, expected):
    for n, progress in enumerate([0, 49, 50, 100], start=1):
        MilestoneFactory(commitment=CommitmentFactory(code=f"TEST000{n}", plan=current), progress=progress)
    CommitmentFactory(code="TEST0005", plan=current)

    response = citizen.get(f"/es/compromisos/?nivel={level}")

    assert codes(response) == expected
    assert all(c.irm_level == level for c in response.context["commitments"])


def test_the_level_filter_rounds_like_the_progress_shown(current):
    """Progress is rounded half to even (Python's round): 0.5 % is "not started", 49.5 % is "substantial",
    50.5 % is 50 and substantial, 99.5 % complete. The SQL filter must agree with every commitment's level."""
    shapes = {
        "TEST0001": [(1, 1), (0, 1)],  # 0.5
        "TEST0002": [(1, 2), (0, 1)],  # 0.67
        "TEST0003": [(49, 1), (50, 1)],  # 49.5
        "TEST0004": [(50, 1), (51, 1)],  # 50.5
        "TEST0005": [(51, 1), (52, 1)],  # 51.5
        "TEST0006": [(99, 1), (100, 1)],  # 99.5
        "TEST0007": [(98, 1), (99, 1)],  # 98.5
        "TEST0008": [(100, 2), (0, 1)],  # 66.67
        "TEST0009": [(1, 3), (0, 197)],  # 0.015
    }
    for code, milestones in shapes.items():
        commitment = CommitmentFactory(code=code, plan=current)
        for order, (progress, weight) in enumerate(milestones, start=1):
            MilestoneFactory(commitment=commitment, order=order, progress=progress, weight=weight)

    everything = {c.code: c for c in commitments_listed(plan=current, filters=ListFilters())}
    for code, c in everything.items():
        fresh = Commitment.objects.with_progress().get(code=code)
        assert c.progress_pct == fresh.progress == c.progress, code
    for level in IrmLevel:
        listed = {c.code for c in commitments_listed(plan=current, filters=ListFilters(level=level.value))}
        assert listed == {code for code, c in everything.items() if c.irm_level == level}, level
    assert everything["TEST0003"].progress == 50 and everything["TEST0004"].progress == 50
    assert everything["TEST0001"].irm_level == IrmLevel.NOT_STARTED
    assert everything["TEST0006"].irm_level == IrmLevel.COMPLETE


def test_the_institution_filter_matches_the_lead_institution_or_the_lead_department(
    citizen, current, commitment, other_commitment, department
):
    other_lead = InstitutionFactory(slug="mag", name_es="Ministerio de Agricultura", acronym="MAG")
    CommitmentFactory(code="TEST0003", plan=current, lead_institution=other_lead, lead_department=None)

    assert codes(citizen.get("/es/compromisos/?institucion=direccion-ambiente")) == ["TEST0001"]
    assert codes(citizen.get("/es/compromisos/?institucion=gadppz")) == ["TEST0001", "TEST0002"]
    assert codes(citizen.get("/es/compromisos/?institucion=mag")) == ["TEST0003"]


def test_the_canton_and_ogp_value_filters_narrow_the_list(citizen, current, commitment, other_commitment):
    mera = CantonFactory(code="1602", slug="mera", name_es="Mera")
    arajuno = CantonFactory(code="1604", slug="arajuno", name_es="Arajuno")
    participation = OgpValueFactory(code="civic-participation", name_es="Participación cívica")
    commitment.cantons.set([mera, arajuno])
    other_commitment.cantons.set([arajuno])
    other_commitment.ogp_values.set([participation])

    assert codes(citizen.get("/es/compromisos/?canton=mera")) == ["TEST0001"]
    assert codes(citizen.get("/es/compromisos/?canton=arajuno")) == ["TEST0001", "TEST0002"]
    assert codes(citizen.get("/es/compromisos/?valor=civic-participation")) == ["TEST0002"]
    assert codes(citizen.get("/es/compromisos/?canton=mera&valor=civic-participation")) == []


def test_filters_combine_and_keep_the_progress_right(citizen, current, commitment, other_commitment):
    """Filtering by many-to-many links never multiplies the milestones the progress is computed from."""
    cantons = [CantonFactory(code=f"160{n}", slug=f"c{n}") for n in range(1, 5)]
    commitment.cantons.set(cantons)
    MilestoneFactory(commitment=commitment, order=1, progress=100)
    MilestoneFactory(commitment=commitment, order=2, progress=0)

    response = citizen.get("/es/compromisos/?canton=c2&nivel=substantial&eje=biophysical&institucion=gadppz")

    assert codes(response) == ["TEST0001"]
    assert response.context["commitments"][0].progress == 50


@pytest.mark.parametrize("q", ["nawpaman", "ÑAWPAMAN", "via", "VÍA", "conecta", "CONECTA", "ñawpaman vía"])
def test_the_search_ignores_accents_case_and_the_kichwa_tilde(citizen, current, commitment, other_commitment, q):
    commitment.title_es = "Conecta: mantenimiento de la vía"
    commitment.title_qu = "Ñawpaman ñan"
    commitment.save()
    other_commitment.title_es = "Caminos vecinales"  # "vial" would hold "via": words match inside words
    other_commitment.save()

    response = citizen.get("/es/compromisos/", {"q": q})

    assert codes(response) == ["TEST0001"]
    assert response.context["filters"].q == q


def test_the_search_finds_institutions_cantons_and_codes(citizen, current, commitment, other_commitment):
    commitment.cantons.add(CantonFactory(code="1603", slug="santa-clara", name_es="Santa Clara"))
    other_commitment.supporting_institutions.add(
        InstitutionFactory(slug="ikiam", name_es="Universidad Regional Amazónica", acronym="IKIAM")
    )

    assert codes(citizen.get("/es/compromisos/?q=santa+clara")) == ["TEST0001"]
    assert codes(citizen.get("/es/compromisos/?q=ikiam")) == ["TEST0002"]
    assert codes(citizen.get("/es/compromisos/?q=amazonica")) == ["TEST0002"]
    assert codes(citizen.get("/es/compromisos/?q=test0002")) == ["TEST0002"]
    assert codes(citizen.get("/es/compromisos/?q=dga")) == ["TEST0001"]


def test_every_word_must_match(citizen, current, commitment, other_commitment):
    assert codes(citizen.get("/es/compromisos/?q=compromiso+vial")) == ["TEST0002"]
    assert codes(citizen.get("/es/compromisos/?q=compromiso")) == ["TEST0001", "TEST0002"]


def test_an_empty_result_says_so_kindly_and_offers_the_whole_list(citizen, current, commitment):
    response = citizen.get("/es/compromisos/?q=nada+de+esto")

    assert response.status_code == 200
    assert codes(response) == []
    assert response.context["page"].paginator.count == 0
    assert es("No commitment matches what you chose. Try fewer or other words, or another filter.") in response.text
    assert 'href="/es/compromisos/"' in response.text


def test_it_shows_the_count_and_the_active_filters_with_a_way_to_remove_each(
    citizen, current, commitment, other_commitment
):
    response = citizen.get("/es/compromisos/?eje=biophysical&q=vial&orden=titulo")

    assert es_plural("%(counter)s commitment found", "%(counter)s commitments found", 1) in response.text
    assert [f["value"] for f in response.context["active_filters"]] == [Axis.BIOPHYSICAL.label, "“vial”"]
    # Removing the axis keeps the search and the order, and the other way round.
    assert 'href="/es/compromisos/?q=vial&amp;orden=titulo"' in response.text
    assert 'href="/es/compromisos/?eje=biophysical&amp;orden=titulo"' in response.text
    assert response.text.count('href="/es/compromisos/"') >= 2  # clear filters (and the main navigation)


def test_the_form_is_a_plain_get_form_with_labels_and_the_current_values(citizen, current, commitment):
    response = citizen.get("/es/compromisos/?q=ambiental&eje=biophysical&institucion=gadppz&orden=fin")
    html = response.text

    assert '<form class="filters" method="get" action="/es/compromisos/"' in html
    for name in ("q", "eje", "nivel", "institucion", "canton", "valor", "orden"):
        assert f'name="{name}"' in html
        assert f'<label for="f-{name}">' in html
    assert 'value="ambiental"' in html
    assert '<option value="gadppz" selected>' in html
    assert '<option value="fin" selected>' in html
    assert '<button type="submit">' in html
    assert "<script" not in html


@pytest.mark.parametrize(
    ("orden", "expected"),
    [
        ("", ["TEST0001", "TEST0002", "TEST0003"]),
        ("codigo", ["TEST0001", "TEST0002", "TEST0003"]),
        ("titulo", ["TEST0002", "TEST0003", "TEST0001"]),
        ("mas-avance", ["TEST0003", "TEST0001", "TEST0002"]),
        ("menos-avance", ["TEST0001", "TEST0003", "TEST0002"]),
        ("fin", ["TEST0002", "TEST0003", "TEST0001"]),
        ("nonsense", ["TEST0001", "TEST0002", "TEST0003"]),
    ],
)
def test_it_sorts(citizen, current, orden, expected):
    from datetime import date

    first = CommitmentFactory(code="TEST0001", plan=current, order=1, title_es="Zoológico", ends_on=date(2027, 2, 1))
    CommitmentFactory(code="TEST0002", plan=current, order=2, title_es="Árboles", ends_on=date(2025, 12, 1))
    third = CommitmentFactory(code="TEST0003", plan=current, order=3, title_es="Bosques", ends_on=date(2026, 6, 1))
    MilestoneFactory(commitment=first, progress=10)
    MilestoneFactory(commitment=third, progress=90)

    response = citizen.get("/es/compromisos/", {"orden": orden})

    assert response.status_code == 200
    assert codes(response) == expected


def test_titles_sort_in_the_pages_language_with_spanish_where_kichwa_is_missing(citizen, current):
    CommitmentFactory(code="TEST0001", plan=current, title_es="Alfa", title_qu="Yaku")
    CommitmentFactory(code="TEST0002", plan=current, title_es="Mashi", title_qu=None)
    CommitmentFactory(code="TEST0003", plan=current, title_es="Zeta", title_qu="Allpa")

    assert codes(citizen.get("/qu/compromisos/?orden=titulo")) == ["TEST0003", "TEST0002", "TEST0001"]
    assert codes(citizen.get("/es/compromisos/?orden=titulo")) == ["TEST0001", "TEST0002", "TEST0003"]


@pytest.fixture
def many(current, gad, department):
    """45 published commitments: three pages of 20, 20 and 5."""
    rows = [
        Commitment(
            code=f"TEST{n:04d}",
            plan=current,
            order=n,
            title_es=f"Compromiso {n}",
            axis=Axis.BIOPHYSICAL,
            lead_institution=gad,
            lead_department=department,
            starts_on=current.starts_on,
            ends_on=current.ends_on,
            is_published=True,
            search_text=f"test{n:04d} compromiso {n}",
        )
        for n in range(1, 46)
    ]
    Commitment.objects.bulk_create(rows)


@pytest.mark.parametrize(
    ("page", "number"),
    [("", 1), ("1", 1), ("2", 2), ("3", 3), ("99999", 3), ("abc", 1), ("0", 3), ("-1", 3), ("1e9", 1), ("2.5", 1)],
)
def test_pages_of_twenty_and_a_nonsense_page_gives_the_first_or_the_last(citizen, many, page, number):
    response = citizen.get("/es/compromisos/", {"page": page})

    assert response.status_code == 200
    assert response.context["page"].number == number
    assert len(codes(response)) == (5 if number == 3 else 20)


def test_the_page_links_keep_the_filters(citizen, many):
    response = citizen.get("/es/compromisos/?q=compromiso&eje=biophysical&orden=codigo&page=2")

    assert codes(response)[0] == "TEST0021"
    assert 'href="?eje=biophysical&amp;q=compromiso&amp;orden=codigo&amp;page=3"' in response.text
    assert 'href="?eje=biophysical&amp;q=compromiso&amp;orden=codigo&amp;page=1"' in response.text
    assert es("Page %(number)s of %(total)s", number=2, total=3) in response.text


@pytest.mark.parametrize(
    "query",
    [
        "eje=nope",
        "nivel=%00",
        "institucion=../../etc",
        "canton=x" * 300,
        "valor[]=1",
        "orden=DROP+TABLE",
        "q=" + "%25_" * 500,
        "q=%F0%9F%92%A9",
        "q=%00",
        "eje=biophysical&eje=economic_productive",
        "page=" + "9" * 400,
    ],
)
def test_nonsense_parameters_are_ignored_never_a_500(citizen, current, commitment, query):
    response = citizen.get(f"/es/compromisos/?{query}")

    assert response.status_code == 200


def test_a_nul_byte_in_the_search_never_reaches_the_database(citizen, current, commitment):
    from django.db import connection

    sent = []

    def spy(execute, sql, params, many, context):
        sent.extend(p for p in params or [] if isinstance(p, str) and "\x00" in p)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        response = citizen.get("/es/compromisos/?q=comp%00romiso")

    assert response.status_code == 200
    assert sent == []
    assert response.context["filters"].q == "comp romiso"


def test_an_unknown_filter_value_is_ignored(citizen, current, commitment, other_commitment):
    response = citizen.get("/es/compromisos/?eje=nope&canton=nowhere&institucion=nobody&valor=none&nivel=x")

    assert codes(response) == ["TEST0001", "TEST0002"]
    assert response.context["active_filters"] == []


def test_wildcards_in_the_search_are_taken_literally(citizen, current, commitment):
    assert codes(citizen.get("/es/compromisos/?q=%25")) == []
    assert codes(citizen.get("/es/compromisos/?q=_")) == []


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_list_speaks_its_language(citizen, real_plan, lang):
    response = citizen.get(f"/{lang}/compromisos/")

    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    assert len(codes(response)) == 3


def test_institution_names_link_to_their_pages(citizen, real_plan):
    response = citizen.get("/es/compromisos/")

    assert 'href="/es/instituciones/direccion-ambiente/"' in response.text


def test_it_says_so_when_no_plan_is_loaded(citizen):
    response = citizen.get("/es/compromisos/")

    assert response.status_code == 200
    assert response.context["plan"] is None


QUERIES = [
    "",
    "?q=compromiso",
    "?eje=biophysical&nivel=limited&canton=pastaza&valor=civic-participation",
    "?orden=mas-avance&page=2",
    "?q=ñan+vía&orden=titulo&institucion=direccion-ambiente",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_list_costs_the_same_few_queries_for_the_real_plan(
    citizen, real_plan, query, django_assert_max_num_queries
):
    for lang in ("es", "qu"):
        with django_assert_max_num_queries(LIST_QUERIES):
            assert citizen.get(f"/{lang}/compromisos/{query}").status_code == 200


def test_the_list_costs_the_same_few_queries_for_300_commitments(citizen, settings, django_assert_max_num_queries):
    synthetic_plan(commitments=300)
    settings.CONECTA_PLAN_SLUG = "sintetico-300"

    for query in QUERIES:
        with django_assert_max_num_queries(LIST_QUERIES):
            response = citizen.get(f"/es/compromisos/{query}")
        assert response.status_code == 200
    response = citizen.get("/es/compromisos/?page=15")
    assert codes(response)[-1] == f"{synthetic_prefix(300)}0300"
    assert response.context["page"].paginator.count == 300
    assert len(gzip.compress(response.content)) < 14_000


def test_a_department_without_commitments_is_not_offered(citizen, current, commitment):
    DepartmentFactory(slug="direccion-vacia", name_es="Dirección sin compromisos")

    response = citizen.get("/es/compromisos/")

    assert "direccion-vacia" not in response.text
