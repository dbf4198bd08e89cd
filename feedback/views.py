"""The participation pages: about the plan; taking part (suggestions, complaints and questions, their tracking
and public answers; comments on and evaluations of a commitment).

Pages with a form are never cached (their CSRF token is the visitor's own); the cached pages link to them.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from commitments.models import Canton, Parish
from commitments.selectors import plan_current
from conecta.cache import public_page

from . import selectors, services
from .forms import CommentForm, EvaluationForm, ReplyForm, SuggestionForm
from .models import Comment, Evaluation, Meeting, Suggestion, SuggestionReply
from .protection import done_on, ip_hash, posted_token, rate_limit_hit, remember_done, too_many_attempts

CODE = re.compile(r"[A-Z0-9]{1,12}")
ANSWERS_PER_PAGE = 20
COMMENTS_PER_PAGE = 30
# The signed cookie that remembers, in this browser, that a commitment was already evaluated.
EVALUATED_COOKIE = "conecta_eval_{code}"
EVALUATED_SALT = "feedback.evaluation"
EVALUATED_DAYS = 365


@public_page
def plan_about(request):
    """About the plan: its dates, foreword, vision and challenges, how it was co-created (the workshops and who
    took part) and how it is implemented and monitored."""
    plan = plan_current()
    workshops = selectors.meetings_public(plan=plan, kind=Meeting.Kind.COCREATION_WORKSHOP)
    overall = selectors.attendance_overall(workshops)
    return render(
        request,
        "feedback/plan.html",
        {
            "plan": plan,
            "workshops": workshops,
            "overall": overall,
            "per_workshop": [(w.short_name, w.attendance_figures.total) for w in workshops],
        },
    )


# Taking part.


@public_page
def participate(request):
    """The ways to take part, each with its form or a link to it."""
    from .survey_selectors import surveys_open

    plan = plan_current()
    return render(
        request,
        "feedback/participate.html",
        {
            "commitments": selectors.commitment_choices(plan=plan),
            "answers_count": selectors.answers_public().count(),
            "open_surveys": surveys_open(now=timezone.now()),
        },
    )


def choose_commitment(request):
    """The landing page's "comment on / evaluate a commitment" GET form: on to the chosen commitment's form."""
    code = request.GET.get("compromiso", "")[:12].upper()
    if not CODE.fullmatch(code) or selectors.commitment_for_participation(code=code) is None:
        return redirect("feedback:participate")
    action = "feedback:evaluate" if request.GET.get("accion") == "evaluar" else "feedback:comment"
    return redirect(action, code=code)


def _sender(request, form) -> services.Sender:
    data = form.cleaned_data
    return services.Sender(
        name=data.get("name", ""),
        email=data.get("email", ""),
        phone=data.get("phone", ""),
        ip_hash=ip_hash(request),
        language=get_language(),
    )


@never_cache
def suggestion_new(request):
    """Send a suggestion, complaint or question; the answer is a tracking code."""
    plan = plan_current()
    choices = {"commitments": selectors.commitment_choices(plan=plan), "cantons": selectors.place_choices()}
    if request.method == "POST":
        token = posted_token(request.POST)
        done = Suggestion.objects.filter(submission_token=token).only("tracking_code").first() if token else None
        if done is not None:  # a reload or a second click: the same confirmation, nothing stored twice
            return redirect("feedback:suggestion_sent", code=done.tracking_code)
        wait = rate_limit_hit(request, "suggestion")
        if wait:
            return too_many_attempts(request, wait)
        form = SuggestionForm(request.POST, **choices)
        if form.is_valid():
            data = form.cleaned_data
            place = data["place"]
            suggestion, _created = services.suggestion_submit(
                kind=data["kind"],
                text=data["text"],
                commitment=data["commitment"],
                canton=place if isinstance(place, Canton) else None,
                parish=place if isinstance(place, Parish) else None,
                sender=_sender(request, form),
                token=data["token"],
            )
            return redirect("feedback:suggestion_sent", code=suggestion.tracking_code)
    else:
        form = SuggestionForm(**choices)
    return render(request, "feedback/suggestion_form.html", {"form": form})


@never_cache
def suggestion_sent(request, code: str):
    suggestion = (
        Suggestion.objects.filter(tracking_code=services.tracking_code_normalise(code) or "")
        .only("tracking_code", "kind", "created_at")
        .first()
    )
    if suggestion is None:
        raise Http404("unknown tracking code")
    return render(request, "feedback/suggestion_sent.html", {"suggestion": suggestion})


# On the tracking page: ?codigo=<code>&respuesta=enviada after a reply was stored.
REPLY_SENT = "enviada"


@never_cache
def track(request):
    """Follow a message by its tracking code: its status and the dated exchange (answers, replies); never who
    sent it. Whoever holds the code may write back (reply_new)."""
    raw = request.GET.get("codigo", "")
    if not raw.strip():
        return render(request, "feedback/track.html", {"raw": raw[:40], "searched": False})
    wait = rate_limit_hit(request, "track")
    if wait:
        return too_many_attempts(request, wait)
    return _track_page(request, raw=raw, replied=request.GET.get("respuesta") == REPLY_SENT)


_UNREAD = object()


def _track_page(
    request,
    *,
    raw: str,
    suggestion=_UNREAD,
    form: ReplyForm | None = None,
    replied: bool = False,
    status: int = 200,
):
    """The tracking page of the code `raw` (its suggestion, when the caller already read it): the message, its
    timeline and, when it takes replies, the form."""
    code = services.tracking_code_normalise(raw)
    if suggestion is _UNREAD:
        suggestion = selectors.suggestion_tracked(code=code) if code else None
    context = {"raw": raw[:40], "searched": True, "code": code, "suggestion": suggestion, "form": None}
    if suggestion is not None:
        accepts = services.suggestion_accepts_replies(suggestion)
        timeline = selectors.suggestion_timeline(suggestion, get_language())
        context.update(
            statuses=Suggestion.Status.choices,
            timeline=timeline,
            answered_any=any(entry.kind == "answer" for entry in timeline),
            accepts_replies=accepts,
            replied=replied,
            form=(form or ReplyForm()) if accepts else None,
        )
    return render(request, "feedback/track.html", context, status=status)


def _tracking_url(code: str, **params) -> str:
    return f"{reverse('feedback:track')}?{urlencode({'codigo': code, **params})}"


@never_cache
def reply_new(request):
    """Write back about a message, from its tracking page (the code travels in the form). Stored once per form
    token, pending moderation and never public; the message goes back under review."""
    if request.method != "POST":
        code = services.tracking_code_normalise(request.GET.get("codigo", ""))
        return redirect(_tracking_url(code) if code else reverse("feedback:track"))
    token = posted_token(request.POST)
    done = (
        SuggestionReply.objects.filter(submission_token=token).select_related("suggestion").first() if token else None
    )
    if done is not None:  # a reload or a second click: the same confirmation, nothing stored twice
        return redirect(_tracking_url(done.suggestion.tracking_code, respuesta=REPLY_SENT) + "#reply-sent")
    wait = rate_limit_hit(request, "reply")
    if wait:
        return too_many_attempts(request, wait)
    raw = request.POST.get("codigo", "")
    code = services.tracking_code_normalise(raw)
    suggestion = selectors.suggestion_tracked(code=code) if code else None
    if suggestion is None or not services.suggestion_accepts_replies(suggestion):
        return _track_page(request, raw=raw, suggestion=suggestion, status=200 if suggestion is None else 409)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _track_page(request, raw=raw, suggestion=suggestion, form=form)
    try:
        services.suggestion_reply_submit(
            suggestion=suggestion,
            text=form.cleaned_data["text"],
            sender=_sender(request, form),
            token=form.cleaned_data["token"],
        )
    except services.ReplyRefused:
        return _track_page(request, raw=raw, status=409)
    return redirect(_tracking_url(suggestion.tracking_code, respuesta=REPLY_SENT) + "#reply-sent")


@public_page(params=("page",))
def answers(request):
    """ "You said / We did": answered suggestions, complaints and questions that staff made public."""
    page = Paginator(selectors.answers_public(), ANSWERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "feedback/answers.html", {"page": page, "answers": list(page.object_list)})


# A commitment's comments and evaluations.


def _commitment_or_404(code: str):
    code = code.upper()
    commitment = selectors.commitment_for_participation(code=code) if CODE.fullmatch(code) else None
    if commitment is None:
        raise Http404("unknown commitment")
    return commitment


@never_cache
def comment_new(request, code: str):
    commitment = _commitment_or_404(code)
    if request.method == "POST":
        token = posted_token(request.POST)
        if token and Comment.objects.filter(submission_token=token).exists():
            return redirect("feedback:comment_sent", code=commitment.code)
        wait = rate_limit_hit(request, "comment")
        if wait:
            return too_many_attempts(request, wait)
        form = CommentForm(request.POST)
        if form.is_valid():
            services.comment_submit(
                commitment=commitment,
                text=form.cleaned_data["text"],
                sender=_sender(request, form),
                token=form.cleaned_data["token"],
            )
            return redirect("feedback:comment_sent", code=commitment.code)
    else:
        form = CommentForm()
    return render(request, "feedback/comment_form.html", {"form": form, "commitment": commitment})


@never_cache
def comment_sent(request, code: str):
    return render(request, "feedback/comment_sent.html", {"commitment": _commitment_or_404(code)})


@public_page(params=("page",))
def comments(request, code: str):
    """Every approved comment on a commitment (its page shows the latest few)."""
    commitment = _commitment_or_404(code)
    page = Paginator(selectors.comments_public(commitment=commitment), COMMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "feedback/comments.html", {"commitment": commitment, "page": page, "comments": list(page.object_list)}
    )


def _evaluated_on(request, commitment) -> date | None:
    """The day this browser evaluated the commitment, or None."""
    return done_on(
        request,
        EVALUATED_COOKIE.format(code=commitment.code),
        salt=EVALUATED_SALT,
        max_age=timedelta(days=EVALUATED_DAYS),
    )


def _remember_evaluation(response, commitment) -> None:
    remember_done(
        response,
        EVALUATED_COOKIE.format(code=commitment.code),
        salt=EVALUATED_SALT,
        day=timezone.localdate(),
        keep=timedelta(days=EVALUATED_DAYS),
    )


@never_cache
def evaluation_new(request, code: str):
    """Evaluate a commitment's progress (1-5), once per browser: a signed cookie remembers it, and the rate
    limit stops a script that drops cookies."""
    commitment = _commitment_or_404(code)
    if request.method == "POST":
        token = posted_token(request.POST)
        if token and Evaluation.objects.filter(submission_token=token).exists():
            return redirect("feedback:evaluation_sent", code=commitment.code)
    already = _evaluated_on(request, commitment)
    if already:
        return render(
            request,
            "feedback/evaluation_form.html",
            {"commitment": commitment, "already": already, "form": None},
            status=409 if request.method == "POST" else 200,
        )
    if request.method == "POST":
        wait = rate_limit_hit(request, "evaluation")
        if wait:
            return too_many_attempts(request, wait)
        form = EvaluationForm(request.POST)
        if form.is_valid():
            services.evaluation_submit(
                commitment=commitment,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                sender=_sender(request, form),
                token=form.cleaned_data["token"],
            )
            response = redirect("feedback:evaluation_sent", code=commitment.code)
            _remember_evaluation(response, commitment)
            return response
    else:
        form = EvaluationForm()
    return render(request, "feedback/evaluation_form.html", {"form": form, "commitment": commitment})


@never_cache
def evaluation_sent(request, code: str):
    return render(request, "feedback/evaluation_sent.html", {"commitment": _commitment_or_404(code)})


def csrf_failure(request, reason: str = ""):
    """A form sent without its security token (cookies off, a page left open for very long, a forged form):
    explained in the visitor's language, with the way back. Nothing was stored."""
    return render(request, "feedback/csrf_failure.html", {"back": _safe_back(request)}, status=403)


def _safe_back(request) -> str:
    """The page the form was on, when it is one of ours (its path only), else the participation page."""
    path = request.path
    if path.startswith(f"/{get_language()}/participa/"):
        return path
    return reverse("feedback:participate")
