"""The survey pages: the list; a survey's page (when it opens, its form while open, "you already answered");
the thanks page; the results once it closes (charts with their data, free texts once approved, CSV).

The pages with the form are never cached (their CSRF token and the "already answered" cookie are the visitor's
own); the list and the results are cached public pages.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from conecta.cache import public_page
from feedback.contributions import Sender
from feedback.protection import done_on, ip_hash, remember_done, submit_once

from . import selectors
from .forms import SurveyForm
from .models import Question, Survey, SurveyResponse
from .services import SurveyNotOpen, survey_response_submit

TEXTS_PER_PAGE = 30
# The signed cookie that remembers, in this browser, the day it answered a survey.
ANSWERED_COOKIE = "conecta_survey_{pk}"
ANSWERED_SALT = "feedback.survey"
ANSWERED_KEEP_AFTER_CLOSING = timedelta(days=1)


@public_page
def survey_list(request):
    """Open surveys (with their closing date), upcoming ones (with their opening date) and closed ones (with a
    link to their results). Drafts never appear."""
    lists = selectors.surveys_public(now=timezone.now())
    return render(request, "surveys/list.html", {"lists": lists})


def _survey_or_404(slug: str, *, draft_ok: bool = False) -> Survey:
    survey = selectors.survey_for_page(slug=slug)
    if survey is None or (not survey.is_published and not draft_ok):
        raise Http404("unknown survey")
    return survey


def _may_preview(request) -> bool:
    """Staff who may see surveys in the admin see a draft or a survey not yet open as it will look."""
    user = request.user
    return user.is_active and user.is_staff and user.has_perm("surveys.view_survey")


def _answered_on(request, survey: Survey) -> date | None:
    """The day this browser answered the survey, or None."""
    return done_on(request, ANSWERED_COOKIE.format(pk=survey.pk), salt=ANSWERED_SALT)


def _remember_answer(response, survey: Survey, day: date) -> None:
    """Remember it until the survey closes (then the form is gone anyway)."""
    keep = max(survey.closes_at - timezone.now(), timedelta(0)) + ANSWERED_KEEP_AFTER_CLOSING
    remember_done(response, ANSWERED_COOKIE.format(pk=survey.pk), salt=ANSWERED_SALT, day=day, keep=keep)


def _thanks(survey: Survey, answered: SurveyResponse):
    response = redirect("surveys:thanks", slug=survey.slug)
    _remember_answer(response, survey, timezone.localdate(answered.created_at))
    return response


@never_cache
def survey_detail(request, slug: str):
    """A survey's page: before it opens, when it will; while open, its form (once per browser: a signed cookie
    remembers it, and the rate limit stops a script that drops cookies); once closed, on to its results.

    The order of a POST's checks is that of the other forms (feedback.protection.submit_once): a replayed token
    first (a double click gets the same thanks, nothing stored twice), then "already answered", then the rate
    limit, then the answers.
    """
    survey = _survey_or_404(slug, draft_ok=True)
    now = timezone.now()
    state = survey.state_at(now)
    context = {"survey": survey, "state": state, "states": Survey.State}
    if state == Survey.State.CLOSED:
        return redirect("surveys:results", slug=survey.slug)
    if state in (Survey.State.DRAFT, Survey.State.UPCOMING):
        preview = _may_preview(request)
        if state == Survey.State.DRAFT and not preview:
            raise Http404("unknown survey")
        if preview:
            questions = selectors.survey_questions(survey=survey)
            context.update(preview=True, form=SurveyForm(questions=questions))
        status = 409 if request.method == "POST" else 200
        return render(request, "surveys/detail.html", context, status=status)

    def replay(token):
        done = SurveyResponse.objects.filter(submission_token=token, survey=survey).first()
        return None if done is None else _thanks(survey, done)

    def save(form):
        sender = Sender(ip_hash=ip_hash(request), language=get_language())
        try:
            answered, _created = survey_response_submit(
                survey=survey, answers=form.answers(), sender=sender, token=form.cleaned_data["token"]
            )
        except SurveyNotOpen:  # it closed while the person was answering
            return redirect("surveys:detail", slug=survey.slug)
        return _thanks(survey, answered)

    def show(form, *, done=None, status=200):
        if done is None:
            context["form"] = form
        else:
            context["answered_on"] = done
        return render(request, "surveys/detail.html", context, status=status)

    return submit_once(
        request,
        scope="survey",
        form=lambda data: SurveyForm(data, questions=selectors.survey_questions(survey=survey)),
        replay=replay,
        save=save,
        show=show,
        done=_answered_on(request, survey),
    )


@never_cache
def survey_thanks(request, slug: str):
    survey = _survey_or_404(slug)
    return render(request, "surveys/thanks.html", {"survey": survey, "states": Survey.State})


@public_page
def survey_results(request, slug: str):
    """The results, once the survey has closed; before, when they will be published."""
    survey = _survey_or_404(slug)
    state = survey.state_at(timezone.now())
    context = {"survey": survey, "state": state, "states": Survey.State}
    if state == Survey.State.CLOSED:
        context["results"] = selectors.survey_results(survey=survey)
    return render(request, "surveys/results.html", context)


def _closed_survey_or_404(slug: str) -> Survey:
    survey = _survey_or_404(slug)
    if survey.state_at(timezone.now()) != Survey.State.CLOSED:
        raise Http404("no results yet")
    return survey


@public_page(params=("page",))
def survey_texts(request, slug: str, number: int):
    """Every approved free-text answer to one question, a page at a time."""
    survey = _closed_survey_or_404(slug)
    question = survey.questions.filter(order=number, kind=Question.Kind.TEXT).first()
    if question is None:
        raise Http404("no such free-text question")
    page = Paginator(selectors.survey_texts(question=question), TEXTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/texts.html",
        {"survey": survey, "question": question, "page": page, "texts": list(page.object_list)},
    )


@public_page
def survey_csv(request, slug: str):
    """The results as CSV: the figures and the approved free texts, never anything about who answered."""
    survey = _closed_survey_or_404(slug)
    body = selectors.survey_results_csv(results=selectors.survey_results(survey=survey, texts_per_question=0))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="encuesta-{survey.slug}.csv"'
    return response
