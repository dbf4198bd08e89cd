"""A form the portal cannot read (its body declared in another charset than UTF-8) is answered 400 with the
portal's own page, in the reader's language; never a 500 with an e-mail to ADMINS."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db

FORM = "/{lang}/participa/sugerencia/"
TITLE = {"es": "El portal no pudo leer esa solicitud", "qu": "Conecta Pastazaka chay mañayta mana killkakatinata"}


def browser_with_form(lang: str = "es") -> tuple[Client, str]:
    """A browser that opened the suggestion form: it holds the CSRF cookie and the form's token."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(FORM.format(lang=lang))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return client, token


def post_encoded(client: Client, path: str, token: str, charset: str, encoding: str):
    body = f"csrfmiddlewaretoken={token}&text=La vía está mal, señor&name=José".encode(encoding)
    return client.generic("POST", path, body, content_type=f"application/x-www-form-urlencoded; charset={charset}")


@pytest.mark.parametrize("lang", ["es", "qu"])
@pytest.mark.parametrize(
    "charset,encoding",
    [("utf-16", "utf-16"), ("latin-1", "latin-1"), ("ISO-8859-1", "latin-1"), ("x-nonsense", "latin-1")],
)
def test_a_form_in_another_encoding_gets_the_portal_s_400_page(lang, charset, encoding):
    client, token = browser_with_form(lang)

    response = post_encoded(client, FORM.format(lang=lang), token, charset, encoding)

    html = response.content.decode()
    assert response.status_code == 400
    assert TITLE[lang] in html
    assert f'<html lang="{lang}">' in html
    assert mail.outbox == []


@pytest.mark.parametrize("path", ["/i18n/setlang/", "/admin/login/", "/es/participa/seguimiento/"])
def test_every_form_of_the_portal_refuses_it_the_same_way(path):
    client, token = browser_with_form()

    response = post_encoded(client, path, token, "utf-16", "utf-16")

    assert response.status_code == 400
    assert TITLE["es"] in response.content.decode()


def test_a_multipart_form_in_another_encoding_is_refused_too():
    client, token = browser_with_form()
    body = (
        b"--xyz\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n" + token.encode()
        + b"\r\n--xyz\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nJos\xe9\r\n--xyz--\r\n"
    )

    response = client.generic(
        "POST", FORM.format(lang="es"), body, content_type="multipart/form-data; boundary=xyz; charset=latin-1"
    )

    assert response.status_code == 400
    assert TITLE["es"] in response.content.decode()


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "utf8"])
def test_a_form_declared_utf_8_is_read_as_usual(charset):
    client, token = browser_with_form()

    response = post_encoded(client, FORM.format(lang="es"), token, charset, "utf-8")

    assert response.status_code == 200  # the form again, with what is missing pointed out


def test_any_other_bad_request_gets_the_same_page(client):
    response = client.get("/es/", HTTP_HOST="not-an-allowed-host.example")

    assert response.status_code == 400
    assert TITLE["es"] in response.content.decode()
