"""The commitments' search text: folded like a citizen types (no accents, no capitals, n for ñ) and kept up to
date whichever way a commitment, its links or the names it holds change."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.loaders import synthetic_plan_load, synthetic_prefix
from commitments.models import Commitment, Institution
from commitments.search import commitments_matching, fold, query_words, search_text_for
from tests.factories import CantonFactory, CommitmentFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ñawpaman", "nawpaman"),
        ("vía", "via"),
        ("CONECTA Pastaza", "conecta pastaza"),
        ("  Gestión\n\tAmbiental  ", "gestion ambiental"),
        ("Wiñachina", "winachina"),
        ("Straße", "strasse"),
        ("a\x00b\u202e c", "a b c"),  # control and format characters never reach the database
        ("", ""),
        (None, ""),
    ],
)
def test_fold_drops_accents_tildes_and_capitals_and_collapses_spaces(text, folded):
    assert fold(text) == folded


def test_query_words_are_folded_unique_and_few():
    assert query_words("  Vía  via VÍA ñan ") == ["via", "nan"]
    assert len(query_words(" ".join(f"w{n}" for n in range(50)))) == 8
    assert query_words("") == [] and query_words(None) == []


def test_a_new_commitment_gets_its_search_text_on_save(gad, department):
    commitment = CommitmentFactory(
        code="TEST0001",
        title_es="Mantenimiento de la vía",
        title_qu="Ñawpaman ñan",
        problem_es="Puentes caídos",
        action_qu="Allichina",
        lead_institution=gad,
        lead_department=department,
    )

    text = Commitment.objects.get(pk=commitment.pk).search_text
    for word in ("test0001", "via", "nawpaman", "puentes caidos", "allichina", "gadppz", "dga"):
        assert word in text
    assert "gobierno provincial de pastaza" in text
    assert "direccion de gestion ambiental" in text


def test_editing_the_title_updates_the_search_text(commitment):
    commitment.title_es = "Vivero forestal"
    commitment.save()

    assert "vivero forestal" in Commitment.objects.get(pk=commitment.pk).search_text


def test_a_save_of_other_fields_does_not_recompute_the_search_text(commitment):
    commitment = Commitment.objects.get(pk=commitment.pk)
    commitment.is_published = False
    with CaptureQueriesContext(connection) as queries:
        commitment.save(update_fields=["is_published"])

    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "commitments_institution" not in read and "commitments_canton" not in read
    assert Commitment.objects.get(pk=commitment.pk).search_text == search_text_for(commitment)


def test_a_save_of_some_fields_including_the_title_updates_the_search_text(commitment):
    commitment.title_es = "Feria de cacao"
    commitment.save(update_fields=["title_es"])

    assert "feria de cacao" in Commitment.objects.get(pk=commitment.pk).search_text


def test_adding_and_removing_supporters_and_cantons_updates_the_search_text(commitment):
    wwf = InstitutionFactory(slug="wwf", name_es="Fondo Mundial para la Naturaleza", acronym="WWF")
    arajuno = CantonFactory(code="1604", slug="arajuno", name_es="Arajuno")

    commitment.supporting_institutions.add(wwf)
    commitment.cantons.add(arajuno)
    text = Commitment.objects.get(pk=commitment.pk).search_text
    assert "fondo mundial para la naturaleza" in text and "wwf" in text and "arajuno" in text

    commitment.supporting_institutions.remove(wwf)
    commitment.cantons.clear()
    text = Commitment.objects.get(pk=commitment.pk).search_text
    assert "wwf" not in text and "arajuno" not in text


def test_links_changed_from_the_institution_or_canton_side_update_the_search_text(commitment, other_commitment):
    uea = InstitutionFactory(slug="uea", name_es="Universidad Estatal Amazónica", acronym="UEA")
    mera = CantonFactory(code="1602", slug="mera", name_es="Mera")

    uea.supported_commitments.add(commitment, other_commitment)
    mera.commitments.set([commitment])
    assert all("amazonica" in c.search_text for c in Commitment.objects.all())
    assert "mera" in Commitment.objects.get(pk=commitment.pk).search_text

    uea.supported_commitments.clear()
    mera.commitments.remove(commitment)
    for c in Commitment.objects.all():
        assert "amazonica" not in c.search_text
        assert c.search_text == search_text_for(c)
    assert Commitment.objects.filter(search_text__contains="mera").count() == 0


def test_renaming_an_institution_or_a_canton_updates_the_commitments_that_name_it(commitment, other_commitment, gad):
    canton = CantonFactory(code="1603", slug="santa-clara", name_es="Santa Clara")
    commitment.cantons.add(canton)

    gad.name_es = "Prefectura de Pastaza"
    gad.save()
    canton.name_qu = "Killa Yaku"
    canton.save()

    for c in Commitment.objects.all():
        assert "prefectura de pastaza" in c.search_text
    assert "killa yaku" in Commitment.objects.get(pk=commitment.pk).search_text


def test_saving_an_institution_unchanged_touches_no_commitment(commitment, gad, django_assert_max_num_queries):
    institution = Institution.objects.get(pk=gad.pk)
    with django_assert_max_num_queries(2):  # read its old names, save the row
        institution.save()


def test_the_synthetic_loader_fills_the_search_text():
    synthetic_plan_load(commitments=5)

    commitment = Commitment.objects.select_related("lead_department").get(code=f"{synthetic_prefix(5)}0003")
    assert commitment.search_text
    assert commitment.search_text == search_text_for(commitment)
    assert fold(commitment.lead_department.name_es) in commitment.search_text


def test_the_migration_fills_the_search_text_of_existing_commitments(commitment):
    Commitment.objects.filter(pk=commitment.pk).update(search_text="")
    migration = importlib.import_module("commitments.migrations.0002_commitment_search_text")

    migration.fill_search_text(apps, None)

    assert Commitment.objects.get(pk=commitment.pk).search_text == search_text_for(commitment)


def test_matching_needs_every_word_in_any_order(commitment, other_commitment):
    commitment.title_es = "Vía al puente de Ñawpaman"
    commitment.save()

    def codes(q):
        return sorted(commitments_matching(Commitment.objects.all(), q).values_list("code", flat=True))

    assert codes("nawpaman VIA") == ["TEST0001"]
    assert codes("ÑAWPAMAN  puente") == ["TEST0001"]
    assert codes("nawpaman vial") == []
    assert codes("compromiso") == ["TEST0002"]
    assert codes("") == ["TEST0001", "TEST0002"]
    assert codes("100%_") == []


def test_a_search_text_change_records_no_change_history(commitment):
    from commitments.models import ChangeRecord

    commitment.title_es = "Otro título"
    commitment.save()

    record = ChangeRecord.objects.filter(model="commitment").latest("pk")
    assert "search_text" not in record.changes
