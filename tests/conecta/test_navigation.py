"""The main menu marks the section a page belongs to (aria-current="page"), whichever app serves the page."""

import re

import pytest

from tests.participation import current_plan  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("current_plan")]

CURRENT = re.compile(r'<a href="[^"]*" aria-current="page">([^<]+)</a>')


@pytest.mark.parametrize(
    "path, section",
    [
        ("/es/plan/", "El plan"),
        ("/es/reuniones/", "El plan"),
        ("/es/reuniones/acuerdos/", "El plan"),
        ("/es/participa/", "Participe"),
        ("/es/participa/respuestas/", "Participe"),
        ("/es/participa/encuestas/", "Participe"),
        ("/es/compromisos/", "Compromisos"),
    ],
)
def test_the_menu_marks_the_section_of_the_page(client, path, section):
    response = client.get(path)

    assert response.status_code == 200
    assert CURRENT.findall(response.text) == [section]
