"""The export page lists exactly the columns the file will have: not the columns only an import reads (avance_al,
ejecutado_al), which the import page still lists among those it reads."""

import pytest

from tests.factories import MilestoneFactory

from .admin_helpers import MILESTONE_COLUMNS, MILESTONE_EXPORT_ONLY, admin_export, admin_url, read_spreadsheet

pytestmark = pytest.mark.django_db


COLUMNS_READ_ONLY_BY_IMPORT = [("milestone", "avance_al"), ("commitment", "ejecutado_al")]


@pytest.fixture
def exported_milestone(commitment):
    return MilestoneFactory(commitment=commitment, order=1)


def listed(response) -> list[str]:
    [(_resource, columns)] = response.context["fields_list"]
    return list(columns)


@pytest.mark.parametrize(("model", "read_only_by_import"), COLUMNS_READ_ONLY_BY_IMPORT)
def test_the_export_page_lists_the_columns_of_the_file(planner_client, exported_milestone, model, read_only_by_import):
    page = planner_client.get(admin_url(model, "export"))
    exported = read_spreadsheet(admin_export(planner_client, model, "csv").content, "csv").headers

    assert listed(page) == exported
    assert read_only_by_import not in listed(page)
    assert read_only_by_import not in page.content.decode()
    assert "actualizado" in listed(page)


@pytest.mark.parametrize(("model", "read_only_by_import"), COLUMNS_READ_ONLY_BY_IMPORT)
def test_the_import_page_still_lists_the_columns_it_reads(planner_client, model, read_only_by_import):
    columns = listed(planner_client.get(admin_url(model, "import")))

    assert read_only_by_import in columns and "actualizado" in columns


def test_the_milestone_export_lists_its_columns_in_order(planner_client):
    page = planner_client.get(admin_url("milestone", "export"))

    assert listed(page) == [*MILESTONE_COLUMNS, *MILESTONE_EXPORT_ONLY, "actualizado"]
