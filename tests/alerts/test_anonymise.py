"""alerts.services.anonymise_expired (the daily alerts_anonymise_task): requests never confirmed in time end, and
an address with nothing active is wiped ALERTS_RETENTION_MONTHS after its last subscription ended. The consent
ledger is only ever added to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from alerts import services, tokens
from alerts.models import ConsentEvent, Recipient, Subscription
from alerts.tasks import alerts_anonymise_task

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def follow(email: str, target: str, *, confirm: bool = True) -> Subscription:
    asked = services.subscribe(email=email, target=target, language="es", frequency="daily", ip_hash="")
    if confirm:
        services.confirm(token=tokens.confirm_token(asked.subscription), ip_hash="")
    return Subscription.objects.get(pk=asked.subscription.pk)


def ended_ago(subscription: Subscription, age: timedelta) -> None:
    """Stop it on the manage page, `age` ago."""
    services.manage_end(recipient_token=subscription.recipient.token, subscription_id=subscription.pk, ip_hash="")
    Subscription.objects.filter(pk=subscription.pk).update(ended_at=timezone.now() - age)


@pytest.fixture
def retention(settings):
    settings.ALERTS_RETENTION_MONTHS = 12
    return timedelta(days=365)


def test_a_request_not_confirmed_in_time_ends_as_expired(settings):
    settings.ALERTS_CONFIRM_HOURS = 72
    old = follow("rosa@example.org", "reports", confirm=False)
    young = follow("kuri@example.org", "reports", confirm=False)
    active = follow("ana@example.org", "reports")
    Subscription.objects.filter(pk__in=[old.pk, active.pk]).update(asked_at=timezone.now() - timedelta(hours=73))

    done = services.anonymise_expired()

    assert done.expired == 1
    states = dict(Subscription.objects.values_list("pk", "state"))
    assert (states[old.pk], states[young.pk], states[active.pk]) == ("ended", "pending", "active")
    assert old.events.get(kind="ended").how == "expired"


def test_an_address_is_wiped_once_its_last_subscription_ended_the_retention_period_ago(retention):
    stopped = follow("rosa@example.org", "reports")
    other = follow("rosa@example.org", "participation")
    ended_ago(stopped, retention + 2 * DAY)
    ended_ago(other, retention + DAY)
    links = [
        f"/es/alertas/gestionar/{tokens.manage_token(stopped.recipient)}/",
        f"/es/alertas/baja/{tokens.unsubscribe_token(stopped.recipient, 'daily')}/",
    ]
    before = set(ConsentEvent.objects.values_list("pk", "kind", "how", "at"))

    done = services.anonymise_expired()

    recipient = Recipient.objects.get()
    assert done.anonymised == 1
    assert recipient.email is None and recipient.anonymised_at is not None
    assert recipient.token != stopped.recipient.token
    # Nothing of the ledger went or changed; one "anonymised" line per subscription was added.
    after = set(ConsentEvent.objects.values_list("pk", "kind", "how", "at"))
    assert before <= after
    added = ConsentEvent.objects.exclude(pk__in=[pk for pk, *_rest in before])
    assert sorted(added.values_list("subscription_id", "kind", "how")) == [
        (stopped.pk, "anonymised", "retention"),
        (other.pk, "anonymised", "retention"),
    ]
    assert Subscription.objects.count() == 2
    # The links of its old e-mails lead nowhere.
    for link in links:
        assert Client().get(link).status_code == 404


def test_an_address_is_kept_while_anything_is_active_or_pending_or_recently_ended(retention):
    follow("rosa@example.org", "reports")
    ended_ago(follow("rosa@example.org", "participation"), retention + DAY)
    pending = follow("kuri@example.org", "reports", confirm=False)
    recent = follow("ana@example.org", "reports")
    ended_ago(recent, retention - DAY)

    done = services.anonymise_expired()

    assert done.anonymised == 0
    assert set(Recipient.objects.values_list("email", flat=True)) == {
        "rosa@example.org",
        "kuri@example.org",
        "ana@example.org",
    }
    assert not ConsentEvent.objects.filter(kind="anonymised").exists()
    assert Subscription.objects.get(pk=pending.pk).state == "pending"


def test_a_never_confirmed_request_is_wiped_a_retention_period_after_it_expired(retention, settings):
    settings.ALERTS_CONFIRM_HOURS = 72
    asked = follow("rosa@example.org", "reports", confirm=False)
    Subscription.objects.filter(pk=asked.pk).update(asked_at=timezone.now() - retention - 2 * DAY)

    first = services.anonymise_expired()  # ends it (expired) today: the address stays for the retention period
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: Subscription.objects.get().ended_at + retention + DAY)
        second = services.anonymise_expired()

    assert (first.expired, first.anonymised) == (1, 0)
    assert (second.expired, second.anonymised) == (0, 1)
    assert list(asked.events.values_list("kind", "how")) == [
        ("asked", "form"),
        ("ended", "expired"),
        ("anonymised", "retention"),
    ]


def test_running_it_again_changes_nothing(retention):
    ended_ago(follow("rosa@example.org", "reports"), retention + DAY)
    services.anonymise_expired()
    lines = ConsentEvent.objects.count()

    again = services.anonymise_expired()

    assert (again.expired, again.anonymised) == (0, 0)
    assert ConsentEvent.objects.count() == lines


def test_the_same_address_may_follow_again_after_it_was_wiped(retention):
    ended_ago(follow("rosa@example.org", "reports"), retention + DAY)
    services.anonymise_expired()

    again = follow("rosa@example.org", "reports", confirm=False)

    assert again.recipient.email == "rosa@example.org"
    assert Recipient.objects.count() == 2


def test_it_works_in_batches(retention, settings):
    settings.ALERTS_BATCH = 2
    settings.ALERTS_CONFIRM_HOURS = 72
    for n in range(5):
        ended_ago(follow(f"persona{n}@example.org", "reports"), retention + DAY)
    for n in range(3):
        follow(f"espera{n}@example.org", "reports", confirm=False)
    Subscription.objects.filter(state="pending").update(asked_at=timezone.now() - timedelta(hours=73))

    done = services.anonymise_expired()

    assert (done.expired, done.anonymised) == (3, 5)


def test_the_daily_task_runs_it(retention):
    ended_ago(follow("rosa@example.org", "reports"), retention + DAY)

    alerts_anonymise_task.delay()

    assert Recipient.objects.get().email is None


def test_staff_wipe_an_address_at_once_at_the_persons_request_and_only_once():
    stays = follow("kuri@example.org", "reports")
    active = follow("rosa@example.org", "reports")
    pending = follow("rosa@example.org", "participation", confirm=False)

    assert services.staff_anonymise(recipient_ids=[active.recipient.pk]) == 1
    assert services.staff_anonymise(recipient_ids=[active.recipient.pk]) == 0

    assert Recipient.objects.get(pk=active.recipient.pk).email is None
    for subscription in (active, pending):
        assert Subscription.objects.get(pk=subscription.pk).state == "ended"
        assert list(subscription.events.filter(kind__in=["ended", "anonymised"]).values_list("kind", "how")) == [
            ("ended", "staff"),
            ("anonymised", "staff"),
        ]
    assert Subscription.objects.get(pk=stays.pk).state == "active"
