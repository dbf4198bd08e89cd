"""The Kichwa staff admin (the language switch set to Kichwa) speaks Kichwa in Django's own words too
(conecta/django_admin_terms.py): the header, a list, a record's form and a deletion no longer fall back to Django's
Spanish, and the Spanish admin is unchanged."""

from __future__ import annotations

import ast
import gettext
import html
from pathlib import Path

import django
import pytest

from conecta import django_admin_terms
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

# What Django's Spanish catalogue says, which a Kichwa page used to show.
SPANISH = ["Bienvenidos", "Ver el sitio", "Cambiar contraseña", "Guardar y continuar editando", "Añadir"]


def _page(client, url: str, lang: str = "qu") -> str:
    client.cookies["conecta_lang"] = lang  # the admin has no language prefix: the language switch sets this cookie
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _assert_kichwa(page: str, *kichwa: str) -> None:
    for text in kichwa:
        assert text in page
    for text in SPANISH:
        assert text not in page


def test_home_page_reads_in_kichwa(planner_client):
    page = _page(planner_client, "/admin/")

    _assert_kichwa(page, "Alli shamushka,", "Web pankata rikuna", "Pakashka shimita shukchina", "Llukshina")


def test_list_reads_in_kichwa(planner_client):
    MilestoneFactory()

    page = _page(planner_client, "/admin/commitments/milestone/")

    _assert_kichwa(page, "Shushuna", "Akllashka rurayta rurana", "Rurana")


def test_form_reads_in_kichwa(planner_client):
    milestone = MilestoneFactory()

    page = _page(planner_client, f"/admin/commitments/milestone/{milestone.pk}/change/")

    _assert_kichwa(page, "Allichishpa shukchinata katina", "Allichishpa shukta yapana", "Allichina")


def test_delete_confirmation_reads_in_kichwa(planner_client):
    milestone = MilestoneFactory(is_published=False)

    page = _page(planner_client, f"/admin/commitments/milestone/{milestone.pk}/delete/")

    _assert_kichwa(page, "Ari, pichanata munanimi", "Mana, kutichipay")


def test_spanish_admin_is_unchanged(planner_client):
    milestone = MilestoneFactory()

    page = _page(planner_client, f"/admin/commitments/milestone/{milestone.pk}/change/", lang="es")

    assert "Guardar y continuar editando" in page
    assert "Allichina" not in page


def _msgids(module) -> list[str]:
    """The first argument of every gettext_noop / ngettext_lazy call in the module, as makemessages reads it."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"gettext_noop", "ngettext_lazy"}
    ]


def test_every_msgid_is_still_djangos():
    """conecta/django_admin_terms.py stays in step with the installed Django: a msgid Django renamed would leave
    its words in Spanish again on the Kichwa admin."""
    contrib = Path(django.__file__).parent / "contrib"
    known: set[str] = set()
    for app in ("admin", "auth"):
        with open(contrib / app / "locale" / "es" / "LC_MESSAGES" / "django.mo", "rb") as mo:
            catalog = gettext.GNUTranslations(mo)._catalog
        known |= {key[0] if isinstance(key, tuple) else key for key in catalog}

    msgids = _msgids(django_admin_terms)

    assert len(msgids) > 100
    assert [msgid for msgid in msgids if msgid not in known] == []
