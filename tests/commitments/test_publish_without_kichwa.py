"""Publishing without Kichwa asks first (issue 12): a save that would publish a commitment, milestone, progress
update or indicator whose Spanish text has no Kichwa yet shows the form again with a warning naming those texts
and a box to tick; ticked, it publishes. The staff home page counts what is published without its Kichwa text
(commitments.dashboard.missing_kichwa_items), and each admin list filters it (?kichwa=missing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from commitments.dashboard import missing_kichwa_items
from commitments.models import Indicator, ProgressUpdate
from commitments.roles import scope_filter
from commitments.staff import PUBLISH_WITHOUT_KICHWA
from tests.factories import CommitmentFactory, MilestoneFactory, ProgressUpdateFactory

from .admin_helpers import admin_url, form_data

pytestmark = pytest.mark.django_db

BOX = f'type="checkbox" name="{PUBLISH_WITHOUT_KICHWA}"'


def make_indicator(commitment, **fields) -> Indicator:
    values = {
        "name_es": "Plantas producidas",
        "unit_es": "plantas",
        "baseline_value": Decimal("10"),
        "baseline_on": date(2024, 12, 31),
        "target_value": Decimal("20"),
        "target_on": date(2027, 2, 28),
    }
    return Indicator.objects.create(commitment=commitment, **{**values, **fields})


# (admin name, a draft with Spanish texts only, the Kichwa that completes it, the fields the warning names)
DRAFTS = {
    "commitment": (
        lambda c: CommitmentFactory(code="DRAF0001", plan=c.plan, is_published=False, problem_es="Problema."),
        {"title_qu": "Rurana", "problem_qu": "Llaki."},
        "título, problema",
    ),
    "milestone": (
        lambda c: MilestoneFactory(commitment=c, is_published=False, title_es="Vivero", description_es="Plantas."),
        {"title_qu": "Yura wasi", "description_qu": "Yurakuna."},
        "título, descripción",
    ),
    "progressupdate": (
        lambda c: ProgressUpdateFactory(commitment=c, is_published=False, title_es="Avance", text_es="Texto."),
        {"title_qu": "Ñawpaman", "text_qu": "Killka."},
        "título, texto",
    ),
    "indicator": (
        lambda c: make_indicator(c, is_published=False),
        {"name_qu": "Yurakuna", "unit_qu": "yurakuna"},
        "nombre, unidad",
    ),
}


def publish(client, name: str, record, **changes):
    page = client.get(admin_url(name, "change", record.pk))
    assert page.status_code == 200
    return client.post(admin_url(name, "change", record.pk), form_data(page, is_published=True, **changes))


@pytest.mark.parametrize("name", DRAFTS)
def test_publishing_without_the_kichwa_text_asks_to_confirm_and_names_the_texts(planner_client, commitment, name):
    record = DRAFTS[name][0](commitment)

    response = publish(planner_client, name, record)

    assert response.status_code == 200, "the form is shown again, not saved"
    record.refresh_from_db()
    assert not record.is_published
    form = response.context["adminform"].form
    warning = " ".join(form.non_field_errors())
    assert f"sin su texto en kichwa de: {DRAFTS[name][2]}." in warning
    assert BOX in response.text
    assert f"Publicar sin el texto en kichwa de: {DRAFTS[name][2]}" in response.text
    assert "las páginas en kichwa muestran el texto en español, señalado como español" in response.text


@pytest.mark.parametrize("name", DRAFTS)
def test_ticking_the_box_publishes_it_as_it_is(planner_client, commitment, name):
    record = DRAFTS[name][0](commitment)

    response = publish(planner_client, name, record, **{PUBLISH_WITHOUT_KICHWA: True})

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.is_published


@pytest.mark.parametrize("name", DRAFTS)
def test_a_record_with_its_kichwa_text_publishes_without_asking(planner_client, commitment, name):
    record = DRAFTS[name][0](commitment)
    kichwa = DRAFTS[name][1]
    if name == "commitment":
        record.title_qu = kichwa.pop("title_qu")
        record.save()

    response = publish(planner_client, name, record, **kichwa)

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.is_published


def test_the_box_is_hidden_until_it_is_needed(planner_client, commitment):
    record = DRAFTS["milestone"][0](commitment)

    page = planner_client.get(admin_url("milestone", "change", record.pk))

    assert BOX not in page.text
    assert f'type="hidden" name="{PUBLISH_WITHOUT_KICHWA}"' in page.text


def test_a_draft_is_saved_without_asking(planner_client, commitment):
    record = DRAFTS["milestone"][0](commitment)
    page = planner_client.get(admin_url("milestone", "change", record.pk))

    response = planner_client.post(admin_url("milestone", "change", record.pk), form_data(page, title_es="Otro"))

    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.title_es, record.is_published) == ("Otro", False)


def test_editing_a_published_record_asks_only_for_a_new_gap(planner_client, commitment):
    milestone = MilestoneFactory(commitment=commitment, title_es="Vivero", title_qu="")  # published long ago

    page = planner_client.get(admin_url("milestone", "change", milestone.pk))
    progress = form_data(page, progress=60, level="substantial", observed_on="2025-06-01")
    assert planner_client.post(admin_url("milestone", "change", milestone.pk), progress).status_code == 302

    page = planner_client.get(admin_url("milestone", "change", milestone.pk))
    described = form_data(page, description_es="Un texto nuevo sin kichwa.")
    response = planner_client.post(admin_url("milestone", "change", milestone.pk), described)
    assert response.status_code == 200
    assert "sin su texto en kichwa de: título, descripción." in " ".join(
        response.context["adminform"].form.non_field_errors()
    )
    milestone.refresh_from_db()
    assert milestone.description_es == ""


def test_a_new_published_update_asks_too(planner_client, commitment):
    page = planner_client.get(admin_url("progressupdate", "add"))
    data = form_data(
        page, commitment=commitment.pk, occurred_on="2025-06-01", title_es="Nuevo", text_es="Texto.", is_published=True
    )

    assert planner_client.post(admin_url("progressupdate", "add"), data).status_code == 200
    assert not ProgressUpdate.objects.filter(title_es="Nuevo").exists()
    data[PUBLISH_WITHOUT_KICHWA] = "on"
    assert planner_client.post(admin_url("progressupdate", "add"), data).status_code == 302
    assert ProgressUpdate.objects.get(title_es="Nuevo").is_published


# What the staff home page counts.


def test_the_counts_are_of_published_records_missing_a_kichwa_text(planner, commitment, other_commitment):
    commitment.title_qu = "Rurana"
    commitment.save()
    MilestoneFactory(commitment=commitment, title_es="Sin kichwa")
    MilestoneFactory(commitment=commitment, title_es="Con kichwa", title_qu="Kichwayuk")
    MilestoneFactory(commitment=commitment, title_es="Borrador", is_published=False)
    MilestoneFactory(commitment=other_commitment, title_es="Otro", title_qu="Shuk", description_es="Sin traducir")
    make_indicator(commitment, name_qu="Yurakuna", unit_qu="yurakuna", is_published=True)

    counts = {item.url.split("/")[3]: item for item in missing_kichwa_items(planner, "")}

    assert counts["commitment"].count == 1  # other_commitment's title
    assert counts["milestone"].count == 2
    assert counts["progressupdate"].count == 0
    assert counts["indicator"].count == 0
    assert counts["milestone"].url == "/admin/commitments/milestone/?is_published__exact=1&kichwa=missing"
    assert str(counts["milestone"].label) == "Hitos publicados sin texto en kichwa"


def test_an_implementer_counts_only_their_commitments(implementer, planner, commitment, other_commitment):
    MilestoneFactory(commitment=commitment, title_es="Suyo")
    MilestoneFactory(commitment=other_commitment, title_es="Ajeno")

    def milestones_counted(user) -> int:
        return next(item.count for item in missing_kichwa_items(user, "") if "/milestone/" in item.url)

    assert milestones_counted(implementer) == 1
    assert milestones_counted(planner) == 2


def test_all_the_counts_cost_one_query(planner, commitment, django_assert_num_queries):
    MilestoneFactory(commitment=commitment, title_es="Sin kichwa")
    scope_filter(planner, "")  # the role, read once per request before any count

    with django_assert_num_queries(1):
        missing_kichwa_items(planner, "")


def test_the_admin_list_filters_the_records_missing_their_kichwa(planner_client, commitment):
    MilestoneFactory(commitment=commitment, title_es="Sin kichwa")
    MilestoneFactory(commitment=commitment, title_es="Con kichwa", title_qu="Kichwayuk")

    missing = planner_client.get(admin_url("milestone") + "?kichwa=missing")
    written = planner_client.get(admin_url("milestone") + "?kichwa=written")

    assert [m.title_es for m in missing.context["cl"].result_list] == ["Sin kichwa"]
    assert [m.title_es for m in written.context["cl"].result_list] == ["Con kichwa"]
