"""What changes road requests after the public form stored one: the e-mail with its tracking code, and the
retention rule for its sender's contact data. As feedback's own (feedback.services): the e-mail is claimed on the
row before it is sent, so that it goes once whatever runs twice; personal data are wiped, never the request."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from conecta.cache import bump_generation
from conecta.claims import claim, release
from conecta.mail import send_templated
from feedback.contributions import ContributionKind
from feedback.public_text import without_name
from feedback.services import idle_since

from .models import RoadRequest


def _site_url(name: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name)


def request_send_confirmation(*, request_id: int) -> bool:
    """E-mail the sender the request's tracking code, once (claimed on `confirmation_sent_at`), in the language of
    the form they used; False when another run sent it or there is no address (none given, or anonymised)."""
    claimed_at = claim(RoadRequest, pk=request_id, field="confirmation_sent_at")
    if claimed_at is None:
        return False
    road_request = RoadRequest.objects.select_related("parish").get(pk=request_id)
    if not road_request.email:
        return False
    try:
        send_templated(
            to=[road_request.email],
            template="roads/email/request_received",
            context=lambda: {
                "road_request": road_request,
                "tracking_url": f"{_site_url('roads:request_track')}?codigo={road_request.tracking_code}",
                "privacy_url": _site_url("privacy"),
            },
            language=road_request.language,
        )
    except Exception:
        release(RoadRequest, pk=request_id, field="confirmation_sent_at", claimed_at=claimed_at)
        raise
    return True


def requests_confirm_pending(*, older_than_minutes: int = 5) -> int:
    """The sweep: confirmations that could not be queued when the request was stored (broker down)."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    waiting = RoadRequest.objects.exclude(email="").filter(
        confirmation_sent_at=None, channel=RoadRequest.Channel.WEB, created_at__lte=cutoff
    )
    return sum(request_send_confirmation(request_id=pk) for pk in list(waiting.values_list("pk", flat=True)[:200]))


def _anonymise(rows, now: datetime) -> int:
    """Wipe the sender's contact from `rows`, keeping the request, its photo and its history (every figure stays).

    1. The name is first taken out of the description where the sender signed it ("[…]", as the public pages
       print it): once the name is wiped, nothing could tell the public pages what to take out.
    2. The contact data go, in one UPDATE: name, e-mail, phone, their keyed hashes and the network-address hash."""
    for pk, description, name in rows.exclude(name="").values_list("pk", "description", "name"):
        public = without_name(description, name)
        if public != description:
            RoadRequest.objects.filter(pk=pk).update(description=public)
    wiped = rows.update(
        name="",
        email="",
        email_hash="",
        phone="",
        phone_hash="",
        ip_hash="",
        anonymised_at=now,
        updated_at=now,
    )
    if wiped:
        transaction.on_commit(bump_generation)
    return wiped


@transaction.atomic
def road_requests_anonymise_idle(cutoff: datetime, now: datetime) -> int:
    """The retention rule (feedback.services.anonymise_expired): the requests on which nothing has happened since
    `cutoff` (sent, moderated, a change of status: each saves the request) lose their sender's contact. Returns how
    many requests were anonymised."""
    return _anonymise(RoadRequest.objects.filter(pk__in=idle_since(RoadRequest, cutoff).values("pk")), now)


@transaction.atomic
def road_requests_anonymise(*, queryset, now: datetime | None = None) -> int:
    """On the person's request (Ecuador's LOPDP): these requests and every other one left with the same e-mail
    address or phone number (their keyed hashes) lose their sender's contact. Returns how many were anonymised."""
    ids = set(queryset.values_list("pk", flat=True))
    keys = {key for pair in queryset.values_list("email_hash", "phone_hash") for key in pair if key}
    if keys:
        ids |= set(
            RoadRequest.objects.filter(Q(email_hash__in=keys) | Q(phone_hash__in=keys)).values_list("pk", flat=True)
        )
    return _anonymise(RoadRequest.objects.filter(pk__in=ids), now or timezone.now())


# How road requests count in the planners' daily digest and the retention rule (registered by RoadsConfig).
# roads.signals drops the cached pages when staff change a request, so feedback need not (`shown_publicly`).
ROAD_REQUESTS = ContributionKind(
    key="road_requests",
    model=RoadRequest,
    plural="road requests",
    digest_lists="parish",
    digest_template="roads/email/digest_block.txt",
    anonymise_idle=road_requests_anonymise_idle,
    shown_publicly=False,
)
