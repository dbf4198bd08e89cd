"""Who does what with road works and road requests (roads.roles): the planners everything; the implementer of
Public Works edits the works of Public Works (and their progress and documents), another department's implementer
only reads them; the monitor reads everything and changes nothing; only planners publish, moderate, enter requests
gathered offline and see a request's personal data; an implementer changes the status of the requests about the
works of their institution."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from commitments.roles import IMPLEMENTER, MONITOR, PLANNER
from roads.models import RoadRequestChange, RoadWork
from tests.commitments.admin_helpers import form_data
from tests.roads.factories import RoadRequestFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db


def rights(group: str) -> set[str]:
    return set(
        Group.objects.get(name=group)
        .permissions.filter(content_type__app_label="roads")
        .values_list("codename", flat=True)
    )


@pytest.fixture
def public_works_work(other_department):
    """A draft work of the Public Works department (other_department), whose implementer is other_implementer."""
    return RoadWorkFactory(
        code="VIA-2025-001",
        name_es="Vía Puyo – Canelos",
        institution=other_department,
        is_published=False,
        budget=Decimal("100000"),
    )


def change_url(work) -> str:
    return f"/admin/roads/roadwork/{work.pk}/change/"


def test_each_role_holds_its_rights_on_roads(db):
    assert {"delete_roadwork", "add_roadrequest", "change_roadrequest"} <= rights(PLANNER)
    assert "delete_roadrequest" not in rights(PLANNER)
    implementer = rights(IMPLEMENTER)
    assert {"add_roadwork", "change_roadwork", "add_roadprogress", "change_roaddocument"} <= implementer
    assert not {"delete_roadwork", "add_roadrequest"} & implementer
    assert rights(MONITOR) == {
        "view_roadwork",
        "view_roadprogress",
        "view_roaddocument",
        "view_roadrequest",
        "view_roadrequestchange",
    }


def test_the_implementer_of_public_works_edits_its_works(other_implementer_client, public_works_work):
    page = other_implementer_client.get(change_url(public_works_work))
    assert page.context["has_change_permission"] is True
    institution = page.context["adminform"].form.fields["institution"]
    assert list(institution.queryset) == [public_works_work.institution]
    assert "is_published" not in page.context["adminform"].form.fields

    response = other_implementer_client.post(
        change_url(public_works_work), form_data(page, name_es="Vía Puyo – Canelos (tramo 2)", length_km="14")
    )

    assert response.status_code == 302
    public_works_work.refresh_from_db()
    assert (public_works_work.name_es, public_works_work.length_km) == ("Vía Puyo – Canelos (tramo 2)", 14)


def test_another_departments_implementer_reads_the_work_but_cannot_change_it(
    implementer_client, other_implementer_client, public_works_work
):
    listing = implementer_client.get("/admin/roads/roadwork/")
    assert [w.pk for w in listing.context["cl"].result_list] == [public_works_work.pk]

    page = implementer_client.get(change_url(public_works_work))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    data = form_data(other_implementer_client.get(change_url(public_works_work)), name_es="Cambiado")
    assert implementer_client.post(change_url(public_works_work), data).status_code == 403
    public_works_work.refresh_from_db()
    assert public_works_work.name_es == "Vía Puyo – Canelos"


def test_an_implementer_adds_works_only_for_their_institution(implementer_client, department, other_department):
    page = implementer_client.get("/admin/roads/roadwork/add/")
    data = form_data(
        page,
        code="VIA-2026-030",
        name_es="Vía nueva",
        kind="new_road",
        status="identification",
        executor="direct",
        institution=other_department.pk,
    )

    response = implementer_client.post("/admin/roads/roadwork/add/", data)

    assert "institution" in response.context["adminform"].form.errors
    assert page.context["adminform"].form.initial["institution"] == department.pk
    assert not RoadWork.objects.exists()


def test_the_monitor_reads_everything_and_changes_nothing(monitor_client, public_works_work):
    page = monitor_client.get(change_url(public_works_work))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert "track" not in page.content.decode()

    assert monitor_client.get("/admin/roads/roadwork/add/").status_code == 403
    assert monitor_client.post(change_url(public_works_work), {"name_es": "x"}).status_code == 403
    assert monitor_client.get("/admin/roads/roadrequest/add/").status_code == 403


def test_only_planners_are_offered_publishing(planner_client, other_implementer_client, public_works_work):
    def actions(client):
        listing = client.get("/admin/roads/roadwork/")
        return set(listing.context["cl"].model_admin.get_actions(listing.wsgi_request))

    assert {"publish_selected", "unpublish_selected"} <= actions(planner_client)
    assert not {"publish_selected", "unpublish_selected"} & actions(other_implementer_client)

    response = planner_client.post(
        "/admin/roads/roadwork/", {"action": "publish_selected", "_selected_action": [public_works_work.pk]}
    )

    assert response.status_code == 302
    public_works_work.refresh_from_db()
    assert public_works_work.is_published


# Road requests.


def test_personal_data_are_for_planners_only(
    planner_client, other_implementer_client, monitor_client, public_works_work
):
    road_request = RoadRequestFactory(
        work=public_works_work, name="Rosa Vargas", email="rosa@example.org", phone="0991234567"
    )
    url = f"/admin/roads/roadrequest/{road_request.pk}/change/"

    assert "rosa@example.org" in planner_client.get(url).content.decode()
    for client in (other_implementer_client, monitor_client):
        page = client.get(url).content.decode()
        assert page and "rosa@example.org" not in page and "0991234567" not in page and "Rosa Vargas" not in page
    search = monitor_client.get("/admin/roads/roadrequest/", {"q": "rosa@example.org", "moderation": "all"})
    assert search.context["cl"].result_count == 0  # the monitor cannot find a request by its e-mail either
    assert monitor_client.get("/admin/roads/roadrequest/", {"email": "rosa@example.org"}).status_code in (302, 400)


def test_an_implementer_sees_and_answers_the_requests_about_their_works(
    other_implementer_client, implementer_client, other_implementer, public_works_work
):
    theirs = RoadRequestFactory(work=public_works_work)
    RoadRequestFactory(work=public_works_work, moderation="pending")
    RoadRequestFactory()  # about no work
    url = f"/admin/roads/roadrequest/{theirs.pk}/change/"

    listing = other_implementer_client.get("/admin/roads/roadrequest/")
    assert [r.pk for r in listing.context["cl"].result_list] == [theirs.pk]
    assert implementer_client.get("/admin/roads/roadrequest/").context["cl"].result_count == 0
    assert implementer_client.get(url).status_code == 302  # not one of theirs: back to the list

    page = other_implementer_client.get(url)
    assert "kind" not in page.context["adminform"].form.fields
    response = other_implementer_client.post(
        url, form_data(page, change_status="in_progress", change_note_es="Cuadrilla en el sitio desde el lunes.")
    )

    assert response.status_code == 302
    change = RoadRequestChange.objects.get(request=theirs)
    assert (change.status, change.changed_by) == ("in_progress", other_implementer)
    assert implementer_client.get("/admin/roads/roadrequest/add/").status_code == 403
