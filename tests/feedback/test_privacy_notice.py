"""The privacy notice says what participation keeps, why, for how long, and how to ask for anonymisation."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_privacy_notice_describes_participation(citizen, lang):
    response = citizen.get(f"/{lang}/privacidad/")

    assert response.status_code == 200
    text = response.text
    assert f'href="/{lang}/participa/"' in text
    assert "24" in text
    assert "mailto:transparency@pastaza.gob.ec" in text
    assert text.count("<h2>") >= 6
