"""The list's search looks in the published milestones, progress updates and indicators of each commitment too, and
says under each result where the words were found, with them marked: what a citizen typing "vivero", "kichwa" or
"puyo" expects. Still folded like a citizen types, still one query plan per page."""

import importlib
import re
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import translation

from commitments.loaders import synthetic_plan_load, synthetic_prefix
from commitments.models import Commitment, Indicator, Milestone, ProgressUpdate
from commitments.search import commitments_matching, excerpt, matches_for, part_search_text
from tests.factories import CommitmentFactory, MilestoneFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def current(settings, plan):
    settings.CONECTA_PLAN_SLUG = plan.slug
    return plan


def codes(response) -> list[str]:
    return [c.code for c in response.context["commitments"]]


def why(response) -> list[str]:
    """The lines under the results that say where the words were found, as HTML."""
    return re.findall(r'<ul class="why">(.*?)</ul>', response.text, re.S)


def make_indicator(commitment, **fields) -> Indicator:
    values = {
        "order": 1,
        "name_es": "Plantas producidas al año",
        "unit_es": "plantas",
        "baseline_value": Decimal("60000"),
        "baseline_on": date(2024, 12, 31),
        "target_value": Decimal("75000"),
        "target_on": date(2027, 2, 28),
        "is_published": True,
    }
    return Indicator.objects.create(commitment=commitment, **{**values, **fields})


def test_a_word_only_in_a_milestone_finds_its_commitment_and_says_which_milestone(
    citizen, current, commitment, other_commitment
):
    MilestoneFactory(commitment=commitment, order=3, title_es="Restauración con plantas del Vivero Provincial")

    response = citizen.get("/es/compromisos/?q=VIVERO")

    assert codes(response) == ["TEST0001"]
    [line] = why(response)
    assert "Coincide en el hito 3" in line
    assert "<mark>Vivero</mark> Provincial" in line


def test_a_word_only_in_an_update_or_an_indicator_finds_its_commitment(citizen, current, commitment, other_commitment):
    ProgressUpdateFactory(
        commitment=other_commitment,
        occurred_on=date(2026, 5, 20),
        text_es="Campañas en unidades educativas de Puyo, Mera y Santa Clara.",
    )
    make_indicator(commitment, source_es="Registros de la comunidad kichwa de Sarayaku")

    assert codes(citizen.get("/es/compromisos/?q=puyo")) == ["TEST0002"]
    assert codes(citizen.get("/es/compromisos/?q=kichwa")) == ["TEST0001"]

    [line] = why(citizen.get("/es/compromisos/?q=puyo"))
    assert "Coincide en el avance del 20 de mayo de 2026" in line and "<mark>Puyo</mark>, Mera" in line
    [line] = why(citizen.get("/es/compromisos/?q=sarayaku"))
    assert "Coincide en el indicador “Plantas producidas al año”" in line and "<mark>Sarayaku</mark>" in line


def test_only_published_parts_of_published_commitments_are_searched(citizen, current, commitment, plan):
    MilestoneFactory(commitment=commitment, title_es="Vivero en borrador", is_published=False)
    ProgressUpdateFactory(commitment=commitment, title_es="Avance del vivero", is_published=False)
    make_indicator(commitment, name_es="Plantas del vivero", is_published=False)
    hidden_milestone = MilestoneFactory(commitment=commitment, title_es="Hito oculto", is_published=False)
    ProgressUpdateFactory(commitment=commitment, milestone=hidden_milestone, text_es="Avance sobre el ceibo")
    draft = CommitmentFactory(code="DRAF0001", plan=plan, is_published=False)
    MilestoneFactory(commitment=draft, title_es="Vivero del borrador")

    assert codes(citizen.get("/es/compromisos/?q=vivero")) == []
    assert codes(citizen.get("/es/compromisos/?q=ceibo")) == []


def test_every_word_must_be_found_but_each_may_be_in_a_different_place(citizen, current, commitment, other_commitment):
    MilestoneFactory(commitment=commitment, order=1, title_es="Vivero provincial")
    ProgressUpdateFactory(commitment=commitment, text_es="Entrega de plantas en Puyo")

    assert codes(citizen.get("/es/compromisos/?q=vivero+puyo+ambiental")) == ["TEST0001"]
    assert codes(citizen.get("/es/compromisos/?q=vivero+mera")) == []
    response = citizen.get("/es/compromisos/?q=vivero+puyo")
    [line] = why(response)
    assert "Coincide en el hito 1" in line and "Coincide en el avance" in line


def test_accents_capitals_and_the_kichwa_tilde_do_not_matter_and_the_marks_keep_the_original_text(
    citizen, current, commitment
):
    MilestoneFactory(commitment=commitment, order=2, title_es="Señalética", title_qu="Ñawpaman ÑAN wiñachina")

    response = citizen.get("/es/compromisos/?q=nan+senaletica")

    assert codes(response) == ["TEST0001"]
    [line] = why(response)
    assert "<mark>Señalética</mark>" in line
    assert line.count("Coincide en el hito 2") == 1
    assert '· <span class="excerpt" lang="qu">Ñawpaman <mark>ÑAN</mark> wiñachina</span>' in line


def test_what_was_found_is_escaped(citizen, current, commitment):
    MilestoneFactory(commitment=commitment, title_es="<script>alert(1)</script> vivero & plantas")

    response = citizen.get("/es/compromisos/?q=vivero")

    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>vivero</mark> &amp; plantas" in response.text


def test_a_long_text_is_cut_around_the_first_word_found():
    text = "Primera parte del texto que no interesa. " * 10 + "Aquí está el vivero provincial. " + "Y más. " * 40

    shown = excerpt(text, ["vivero"])

    assert shown.startswith("…") and shown.endswith("…")
    assert "<mark>vivero</mark> provincial" in shown
    assert len(re.sub("<[^>]+>", "", shown)) <= 170


def test_a_word_in_the_title_needs_no_line(citizen, current, commitment):
    MilestoneFactory(commitment=commitment, title_es="Acción ambiental")

    assert why(citizen.get("/es/compromisos/?q=ambiental")) == []


def test_saving_keeps_the_search_text_of_each_part(commitment):
    milestone = MilestoneFactory(commitment=commitment, title_es="Primer título")
    milestone.title_qu = "Ñawpa shuti"
    milestone.save(update_fields=["title_qu"])
    update = ProgressUpdateFactory(commitment=commitment, text_es="Texto del avance")
    indicator = make_indicator(commitment, method_es="Conteo en el vivero")

    assert Milestone.objects.get(pk=milestone.pk).search_text == "primer titulo nawpa shuti"
    assert "texto del avance" in ProgressUpdate.objects.get(pk=update.pk).search_text
    assert "conteo en el vivero" in Indicator.objects.get(pk=indicator.pk).search_text


def test_the_migration_fills_the_search_text_of_existing_parts(commitment):
    milestone = MilestoneFactory(commitment=commitment, title_es="Vivero provincial")
    Milestone.objects.filter(pk=milestone.pk).update(search_text="")
    migration = importlib.import_module("commitments.migrations.0008_part_search_text")

    migration.fill_search_text(apps, None)

    assert Milestone.objects.get(pk=milestone.pk).search_text == part_search_text(milestone)


def test_the_synthetic_loader_fills_the_search_text_of_its_parts():
    synthetic_plan_load(commitments=3)
    prefix = synthetic_prefix(3)

    found = commitments_matching(Commitment.objects.all(), f"hito 2 de {prefix}0002")

    assert list(found.values_list("code", flat=True)) == [f"{prefix}0002"]
    assert not Milestone.objects.filter(search_text="").exists()
    assert not ProgressUpdate.objects.filter(search_text="").exists()


def test_the_kichwa_page_says_where_in_kichwa(citizen, current, commitment):
    MilestoneFactory(commitment=commitment, order=4, title_es="Vivero provincial")

    response = citizen.get("/qu/compromisos/?q=vivero")

    with translation.override("qu"):
        label = translation.gettext("Found in milestone %(number)s") % {"number": 4}
    assert label != "Found in milestone 4"
    [line] = why(response)
    assert label in line and '<span class="excerpt" lang="es">' in line


def test_the_demo_plan_finds_vivero_kichwa_and_puyo(citizen, real_plan, settings):
    settings.CONECTA_PLAN_SLUG = real_plan.slug

    for word in ("vivero", "kichwa", "puyo"):
        response = citizen.get(f"/es/compromisos/?q={word}")
        assert codes(response), word
        assert all(f"<mark>{word}</mark>" in line.lower() for line in why(response)), word


def make_plan(plan, n: int) -> None:
    for index in range(n):
        c = CommitmentFactory(code=f"MANY{index:04d}", plan=plan, title_es=f"Compromiso {index}")
        MilestoneFactory(commitment=c, title_es=f"Vivero número {index}")
        ProgressUpdateFactory(commitment=c, text_es=f"Plantas del vivero {index}")
        make_indicator(c, name_es=f"Plantas del vivero {index}")


@pytest.mark.parametrize("n", [3, 30])
def test_the_queries_do_not_grow_with_the_results(citizen, current, plan, n, django_assert_max_num_queries):
    make_plan(plan, n)

    # The plan, the selects' three lists, the count, the page, the page's milestones, updates and indicators, and
    # the road works the same words find (roads.panels).
    with django_assert_max_num_queries(10):
        response = citizen.get("/es/compromisos/?q=vivero+plantas")

    assert response.status_code == 200
    assert len(why(response)) == min(n, 20)


def test_matches_for_reads_three_queries_at_most(commitment, other_commitment, django_assert_max_num_queries):
    MilestoneFactory(commitment=commitment, title_es="Vivero")
    rows = list(Commitment.objects.select_related("lead_institution", "lead_department"))

    with django_assert_max_num_queries(3):
        found = matches_for(rows, "vivero")

    assert list(found) == [commitment.pk]
    with django_assert_max_num_queries(0):
        assert matches_for(rows, "compromiso") == {}
