"""Every participation form against hostile input: nothing breaks (no 500), nothing rejected is stored, nothing
is echoed unescaped (the literal "<script>" never appears in any page), and what is stored keeps every Unicode
character but the control ones."""

from __future__ import annotations

import pytest
from django.test import Client

from feedback.models import Comment, Evaluation, Moderation, Suggestion
from feedback.services import contributions_moderate
from tests.participation import HOSTILE, SCRIPT, hidden_values

pytestmark = pytest.mark.django_db

FORMS = {
    # form: (address, the field holding the free text, the smallest valid data, the model)
    "suggestion": ("/es/participa/sugerencia/", "text", {"kind": "question", "consent": "on"}, Suggestion),
    "comment": ("/es/participa/compromisos/TEST0001/comentar/", "text", {"name": "Kuri", "consent": "on"}, Comment),
    "evaluation": ("/es/participa/compromisos/TEST0001/evaluar/", "comment", {"score": "3"}, Evaluation),
}

WRONG_TYPES = {
    "suggestion": [
        {"kind": "9999"},
        {"kind": ["question", "complaint", SCRIPT]},
        {"email": "not-an-email"},
        {"phone": "call me " + SCRIPT},
        {"name": "n" * 5000},
        {"commitment": "' OR 1=1"},
        {"place": "p" + "9" * 100},
        {"consent": ""},
    ],
    "comment": [{"name": ""}, {"name": SCRIPT * 100}, {"email": "@@"}, {"consent": ""}],
    "evaluation": [
        {"score": "6"},
        {"score": "0"},
        {"score": "-1"},
        {"score": "abc"},
        {"score": "3.5"},
        {"score": ""},
        {"score": ["1", "abc"]},
    ],
}


@pytest.fixture
def setup(current_plan, commitment):
    return commitment


def post_form(client: Client, form: str, text: str, extra: dict):
    url, field, minimal, _model = FORMS[form]
    page = client.get(url)
    assert page.status_code == 200
    data = {**hidden_values(page.text), **minimal, field: text, **extra}
    return client.post(url, data)


def assert_safe(response) -> None:
    assert response.status_code in (200, 302, 403, 409, 429), response.status_code
    assert b"<script" not in response.content.lower()


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("text", "extra", "stored"), HOSTILE)
def test_hostile_text_is_stored_clean_or_refused(csrf_client, setup, form, text, extra, stored):
    model = FORMS[form][3]
    field = FORMS[form][1]
    if form == "evaluation" and stored is None and text.strip("\x00\x01\x02") == "":
        stored = ""  # the evaluation's comment is optional: only control characters is no comment at all

    response = post_form(csrf_client, form, text, extra)

    assert_safe(response)
    if stored is None:
        assert model.objects.count() == 0
    else:
        assert response.status_code == 302
        assert getattr(model.objects.get(), field) == stored


@pytest.mark.parametrize(("form", "extra"), [(form, extra) for form, cases in WRONG_TYPES.items() for extra in cases])
def test_wrong_types_and_missing_fields_are_refused_without_a_500(csrf_client, setup, form, extra):
    response = post_form(csrf_client, form, "Un texto normal.", extra)

    assert_safe(response)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.text
    assert FORMS[form][3].objects.count() == 0


@pytest.mark.parametrize("form", FORMS)
def test_a_post_without_any_field_or_with_a_forged_csrf_token_is_refused(csrf_client, setup, form):
    url = FORMS[form][0]

    assert_safe(csrf_client.post(url, {}))
    assert_safe(csrf_client.post(url, {"csrfmiddlewaretoken": SCRIPT, "text": SCRIPT}))
    assert csrf_client.post(url, {}).status_code == 403
    assert FORMS[form][3].objects.count() == 0


@pytest.mark.parametrize("form", FORMS)
def test_a_replayed_form_token_stores_nothing_more(csrf_client, setup, form):
    url, field, minimal, model = FORMS[form]
    data = {**hidden_values(csrf_client.get(url).text), **minimal, field: "Una sola vez"}

    responses = [Client(enforce_csrf_checks=False).post(url, data) for _ in range(3)]

    assert {r.status_code for r in responses} == {302}
    assert len({r["Location"] for r in responses}) == 1
    assert model.objects.count() == 1


def test_what_hostile_visitors_wrote_is_escaped_on_every_page_that_shows_it(
    citizen, csrf_client, setup, planner_client
):
    """Approve and answer everything hostile, then read every page that shows it: all escaped, never a link."""
    link = "http://example.com/spam"
    for form in FORMS:
        post_form(csrf_client, form, f"{SCRIPT} {link}", {"name": SCRIPT} if form == "comment" else {})
        csrf_client.cookies.clear()
    for model in (Suggestion, Comment, Evaluation):
        contributions_moderate(queryset=model.objects.all(), decision=Moderation.APPROVED, by=None)
    suggestion = Suggestion.objects.get()
    Suggestion.objects.filter(pk=suggestion.pk).update(
        status="answered", answer_es=f"{SCRIPT} {link}", is_public=True, public_summary=SCRIPT
    )
    Comment.objects.update(response_es=SCRIPT)

    pages = [
        "/es/compromisos/TEST0001/",
        "/qu/compromisos/TEST0001/",
        "/es/participa/compromisos/TEST0001/comentarios/",
        "/es/participa/respuestas/",
        f"/es/participa/seguimiento/?codigo={suggestion.tracking_code}",
        f"/es/participa/recibido/{suggestion.tracking_code}/",
        "/es/novedades/feed/",
        "/es/compromisos/TEST0001/feed/",
        "/sitemap.xml",
    ]
    for url in pages:
        response = citizen.get(url)
        assert response.status_code == 200, url
        assert b"<script" not in response.content.lower(), url
        assert f'href="{link}"' not in response.text, url
    shown = citizen.get("/es/compromisos/TEST0001/").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    for admin in ("suggestion", "comment", "evaluation"):
        response = planner_client.get(f"/admin/feedback/{admin}/?moderation=all")
        assert response.status_code == 200
        assert SCRIPT not in response.text
