"""The privacy notice says what the e-mail alerts keep, why, for how long (from the settings), and how to exercise
one's rights, in Spanish and in Kichwa."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_privacy_notice_explains_the_alerts(citizen):
    html = citizen.get("/es/privacidad/").content.decode()

    assert '<h2 id="alerts">Alertas por correo electrónico</h2>' in html
    for said in (
        "Sin crear una cuenta",
        "su correo electrónico, lo que sigue, el idioma de las alertas y con qué frecuencia",
        "un registro de su consentimiento",
        "hash con clave de la dirección IP",
        "doble confirmación",
        "Si no confirma en 72 horas, el pedido termina y no se envía nada.",
        "detiene con un clic",
        "Solo la ven los planificadores",
        "12 meses después de que deje de seguir",
        "se anonimiza automáticamente",
        "Sus derechos, descritos abajo, valen también para estos datos",
    ):
        assert said in html, said


def test_the_notice_states_the_periods_the_portal_applies(citizen, settings):
    settings.ALERTS_CONFIRM_HOURS = 1
    settings.ALERTS_RETENTION_MONTHS = 18

    html = citizen.get("/es/privacidad/").content.decode()

    assert "Si no confirma en 1 hora, el pedido termina" in html
    assert "18 meses después de que deje de seguir" in html


def test_the_kichwa_notice_explains_the_alerts_in_kichwa(citizen):
    html = citizen.get("/qu/privacidad/").content.decode()

    assert '<h2 id="alerts">E-chaski willachaykuna</h2>' in html
    assert "Mana kikin yaykunata rurashpa" in html
    assert "72 pachakunapi mana ari nikpika" in html
    assert "12 killakuna kipaka" in html
    assert "Sin crear una cuenta" not in html
