"""The alerts' lines on the staff dashboard (conecta.dashboard), each linking to the admin list filtered to exactly
what it counts (alerts.admin's filters read the same conditions, `digests_failing` and `confirmations_waiting`).

- Planners: the alert e-mails that failed FAILED_ATTEMPTS times or more and are still unsent (to act on: the
  address or the mail server is wrong); the subscriptions whose confirmation has waited more than a day (on the
  person); how many addresses receive alerts.
- Implementers and the monitor (FCD): how many addresses receive alerts, linking to the followers per item (they
  never see who).

Registered from AlertsConfig.ready(). One query for the implementers and the monitor, two for planners, whatever
the amount of data.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conecta.extensions import DashboardItem

from . import roles
from .models import Digest, Recipient, Subscription, SubscriptionState

# An alert e-mail that failed this many times is not a passing outage: someone should look at its error.
FAILED_ATTEMPTS = 3
# A confirmation unanswered this long will probably never be (it expires after ALERTS_CONFIRM_HOURS).
CONFIRMATION_WAIT = timedelta(days=1)

# The admin's list filters that show what these lines count (alerts.admin).
FAILING_PARAMS = {"envio": "fallido"}
WAITING_PARAMS = {"confirmacion": "atrasada"}
FOLLOWING_PARAMS = {"siguiendo": "si"}


def digests_failing(queryset: QuerySet[Digest]) -> QuerySet[Digest]:
    """Alert e-mails not sent (nor skipped) after FAILED_ATTEMPTS failed attempts or more."""
    return queryset.filter(sent_at__isnull=True, skipped=False, attempts__gte=FAILED_ATTEMPTS)


def waiting_q(now: datetime) -> Q:
    return Q(state=SubscriptionState.PENDING, asked_at__lt=now - CONFIRMATION_WAIT)


def confirmations_waiting(queryset: QuerySet[Subscription], now: datetime) -> QuerySet[Subscription]:
    """Subscriptions asked for more than CONFIRMATION_WAIT ago and not confirmed yet."""
    return queryset.filter(waiting_q(now))


def changelist(model, **params) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def dashboard_items(request):
    user = request.user
    planner = roles.sees_addresses(user)
    if not planner and not roles.sees_follower_counts(user):
        return
    group = _("E-mail alerts")

    if planner:
        found = digests_failing(Digest.objects.all()).aggregate(count=Count("pk"), since=Min("created_at"))
        yield DashboardItem(
            group=group,
            label=_("Alert e-mails that failed %(count)s times or more") % {"count": FAILED_ATTEMPTS},
            count=found["count"],
            url=changelist(Digest, **FAILING_PARAMS),
            since=found["since"],
            order=700,
        )

    waiting = waiting_q(timezone.now())
    found = Subscription.objects.aggregate(
        following=Count("recipient", distinct=True, filter=Q(state=SubscriptionState.ACTIVE)),
        waiting=Count("pk", filter=waiting),
        waiting_since=Min("asked_at", filter=waiting),
    )
    if planner:
        yield DashboardItem(
            group=group,
            label=_("Subscriptions awaiting confirmation for more than a day"),
            count=found["waiting"],
            url=changelist(Subscription, **WAITING_PARAMS),
            since=found["waiting_since"],
            severity="info",
            order=710,
        )
    yield DashboardItem(
        group=group,
        label=_("Addresses receiving alerts"),
        count=found["following"],
        url=changelist(Recipient, **FOLLOWING_PARAMS) if planner else reverse("admin:alerts_subscription_followers"),
        severity="info",
        order=720,
    )
