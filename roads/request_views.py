"""The public side of road requests: the form that reports a problem on a road, its confirmation, the tracking
page, the published requests with their figures per parish, and their public photos.

The form is feedback's suggestion box for roads: the same protections in the same order
(feedback.protection.submit_once: the form token, the rate limit, the honeypot), the same contact fields and
privacy consent, a tracking code as the answer. Pages with a form are never cached; the list and the request's page
are (conecta.cache.public_page) and show only what moderators approved, never the sender's contact data.
"""

from __future__ import annotations

import re
from functools import wraps
from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_permissions_policy import PermissionsPolicyMiddleware

from commitments.views import DIGEST
from conecta.cache import public_page
from conecta.extensions import panels_for
from conecta.files import stored_file_response
from feedback.contributions import Sender
from feedback.protection import ip_hash, rate_limit_hit, submit_once, too_many_attempts
from feedback.selectors import place_choices
from feedback.services import tracking_code_normalise

from . import request_selectors as selectors
from . import services
from .forms import PHOTO_TYPES, RoadRequestForm
from .models import RoadRequest

REQUESTS_PER_PAGE = 20
# The rate-limit scope of the form (settings.PARTICIPATION_RATE_LIMITS; "default" when it has no line of its own).
# The tracking page counts with feedback's: guessing codes of either kind draws on one allowance.
FORM_SCOPE = "road_request"
TRACK_SCOPE = "track"
# What each status means for the person who sent the request (the confirmation and the tracking page say it).
STATUS_MEANINGS = {
    RoadRequest.Status.RECEIVED: _("It has arrived and awaits review."),
    RoadRequest.Status.SCHEDULED: _("The repair is planned."),
    RoadRequest.Status.IN_PROGRESS: _("The repair is under way."),
    RoadRequest.Status.FIXED: _("The problem was fixed, on the date shown."),
    RoadRequest.Status.CLOSED: _("It was closed without a repair; the note says why."),
    RoadRequest.Status.NOT_PROVINCIAL: _(
        "The road is in the care of another government (the municipality or the parish, for example); the note "
        "says whose."
    ),
}
# Tracking codes as stored, for the addresses that carry one.
STORED_CODE = re.compile(r"VP-[A-Z0-9]{4}-[A-Z0-9]{2}")


def _position_allowed(view):
    """The form's one script (static/js/road-position.js) fills the position with the phone's when the person
    presses "Use my position". This page alone lets scripts of the portal's own origin run (no inline script:
    `script-src 'self'`) and lets the portal's own origin ask for the position (Permissions-Policy
    `geolocation=(self)`; the browser then asks the person); every other page keeps the policies that allow
    neither. Without the script, or with the permission refused, the form works the same."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response._permissions_policy_override = PermissionsPolicyMiddleware.compute_header_value(
            {**settings.PERMISSIONS_POLICY, "geolocation": ["self"]}, name="PERMISSIONS_POLICY"
        )
        return response

    return csp_replace({"script-src": ["'self'"]})(wrapper)


def _status_meanings() -> list[tuple[str, str]]:
    return [(label, STATUS_MEANINGS[value]) for value, label in RoadRequest.Status.choices]


def _sender(request, form) -> Sender:
    data = form.cleaned_data
    return Sender(
        name=data.get("name", ""),
        email=data.get("email", ""),
        phone=data.get("phone", ""),
        ip_hash=ip_hash(request),
        language=get_language(),
    )


@never_cache
@_position_allowed
def request_new(request):
    """Report a problem on a road; the answer is a tracking code. Stored once per form token, pending moderation."""
    choices = {"cantons": place_choices(), "works": selectors.works_for_choice()}

    def sent(road_request):
        return redirect("roads:request_sent", code=road_request.tracking_code)

    def replay(token):
        done = RoadRequest.objects.filter(submission_token=token).only("tracking_code").first()
        return None if done is None else sent(done)

    def save(form):
        data = form.cleaned_data
        try:
            road_request, _created = services.request_submit(
                kind=data["kind"],
                parish=data["parish"],
                description=data["description"],
                sender=_sender(request, form),
                token=data["token"],
                community=data["community"],
                road_name=data["road_name"],
                work=data["work"],
                photo=data["photo"],
                latitude=data["latitude"],
                longitude=data["longitude"],
            )
        except ValidationError as error:
            # The photo passed the form's quick checks but cannot be decoded (damaged, too many pixels).
            form.add_error("photo", error)
            return show(form)
        return sent(road_request)

    def show(form):
        return render(request, "roads/request_form.html", {"form": form})

    return submit_once(
        request,
        scope=FORM_SCOPE,
        form=lambda data: RoadRequestForm(data, request.FILES if data is not None else None, **choices),
        replay=replay,
        save=save,
        show=show,
    )


@never_cache
def request_sent(request, code: str):
    """The tracking code, large, with what happens next."""
    road_request = (
        RoadRequest.objects.filter(tracking_code=services.request_tracking_code_normalise(code) or "")
        .only("tracking_code", "kind", "created_at")
        .first()
    )
    if road_request is None:
        raise Http404("unknown tracking code")
    return render(
        request, "roads/request_sent.html", {"road_request": road_request, "status_meanings": _status_meanings()}
    )


@never_cache
def request_track(request):
    """Follow a request by its tracking code: its status, the public note of each change, the work that answers
    it; published or not, but never who sent it nor what they wrote (whoever holds the code sees this page)."""
    raw = request.GET.get("codigo", "")
    if not raw.strip():
        return render(request, "roads/request_track.html", {"raw": raw[:40], "searched": False})
    wait = rate_limit_hit(request, TRACK_SCOPE)
    if wait:
        return too_many_attempts(request, wait)
    code = services.request_tracking_code_normalise(raw)
    road_request = selectors.request_tracked(code=code) if code else None
    context = {
        # A suggestion's code (PZ-...) typed here: the page says where to follow it.
        "suggestion_code": None if code else tracking_code_normalise(raw),
        "raw": raw[:40],
        "searched": True,
        "code": code,
        "road_request": road_request,
        "meaning": STATUS_MEANINGS.get(road_request.status) if road_request else None,
        "panels": panels_for("roads:request_track", request, road_request),
    }
    return render(request, "roads/request_track.html", context)


@public_page(params=("estado", "tipo", "canton", "parroquia", "page"))
def requests(request):
    """The published requests, newest first, filtered by status, problem, canton or parish; and the figures per
    parish over every request received (but those rejected or hidden by moderators)."""
    cantons = place_choices()
    filters = selectors.request_filters(request.GET, cantons=cantons)
    page = Paginator(selectors.requests_public(filters), REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [selectors.for_public(road_request) for road_request in page.object_list]
    by_parish, total = selectors.request_figures(cantons=cantons)
    return render(
        request,
        "roads/request_list.html",
        {
            "page": page,
            "road_requests": rows,
            "filters": filters,
            "query": urlencode(filters.query()),
            "cantons": cantons,
            "statuses": RoadRequest.Status.choices,
            "kinds": RoadRequest.Kind.choices,
            "by_parish": by_parish,
            "total": total,
        },
    )


@public_page
def request_detail(request, code: str):
    """A published request: what, where, its status and the history of its changes, the work that answers it."""
    road_request = selectors.request_public(code=code) if STORED_CODE.fullmatch(code) else None
    if road_request is None:
        raise Http404("no such published request")
    context = {
        "road_request": road_request,
        "meaning": STATUS_MEANINGS[road_request.status],
        "panels": panels_for("roads:request", request, road_request),
    }
    return render(request, "roads/request_detail.html", context)


def request_photo(request, code: str, digest: str):
    """The photo of a published request that a moderator made public, at the address its page links to (it carries
    the start of the photo's SHA-256); 404 for anything else. Served as commitments.views serves evidence files:
    the type its bytes were found to be, `nosniff`, a sandboxing policy. One query."""
    road_request = None
    if STORED_CODE.fullmatch(code) and DIGEST.fullmatch(digest):
        road_request = (
            RoadRequest.objects.public()
            .filter(tracking_code=code, photo_public=True, photo_sha256__startswith=digest)
            .exclude(photo="")
            .only("pk", "tracking_code", "photo", "photo_content_type", "photo_sha256")
            .first()
        )
    if road_request is None or road_request.photo_content_type not in PHOTO_TYPES:
        raise Http404("no such public photo")
    extension = road_request.photo.name.rsplit(".", 1)[-1]
    return stored_file_response(
        request,
        road_request.photo,
        content_type=road_request.photo_content_type,
        filename=f"{road_request.tracking_code}.{extension}",
        inline=True,
        sha256=road_request.photo_sha256,
    )
