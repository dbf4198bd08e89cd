"""The order every public form that stores something once checks in (feedback.protection.submit_once): a replayed
token, "done before in this browser", the rate limit, then the form."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.http import HttpResponse

from feedback.protection import ProtectedForm, new_token, submit_once

pytestmark = pytest.mark.django_db

TOKEN = new_token()
DAY = date(2026, 3, 2)


class NameForm(ProtectedForm):
    name = forms.CharField()


class Form:
    """The view's callables, recording what submit_once asked of them."""

    def __init__(self, *, replayed: bool = False):
        self.replayed = replayed
        self.calls: list[str] = []

    def form(self, data):
        self.calls.append("bound" if data is not None else "empty")
        return NameForm(data)

    def replay(self, token):
        self.calls.append(f"replay {token == TOKEN}")
        return HttpResponse("the first response") if self.replayed else None

    def save(self, form):
        self.calls.append(f"save {form.cleaned_data['name']}")
        return HttpResponse("saved", status=302)

    def show(self, form, *, done=None, status=200):
        self.calls.append(f"show {'form' if form is not None else 'done'} {done} {form.is_bound if form else ''}")
        return HttpResponse("shown", status=status)

    def send(self, request, **kwargs):
        return submit_once(
            request, scope="suggestion", form=self.form, replay=self.replay, save=self.save, show=self.show, **kwargs
        )


def test_a_replayed_token_gets_its_first_response_before_any_other_check(rf):
    view = Form(replayed=True)

    response = view.send(rf.post("/", {"token": TOKEN, "name": "Rosa"}), done=DAY)

    assert response.content == b"the first response"
    assert view.calls == ["replay True"]


def test_done_before_in_this_browser_shows_that_page_409_for_a_post_200_for_a_get(rf):
    posted, read = Form(), Form()

    after_post = posted.send(rf.post("/", {"token": TOKEN, "name": "Rosa"}), done=DAY)
    after_get = read.send(rf.get("/"), done=DAY)

    assert (after_post.status_code, after_get.status_code) == (409, 200)
    assert posted.calls == ["replay True", f"show done {DAY} "]
    assert read.calls == [f"show done {DAY} "]


def test_a_get_shows_the_empty_form_and_counts_no_attempt(rf, settings):
    settings.PARTICIPATION_RATE_LIMITS = {"default": (1, 15), "suggestion": (1, 15)}
    view = Form()

    responses = [view.send(rf.get("/")) for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert view.calls == ["empty", "show form None False"] * 3


def test_too_many_attempts_are_refused_before_the_form_is_read(rf, settings):
    settings.PARTICIPATION_RATE_LIMITS = {"default": (1, 15), "suggestion": (1, 15)}
    view = Form()

    first = view.send(rf.post("/", {"token": TOKEN, "name": "Rosa"}))
    second = view.send(rf.post("/", {"token": new_token(), "name": "Rosa"}))

    assert (first.status_code, second.status_code) == (302, 429)
    assert second["Retry-After"]
    assert view.calls == ["replay True", "bound", "save Rosa", "replay False"]


def test_a_valid_form_is_saved_and_an_invalid_one_shown_again(rf):
    view = Form()

    saved = view.send(rf.post("/", {"token": TOKEN, "name": "Rosa"}))
    shown = view.send(rf.post("/", {"token": "not a token", "name": ""}))

    assert (saved.status_code, shown.status_code) == (302, 200)
    assert view.calls == ["replay True", "bound", "save Rosa", "bound", "show form None True"]
