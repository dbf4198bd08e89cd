"""The public pages of the alerts: the follow form, the confirmation of its e-mail's link, unsubscribing (the
link of every alert, RFC 8058 one-click included) and the page that manages every subscription of one address.

None is cached: the follow and confirm pages hold CSRF forms, and the others are about one address. The
unsubscribe and manage POSTs need no CSRF token and no session: their link's signed token is the credential, and
a mail program's one-click POST carries no cookie. Every GET only shows: mail scanners open the links of an
e-mail, so confirming and unsubscribing take a button (a POST).
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from feedback.protection import ip_hash, rate_limit_hit, submit_once

from . import services, targets, tokens
from .forms import ChangeForm, EndForm, FollowForm
from .models import ConsentHow, Frequency, Subscription, SubscriptionState

# Longer than any token of ours (alerts.tokens): anything longer is refused before it is read.
TOKEN_MAX = 200
KEY_MAX = 80
# The form tokens already used, so that a double click or a reload answers the same page and asks nothing twice.
USED_FORM_TOKEN = "conecta:alerts:follow:{token}"
USED_FORM_SECONDS = 24 * 3600
# The manage page's message after a change (?hecho=...): only these.
DONE = ("cambio", "baja", "todo", "nada")
# What every page of the alerts answers to: any other method is a 405 before anything is read or resolved.
METHODS = ("GET", "HEAD", "POST")


def _not_found(request, reason: str):
    """The 404 of the alerts' pages, in the visitor's language: what was not found and what to do."""
    return render(request, "alerts/not_found.html", {"reason": reason}, status=404)


def _too_many(request, wait_seconds: int):
    """HTTP 429 in the alerts' own words (feedback's page speaks of sending a message): how long to wait."""
    response = render(request, "alerts/too_many.html", {"minutes": max(1, math.ceil(wait_seconds / 60))}, status=429)
    response["Retry-After"] = str(wait_seconds)
    return response


def _target(key: str) -> targets.Target | None:
    return targets.resolve(key) if key and len(key) <= KEY_MAX else None


def _follow_url(key: str) -> str:
    return f"{reverse('alerts:follow')}?{urlencode({'que': key})}"


def mask_email(email: str) -> str:
    """j***@gmail.com: enough for the person to recognise their address, not for a passer-by to read it."""
    local, _at, domain = (email or "").rpartition("@")
    return f"{local[:1]}***@{domain}" if local else "***"


def _labelled(subscription: Subscription, resolved: dict | None = None) -> dict:
    """A subscription as the pages show it: the thing's current label and page in this language while it is
    published, the subscription open or ended, else the Spanish name it had when it was followed, marked as
    Spanish. One query per thing: `resolved` keeps what the rows of one page already looked up."""
    resolved = {} if resolved is None else resolved
    if subscription.target not in resolved:
        resolved[subscription.target] = targets.resolve(subscription.target)
    target = resolved[subscription.target]
    if target is not None:
        return {"s": subscription, "label": target.label, "url": target.url, "fallback": target.fallback}
    return {"s": subscription, "label": subscription.target_label, "url": "", "fallback": get_language() != "es"}


# Following.


@never_cache
def follow(request):
    """GET ?que=<key>: what will be followed and the form; POST: ask for it (alerts.services.subscribe), answered
    by the same page whether the address is new, already follows it or had too many e-mails today."""
    if request.method not in METHODS:
        return HttpResponseNotAllowed(METHODS)
    key = request.GET.get("que", "")
    if key.startswith("code:"):
        # Whether a tracking code exists is told here, to a GET, a HEAD or a POST alike, as on the tracking pages:
        # within their rate limit, so that this page is no faster way to guess codes.
        wait = rate_limit_hit(request, "track")
        if wait is not None:
            return _too_many(request, wait)
    target = _target(key)
    if target is None:
        return _not_found(request, "target")
    options = targets.options(key) or [target]
    chosen = {option.key: option for option in options}

    def sent(target_key: str):
        context = {
            "target": chosen.get(target_key, target),
            "hours": settings.ALERTS_CONFIRM_HOURS,
            "limit": settings.ALERTS_CONFIRMATIONS_PER_DAY,
        }
        return render(request, "alerts/follow_sent.html", context)

    def replay(token):
        target_key = cache.get(USED_FORM_TOKEN.format(token=token))
        return None if target_key is None else sent(target_key)

    def save(form):
        data = form.cleaned_data
        services.subscribe(
            email=data["email"],
            target=data["target"],
            language=data["language"],
            frequency=data["frequency"],
            ip_hash=ip_hash(request),
        )
        cache.set(USED_FORM_TOKEN.format(token=data["token"]), data["target"], USED_FORM_SECONDS)
        return sent(data["target"])

    def show(form):
        return render(
            request,
            "alerts/follow.html",
            {"form": form, "target": target, "options": options, "action": _follow_url(key)},
        )

    response = submit_once(
        request,
        scope="follow",
        form=lambda data: FollowForm(data, options=options, language=get_language()),
        replay=replay,
        save=save,
        show=show,
    )
    if response.status_code == 429:
        # submit_once answers its rate limit with the participation forms' page: the same wait, in our words.
        return _too_many(request, int(response["Retry-After"]))
    return response


# Confirming.


@never_cache
def confirm(request, token: str):
    """GET: what the link confirms, and the button; POST: confirm it. An expired link says so and offers to ask
    again; a forged one is a 404."""
    if request.method not in METHODS:
        return HttpResponseNotAllowed(METHODS)
    if len(token) > TOKEN_MAX:
        return _not_found(request, "link")
    if request.method == "POST":
        result = services.confirm(token=token, ip_hash=ip_hash(request))
        subscription, outcome = result.subscription, result.outcome
    else:
        subscription, expired = services.subscription_for_confirm_token(token)
        if subscription is None or not subscription.recipient.email:
            outcome = services.Confirmation.UNKNOWN
        elif subscription.state == SubscriptionState.ACTIVE:
            outcome = services.Confirmation.ALREADY
        elif subscription.state == SubscriptionState.ENDED:
            outcome = services.Confirmation.ENDED
        else:
            outcome = services.Confirmation.EXPIRED if expired else "ask"
    if outcome == services.Confirmation.UNKNOWN:
        return _not_found(request, "link")
    recipient = subscription.recipient
    context = {
        "outcome": outcome,
        "item": _labelled(subscription),
        "email": mask_email(recipient.email),
        "follow_url": _follow_url(subscription.target),
        "manage_url": reverse("alerts:manage", args=[tokens.manage_token(recipient)]),
        "hours": settings.ALERTS_CONFIRM_HOURS,
    }
    gone = outcome in (services.Confirmation.EXPIRED, services.Confirmation.ENDED)
    return render(request, "alerts/confirm.html", context, status=410 if gone else 200)


# Unsubscribing.


@csrf_exempt
@never_cache
def unsubscribe(request, token: str):
    """The link of every alert (List-Unsubscribe). GET: what will stop, and a button; POST (the button, or the
    mail program's one-click POST of RFC 8058, body List-Unsubscribe=One-Click, without cookies): stop it.
    Posting again answers the same."""
    if request.method not in METHODS:
        return HttpResponseNotAllowed(METHODS)
    recipient, frequency = (None, "") if len(token) > TOKEN_MAX else services.recipient_for_unsubscribe_token(token)
    if recipient is None:
        return _not_found(request, "link")
    manage_url = reverse("alerts:manage", args=[tokens.manage_token(recipient)])
    context = {
        "email": mask_email(recipient.email),
        "frequency": Frequency(frequency).label,
        "manage_url": manage_url,
    }
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        services.unsubscribe(
            recipient_token=recipient.token,
            frequency=frequency,
            how=ConsentHow.ONE_CLICK if one_click else ConsentHow.UNSUBSCRIBE_PAGE,
            ip_hash=ip_hash(request),
        )
        return render(request, "alerts/unsubscribed.html", context)
    subscriptions = recipient.subscriptions.filter(frequency=frequency, state__in=services.OPEN)
    context["items"] = [_labelled(subscription) for subscription in subscriptions]
    context["action"] = request.path
    return render(request, "alerts/unsubscribe.html", context)


# Managing.


@csrf_exempt
@never_cache
def manage(request, token: str):
    """Every subscription of the address (what, language, frequency, state, since): change the language or
    frequency of one, end one, or end them all (POSTs, answered by a redirect to this page with a message)."""
    if request.method not in METHODS:
        return HttpResponseNotAllowed(METHODS)
    recipient = None if len(token) > TOKEN_MAX else services.recipient_for_manage_token(token)
    if recipient is None:
        return _not_found(request, "link")
    here = reverse("alerts:manage", args=[token])
    failed = None
    if request.method == "POST":
        action = request.POST.get("accion", "")
        done = "nada"
        if action == "cambiar":
            form = ChangeForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                changed = services.manage_change(
                    recipient_token=recipient.token,
                    subscription_id=data["subscription"],
                    frequency=data["frequency"],
                    language=data["language"],
                    ip_hash=ip_hash(request),
                )
                done = "cambio" if changed else "nada"
            else:
                failed = form
        elif action == "terminar":
            form = EndForm(request.POST)
            if form.is_valid():
                ended = services.manage_end(
                    recipient_token=recipient.token,
                    subscription_id=form.cleaned_data["subscription"],
                    ip_hash=ip_hash(request),
                )
                done = "baja" if ended else "nada"
        elif action == "todo":
            ended = services.end_all(recipient_token=recipient.token, ip_hash=ip_hash(request))
            done = "todo" if ended else "nada"
        if failed is None:
            return redirect(f"{here}?hecho={done}", permanent=False)

    subscriptions = list(recipient.subscriptions.all())
    subscriptions.sort(key=lambda s: s.state == SubscriptionState.ENDED)  # open first, each part newest first
    rows, resolved = [], {}
    for subscription in subscriptions:
        row = _labelled(subscription, resolved)
        if subscription.state != SubscriptionState.ENDED:
            bound = failed is not None and failed.data.get("subscription") == str(subscription.pk)
            row["form"] = (
                ChangeForm(failed.data, subscription=subscription) if bound else ChangeForm(subscription=subscription)
            )
        rows.append(row)
    done = request.GET.get("hecho", "")
    context = {
        "email": mask_email(recipient.email),
        "open": [row for row in rows if row["s"].state != SubscriptionState.ENDED],
        "ended": [row for row in rows if row["s"].state == SubscriptionState.ENDED],
        "done": done if done in DONE else "",
        "failed": failed is not None,
        "action": here,
        "retention_months": settings.ALERTS_RETENTION_MONTHS,
    }
    # A refused change is shown with its message and a 200, as on every public form of the portal.
    return render(request, "alerts/manage.html", context)
