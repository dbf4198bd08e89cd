"""What can be followed (alerts.targets): each kind of key resolves to a published thing with a label in the reader's
language and the address of its page; anything unpublished, unknown or malformed resolves to nothing; a tracking
code's label never carries what the citizen wrote; and the follow form's options cost a fixed number of queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from alerts.targets import Target, label_es, options, resolve
from commitments.models import Indicator
from feedback.models import Moderation, Suggestion
from tests.factories import CantonFactory, CommitmentFactory, MilestoneFactory
from tests.feedback.factories import SuggestionFactory
from tests.roads.factories import ParishFactory, RoadRequestFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

CITIZEN_TEXTS = ("Hay un bache", "escuela", "Rosa", "Gualinga", "rosa@example.org", "Sugerencia ciudadana")


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


@pytest.fixture
def pastaza(db):
    return CantonFactory(code="1601", slug="pastaza", name_es="Pastaza", name_qu="Pastasa")


@pytest.fixture
def puyo(pastaza):
    return ParishFactory(canton=pastaza, code="160150", name_es="Puyo", name_qu="Puyu")


@pytest.fixture
def road_request(puyo):
    return RoadRequestFactory(
        parish=puyo, description="Hay un bache grande frente a la escuela.", name="Rosa Gualinga", email="rosa@x.org"
    )


# Each kind resolves.


def test_a_published_commitment_resolves_to_its_code_title_and_page(commitment):
    assert resolve("commitment:TEST0001") == Target(
        "commitment:TEST0001", "commitment", "TEST0001 · Compromiso ambiental", "/es/compromisos/TEST0001/"
    )


def test_a_milestone_and_an_indicator_resolve_to_their_commitments_page(commitment):
    milestone = MilestoneFactory(commitment=commitment, title_es="Vivero provincial")
    indicator = make_indicator(commitment)

    found = resolve(f"milestone:{milestone.pk}")
    assert (found.key, found.kind) == (f"milestone:{milestone.pk}", "milestone")
    assert found.label == "Hito «Vivero provincial» de TEST0001"
    assert found.url == "/es/compromisos/TEST0001/#ms-h"
    found = resolve(f"indicator:{indicator.pk}")
    assert found.label == "Indicador «Plantas producidas al año» de TEST0001"
    assert found.url == f"/es/compromisos/TEST0001/#ind-{indicator.pk}"


def test_a_published_road_work_resolves_to_its_page(db):
    RoadWorkFactory(code="VIA-2025-001", name_es="Lastrado Puyo – Tarqui")

    found = resolve("work:VIA-2025-001")

    assert found.label == "Obra vial VIA-2025-001 · Lastrado Puyo – Tarqui"
    assert found.url == "/es/vias/VIA-2025-001/"


def test_a_road_requests_code_resolves_to_its_tracking_page(road_request):
    code = road_request.tracking_code

    found = resolve(f"code:{code}")

    assert found == Target(f"code:{code}", "code", f"Pedido vial {code}", f"/es/vias/seguimiento/?codigo={code}")


@pytest.mark.parametrize(
    "kind, label",
    [
        (Suggestion.Kind.SUGGESTION, "Sugerencia"),
        (Suggestion.Kind.COMPLAINT, "Queja"),
        (Suggestion.Kind.QUESTION, "Pregunta"),
    ],
)
def test_a_suggestions_code_resolves_to_its_kind_and_tracking_page(db, kind, label):
    suggestion = SuggestionFactory(kind=kind)
    code = suggestion.tracking_code

    found = resolve(f"code:{code}")

    assert (found.label, found.url) == (f"{label} {code}", f"/es/participa/seguimiento/?codigo={code}")


def test_a_canton_and_a_parish_resolve_by_their_inec_codes(puyo):
    assert resolve("canton:1601") == Target("canton:1601", "canton", "Cantón Pastaza", "/es/territorio/pastaza/")
    assert resolve("parish:160150") == Target(
        "parish:160150", "parish", "Parroquia Puyo (cantón Pastaza)", "/es/territorio/pastaza/#parishes-h"
    )


def test_reports_and_participation_resolve_to_their_pages(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        reports, participation = resolve("reports"), resolve("participation")

    assert (reports.label, reports.url) == ("Nuevos informes de avance", reverse("reports:list"))
    assert (participation.label, participation.url) == ("Nuevas encuestas y reuniones", "/es/participa/")


# Only what is published.


def test_nothing_unpublished_resolves(commitment, plan):
    hidden = CommitmentFactory(code="TEST0009", plan=plan, is_published=False)
    milestone_of_hidden = MilestoneFactory(commitment=hidden)
    indicator_of_hidden = make_indicator(hidden)
    draft_milestone = MilestoneFactory(commitment=commitment, is_published=False)
    draft_indicator = make_indicator(commitment, order=2, is_published=False)
    RoadWorkFactory(code="VIA-BORRADOR", is_published=False)

    for key in (
        "commitment:TEST0009",
        f"milestone:{milestone_of_hidden.pk}",
        f"indicator:{indicator_of_hidden.pk}",
        f"milestone:{draft_milestone.pk}",
        f"indicator:{draft_indicator.pk}",
        "work:VIA-BORRADOR",
    ):
        assert resolve(key) is None, key
        assert options(key) == [], key
        assert label_es(key) == "", key


@pytest.mark.parametrize("moderation", [Moderation.REJECTED, Moderation.HIDDEN])
def test_a_code_moderators_rejected_or_hid_resolves_to_nothing(puyo, moderation):
    suggestion = SuggestionFactory(moderation=moderation)
    road_request = RoadRequestFactory(parish=puyo, moderation=moderation)

    assert resolve(f"code:{suggestion.tracking_code}") is None
    assert resolve(f"code:{road_request.tracking_code}") is None


def test_a_pending_code_resolves_for_whoever_holds_it(puyo):
    """Its tracking page shows it before moderation too: its status changes are followed from the start."""
    suggestion = SuggestionFactory(moderation=Moderation.PENDING)
    road_request = RoadRequestFactory(parish=puyo, moderation=Moderation.PENDING)

    assert resolve(f"code:{suggestion.tracking_code}") is not None
    assert resolve(f"code:{road_request.tracking_code}") is not None


@pytest.mark.parametrize(
    "key",
    [
        "",
        "commitment",
        "commitment:",
        "commitment:test0001",
        "commitment:TEST0404",
        "commitment:TEST0001 ",
        "milestone:0",
        "milestone:abc",
        "milestone:-1",
        "milestone:99999999999999999999999",
        "indicator:424242",
        "work:VIA-NADA",
        "work:via-2025-001",
        "code:PZ-2345-67",
        "code:VP-2345-67",
        "code:pz-2345-67",
        "code:XX-2345-67",
        "code:PZ-0000-00",
        "canton:1701",
        "canton:16",
        "parish:160199",
        "parish:1601",
        "reports:2025",
        "reports:",
        "participation:x",
        "participation:",
        "town:Puyo",
        "commitment:TEST0001:x",
    ],
)
def test_unknown_and_malformed_keys_resolve_to_nothing_without_an_error(commitment, pastaza, key):
    assert resolve(key) is None
    assert options(key) == []
    assert label_es(key) == ""


# Labels: never a citizen's text; in the reader's language.


def test_a_codes_label_never_carries_what_the_citizen_wrote(road_request):
    suggestion = SuggestionFactory(text="Sugerencia ciudadana: Rosa pide agua en la escuela de Puyo.")

    for key in (f"code:{road_request.tracking_code}", f"code:{suggestion.tracking_code}"):
        for language in ("es", "qu"):
            with translation.override(language):
                found = resolve(key)
            assert not any(text in found.label or text in found.url for text in CITIZEN_TEXTS), (key, found)
        assert not any(text in label_es(key) for text in CITIZEN_TEXTS)


def test_labels_are_in_kichwa_on_a_kichwa_page(commitment, puyo, road_request):
    commitment.title_qu = "Allpamamata kamana rurana"
    commitment.save()
    milestone = MilestoneFactory(commitment=commitment, title_es="Vivero provincial", title_qu="Yura wiñachina wasi")

    with translation.override("qu"):
        assert resolve("commitment:TEST0001").label == "TEST0001 · Allpamamata kamana rurana"
        assert resolve("commitment:TEST0001").url == "/qu/compromisos/TEST0001/"
        assert resolve(f"milestone:{milestone.pk}").label == "Rurana pakta “Yura wiñachina wasi” (TEST0001)"
        assert resolve("canton:1601").label == "Pastasa kiti"
        assert resolve("parish:160150").label == "Puyu kitilli (Pastasa kiti)"
        assert resolve(f"code:{road_request.tracking_code}").label == f"{road_request.tracking_code} ñanmanta mañay"
        assert resolve("participation").url == "/qu/participa/"


def test_a_missing_kichwa_text_falls_back_to_spanish_and_says_so(commitment):
    with translation.override("qu"):
        found = resolve("commitment:TEST0001")
    assert found.label == "TEST0001 · Compromiso ambiental"
    assert found.fallback is True
    assert resolve("commitment:TEST0001").fallback is False


def test_the_spanish_label_is_kept_whatever_the_active_language(commitment, puyo):
    commitment.title_qu = "Allpamamata kamana rurana"
    commitment.save()

    with translation.override("qu"):
        assert label_es("commitment:TEST0001") == "TEST0001 · Compromiso ambiental"
        assert label_es("parish:160150") == "Parroquia Puyo (cantón Pastaza)"
        assert label_es("reports") == "Nuevos informes de avance"
        assert type(label_es("commitment:TEST0001")) is str


# What the follow form offers.


def test_a_commitment_offers_itself_then_its_published_milestones_then_its_published_indicators(commitment):
    first = MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico")
    second = MilestoneFactory(commitment=commitment, order=2, title_es="Vivero")
    MilestoneFactory(commitment=commitment, order=3, is_published=False)
    indicator = make_indicator(commitment)
    make_indicator(commitment, order=2, is_published=False)
    MilestoneFactory(commitment=CommitmentFactory(code="TEST0002", plan=commitment.plan))

    offered = options("commitment:TEST0001")

    assert [target.key for target in offered] == [
        "commitment:TEST0001",
        f"milestone:{first.pk}",
        f"milestone:{second.pk}",
        f"indicator:{indicator.pk}",
    ]
    assert offered[1].label == "Hito «Diagnóstico» de TEST0001"


def test_a_canton_offers_itself_then_its_parishes(puyo, pastaza):
    ParishFactory(canton=pastaza, code="160152", name_es="Canelos")
    ParishFactory(canton=CantonFactory(code="1602", slug="mera", name_es="Mera"), code="160251", name_es="Shell")

    offered = options("canton:1601")

    assert [target.key for target in offered] == ["canton:1601", "parish:160150", "parish:160152"]
    assert offered[2].label == "Parroquia Canelos (cantón Pastaza)"


def test_anything_else_offers_only_itself(puyo, road_request):
    for key in ("parish:160150", f"code:{road_request.tracking_code}", "reports", "participation"):
        assert options(key) == [resolve(key)]


# Bounded queries.


def test_resolving_costs_one_query_at_most(commitment, puyo, road_request, django_assert_num_queries):
    milestone = MilestoneFactory(commitment=commitment)
    indicator = make_indicator(commitment)
    RoadWorkFactory(code="VIA-2025-001")
    suggestion = SuggestionFactory()
    keys = [
        "commitment:TEST0001",
        f"milestone:{milestone.pk}",
        f"indicator:{indicator.pk}",
        "work:VIA-2025-001",
        f"code:{road_request.tracking_code}",
        f"code:{suggestion.tracking_code}",
        "canton:1601",
        "parish:160150",
    ]
    for key in keys:
        with django_assert_num_queries(1):
            assert resolve(key) is not None, key
    with django_assert_num_queries(0):
        assert resolve("commitment:nope") is None


def test_the_options_cost_the_same_queries_however_many_milestones_and_parishes(
    commitment, pastaza, django_assert_num_queries
):
    def offered(key: str, queries: int) -> int:
        with django_assert_num_queries(queries):
            return len(options(key))

    assert offered("commitment:TEST0001", 3) == 1
    assert offered("canton:1601", 2) == 1
    for order in range(1, 6):
        MilestoneFactory(commitment=commitment, order=order)
        make_indicator(commitment, order=order)
        ParishFactory(canton=pastaza, code=f"16015{order}")
    assert offered("commitment:TEST0001", 3) == 11
    assert offered("canton:1601", 2) == 6
