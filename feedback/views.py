"""The participation pages: the ways to take part, suggestions, complaints and questions with their tracking and
public answers, and comments on and evaluations of a commitment. (The plan's page is meetings', the surveys are
surveys'.)

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
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache

from commitments.models import Canton, Parish
from commitments.selectors import plan_current
from conecta.cache import public_page
from conecta.extensions import panels_for
from conecta.preview import preview_response

from . import selectors, services
from .forms import CommentForm, EvaluationForm, ReplyForm, SuggestionForm
from .models import Comment, Evaluation, Suggestion, SuggestionReply
from .protection import done_on, ip_hash, rate_limit_hit, remember_done, submit_once, too_many_attempts

CODE = re.compile(r"[A-Z0-9]{1,12}")
ANSWERS_PER_PAGE = 20
COMMENTS_PER_PAGE = 30
# The signed cookie that remembers, in this browser, that a commitment was already evaluated.
EVALUATED_COOKIE = "conecta_eval_{code}"
EVALUATED_SALT = "feedback.evaluation"
EVALUATED_DAYS = 365


# Taking part.


@public_page
def participate(request):
    """The ways to take part, each with its form or a link to it."""
    plan = plan_current()
    return render(
        request,
        "feedback/participate.html",
        {
            "commitments": selectors.commitment_choices(plan=plan),
            "answers_count": selectors.answers_public().count(),
            "panels": panels_for("feedback:participate", request, None),
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

    def replay(token):
        done = Suggestion.objects.filter(submission_token=token).only("tracking_code").first()
        return None if done is None else redirect("feedback:suggestion_sent", code=done.tracking_code)

    def save(form):
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

    def show(form):
        return render(request, "feedback/suggestion_form.html", {"form": form})

    return submit_once(
        request,
        scope="suggestion",
        form=lambda data: SuggestionForm(data, **choices),
        replay=replay,
        save=save,
        show=show,
    )


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
    context = {
        "raw": raw[:40],
        "searched": True,
        "code": code,
        "suggestion": suggestion,
        "form": None,
        "panels": panels_for("feedback:track", request, suggestion),
    }
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
    raw = request.POST.get("codigo", "")

    def replied(suggestion):
        return redirect(_tracking_url(suggestion.tracking_code, respuesta=REPLY_SENT) + "#reply-sent")

    def replay(token):
        done = SuggestionReply.objects.filter(submission_token=token).select_related("suggestion").first()
        return None if done is None else replied(done.suggestion)

    def written_to():
        """The suggestion of the code sent, and the page that refuses the reply when there is none (200) or it
        takes no replies (409)."""
        code = services.tracking_code_normalise(raw)
        suggestion = selectors.suggestion_tracked(code=code) if code else None
        if suggestion is None:
            return None, _track_page(request, raw=raw, suggestion=None)
        if not services.suggestion_accepts_replies(suggestion):
            return suggestion, _track_page(request, raw=raw, suggestion=suggestion, status=409)
        return suggestion, None

    def save(form):
        suggestion, refused = written_to()
        if refused is not None:
            return refused
        try:
            services.suggestion_reply_submit(
                suggestion=suggestion,
                text=form.cleaned_data["text"],
                sender=_sender(request, form),
                token=form.cleaned_data["token"],
            )
        except services.ReplyRefused:
            return _track_page(request, raw=raw, status=409)
        return replied(suggestion)

    def show(form):
        suggestion, refused = written_to()
        if refused is not None:
            return refused
        return _track_page(request, raw=raw, suggestion=suggestion, form=form)

    return submit_once(request, scope="reply", form=ReplyForm, replay=replay, save=save, show=show)


@public_page(params=("page",))
def answers(request):
    """ "You said / We did": answered suggestions, complaints and questions that staff made public."""
    page = Paginator(selectors.answers_public(), ANSWERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "feedback/answers.html", {"page": page, "answers": list(page.object_list)})


def answer(request, pk: int):
    """The lasting address of one public answer, which its share links carry: the "You said, we did" page it is on
    today (newer answers move it to later pages), at its anchor. One query; 404 for anything not public."""
    order = list(selectors.answers_public().values_list("pk", flat=True))
    if pk not in order:
        raise Http404("unknown answer")
    page = order.index(pk) // ANSWERS_PER_PAGE + 1
    query = f"?{urlencode({'page': page})}" if page > 1 else ""
    return redirect(f"{reverse('feedback:answers')}{query}#answer-{pk}")


def answers_preview(request):
    """The picture a link to the "You said, we did" page (or to one of its answers) shows where it is shared
    (conecta.preview); the same for every answer, so no query."""
    return preview_response(
        title=gettext("You said, we did"),
        subtitle=gettext("What citizens told the Provincial Government of Pastaza, and what it did about it."),
        percent=None,
        label=gettext("Take part"),
        language=get_language(),
    )


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

    def sent():
        return redirect("feedback:comment_sent", code=commitment.code)

    def replay(token):
        return sent() if Comment.objects.filter(submission_token=token).exists() else None

    def save(form):
        services.comment_submit(
            commitment=commitment,
            text=form.cleaned_data["text"],
            sender=_sender(request, form),
            token=form.cleaned_data["token"],
        )
        return sent()

    def show(form):
        return render(request, "feedback/comment_form.html", {"form": form, "commitment": commitment})

    return submit_once(request, scope="comment", form=CommentForm, replay=replay, save=save, show=show)


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

    def sent():
        return redirect("feedback:evaluation_sent", code=commitment.code)

    def replay(token):
        return sent() if Evaluation.objects.filter(submission_token=token).exists() else None

    def save(form):
        services.evaluation_submit(
            commitment=commitment,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
            sender=_sender(request, form),
            token=form.cleaned_data["token"],
        )
        response = sent()
        _remember_evaluation(response, commitment)
        return response

    def show(form, *, done=None, status=200):
        context = {"form": form, "commitment": commitment, "already": done}
        return render(request, "feedback/evaluation_form.html", context, status=status)

    return submit_once(
        request,
        scope="evaluation",
        form=EvaluationForm,
        replay=replay,
        save=save,
        show=show,
        done=_evaluated_on(request, commitment),
    )


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
