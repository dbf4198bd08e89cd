"""alerts.digests: the windows of each frequency, what goes in an alert e-mail, and sending it once whatever fails
(broker down, mail server down, a task delivered twice)."""

from __future__ import annotations

import secrets
import smtplib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts import digests
from alerts.changes import notice
from alerts.models import AlertRun, Change, Digest, Frequency, Recipient, Subscription, SubscriptionState
from alerts.tasks import send_digests_task
from commitments.models import ProgressUpdate
from conecta.celery import app
from tests.conecta.conftest import dead_broker  # noqa: F401 - the broker as production sees it when Redis is down
from tests.factories import ProgressUpdateFactory

pytestmark = pytest.mark.django_db

PUYO = ZoneInfo("America/Guayaquil")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=PUYO)


def travel(*args):
    return time_machine.travel(at(*args), tick=False)


def follower(email, target, *, frequency=Frequency.DAILY, language="es", confirmed_at=None, state=None):
    """An address following `target`, confirmed at `confirmed_at` (by default long ago)."""
    recipient = Recipient.objects.filter(email=email).first() or Recipient.objects.create(
        email=email, token=secrets.token_urlsafe(32)
    )
    confirmed_at = confirmed_at or at(2026, 1, 1, 9)
    return Subscription.objects.create(
        recipient=recipient,
        target=target,
        target_label=f"Lo que se sigue: {target}",
        language=language,
        frequency=frequency,
        state=state or SubscriptionState.ACTIVE,
        token=secrets.token_urlsafe(32),
        asked_at=confirmed_at - timedelta(minutes=5),
        confirmed_at=confirmed_at,
    )


def noticed(update, when, targets=None) -> Change:
    """A published progress update, noticed at `when`, concerning `targets` (by default its commitment)."""
    return Change.objects.create(
        kind="progress_update",
        object_id=update.pk,
        targets=targets or [f"commitment:{update.commitment.code}"],
        noticed_at=when,
    )


def run_of(frequency, start, end) -> AlertRun:
    return AlertRun.objects.create(frequency=frequency, window_start=start, window_end=end)


def windows_of(frequency) -> list[tuple[datetime, datetime, bool]]:
    return [
        (run.window_start.astimezone(PUYO), run.window_end.astimezone(PUYO), run.built_at is not None)
        for run in AlertRun.objects.filter(frequency=frequency).order_by("window_end")
    ]


def sent_to(address) -> list:
    return [message for message in mail.outbox if message.to == [address]]


# Windows.


def test_instant_windows_end_on_multiples_of_the_sweep_minutes_one_after_the_other(settings):
    settings.ALERTS_SWEEP_MINUTES = 5
    with travel(2026, 3, 10, 10, 2, 30) as traveller:
        assert digests.due_runs(now=timezone.now()) == []
        # The first window is the one the sweep is in; it is built once it has ended.
        assert windows_of(Frequency.INSTANT) == [(at(2026, 3, 10, 10, 0), at(2026, 3, 10, 10, 5), False)]

        traveller.move_to(at(2026, 3, 10, 10, 7, 10))
        digests.sweep()
        traveller.move_to(at(2026, 3, 10, 10, 12, 5))
        digests.sweep()

    assert windows_of(Frequency.INSTANT) == [
        (at(2026, 3, 10, 10, 0), at(2026, 3, 10, 10, 5), True),
        (at(2026, 3, 10, 10, 5), at(2026, 3, 10, 10, 10), True),
        (at(2026, 3, 10, 10, 10), at(2026, 3, 10, 10, 15), False),
    ]


def test_daily_windows_end_at_the_send_hour_in_pastaza(settings):
    settings.ALERTS_SEND_HOUR = 7
    with travel(2026, 3, 10, 6, 59) as traveller:
        digests.sweep()
        assert windows_of(Frequency.DAILY) == [(at(2026, 3, 9, 7), at(2026, 3, 10, 7), False)]
        traveller.move_to(at(2026, 3, 10, 7, 0, 30))
        digests.sweep()

    assert windows_of(Frequency.DAILY) == [
        (at(2026, 3, 9, 7), at(2026, 3, 10, 7), True),
        (at(2026, 3, 10, 7), at(2026, 3, 11, 7), False),
    ]


def test_weekly_windows_end_on_mondays_at_the_send_hour(settings):
    settings.ALERTS_SEND_HOUR = 7
    with travel(2026, 3, 12, 15, 0) as traveller:  # a Thursday
        digests.sweep()
        traveller.move_to(at(2026, 3, 16, 6, 55))  # Monday, before seven
        digests.sweep()
        assert [built for _s, _e, built in windows_of(Frequency.WEEKLY)] == [False]
        traveller.move_to(at(2026, 3, 16, 7, 3))
        digests.sweep()

    assert windows_of(Frequency.WEEKLY) == [
        (at(2026, 3, 9, 7), at(2026, 3, 16, 7), True),
        (at(2026, 3, 16, 7), at(2026, 3, 23, 7), False),
    ]
    assert at(2026, 3, 16).weekday() == 0


def test_after_an_outage_every_missed_window_is_built_once_oldest_first(commitment):
    run_of(Frequency.DAILY, at(2026, 2, 28, 7), at(2026, 3, 1, 7))
    AlertRun.objects.update(built_at=at(2026, 3, 1, 7))  # the last sweep before the outage
    update = ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 3, 2))
    noticed(update, at(2026, 3, 2, 12))  # noticed during the outage, in the window that ends on 3 March
    follower("rosa@example.org", "commitment:TEST0001")
    built = []
    real_build = digests.build_run

    def build_run(*, run):
        built.append(run.window_end.astimezone(PUYO))
        return real_build(run=run)

    with travel(2026, 3, 5, 9, 30), pytest.MonkeyPatch.context() as patch:
        patch.setattr(digests, "build_run", build_run)
        digests.sweep()
        digests.sweep()  # a second sweep builds nothing again

    assert built == [at(2026, 3, 2, 7), at(2026, 3, 3, 7), at(2026, 3, 4, 7), at(2026, 3, 5, 7)]
    assert [(s, e) for s, e, _built in windows_of(Frequency.DAILY)][:5] == [
        (at(2026, 2, 28, 7), at(2026, 3, 1, 7)),
        (at(2026, 3, 1, 7), at(2026, 3, 2, 7)),
        (at(2026, 3, 2, 7), at(2026, 3, 3, 7)),
        (at(2026, 3, 3, 7), at(2026, 3, 4, 7)),
        (at(2026, 3, 4, 7), at(2026, 3, 5, 7)),
    ]
    (digest,) = Digest.objects.all()
    assert digest.run.window_end == at(2026, 3, 3, 7)
    assert len(sent_to("rosa@example.org")) == 1


def test_missed_windows_go_back_eight_days_at_most():
    run_of(Frequency.DAILY, at(2026, 1, 1, 7), at(2026, 1, 2, 7))
    AlertRun.objects.update(built_at=at(2026, 1, 2, 7))

    with travel(2026, 3, 10, 9, 0):
        digests.sweep()

    daily = windows_of(Frequency.DAILY)
    assert daily[1][0] == at(2026, 3, 2, 7)  # 8 days back, floored to the send hour
    assert [end for _s, end, _b in daily[1:]] == [at(2026, 3, day, 7) for day in range(3, 12)]
    assert all(built for _s, _e, built in daily[:-1]) and not daily[-1][2]


# What goes in an alert e-mail.


def test_a_change_concerning_two_of_a_persons_subscriptions_is_sent_once(commitment):
    update = ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 3, 9))
    noticed(update, at(2026, 3, 9, 15), targets=["commitment:TEST0001", "canton:1601", "parish:160150"])
    commitment_follow = follower("rosa@example.org", "commitment:TEST0001")
    parish_follow = follower("rosa@example.org", "parish:160150")
    follower("luis@example.org", "canton:1601")
    run = run_of(Frequency.DAILY, at(2026, 3, 9, 7), at(2026, 3, 10, 7))

    assert digests.build_run(run=run) == 2
    rosa = Digest.objects.get(recipient__email="rosa@example.org")
    assert len(rosa.change_ids) == 1
    assert rosa.subscription_ids == sorted([commitment_follow.pk, parish_follow.pk])

    with travel(2026, 3, 10, 7, 1):
        assert digests.send_digests(digest_ids=list(Digest.objects.values_list("pk", flat=True))) == 2
    (message,) = sent_to("rosa@example.org")
    assert message.body.count(update.title_es) == 1
    assert "1 novedad de lo que sigue" in message.subject


def test_a_person_gets_only_what_was_noticed_after_they_confirmed_and_only_while_subscribed(commitment):
    first = ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 3, 9), title_es="Primer avance")
    second = ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 3, 9), title_es="Segundo avance")
    noticed(first, at(2026, 3, 9, 10))
    noticed(second, at(2026, 3, 9, 16))
    follower("tarde@example.org", "commitment:TEST0001", confirmed_at=at(2026, 3, 9, 12))
    follower("pendiente@example.org", "commitment:TEST0001", state=SubscriptionState.PENDING)
    follower("baja@example.org", "commitment:TEST0001", state=SubscriptionState.ENDED)
    follower("semanal@example.org", "commitment:TEST0001", frequency=Frequency.WEEKLY)
    run = run_of(Frequency.DAILY, at(2026, 3, 9, 7), at(2026, 3, 10, 7))

    assert digests.build_run(run=run) == 1
    (digest,) = Digest.objects.all()
    assert digest.recipient.email == "tarde@example.org"
    assert digest.change_ids == [Change.objects.get(object_id=second.pk).pk]
    assert digests.build_run(run=run) == 0  # built once
    run.refresh_from_db()
    assert (run.changes, run.digests) == (2, 1)


def test_each_language_of_an_address_gets_its_own_e_mail(commitment):
    update = ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 3, 9), title_qu="Kallari rurashka")
    noticed(update, at(2026, 3, 9, 15), targets=["commitment:TEST0001", "canton:1601"])
    follower("rosa@example.org", "commitment:TEST0001", language="es")
    follower("rosa@example.org", "canton:1601", language="qu")
    run = run_of(Frequency.DAILY, at(2026, 3, 9, 7), at(2026, 3, 10, 7))

    digests.build_run(run=run)
    with travel(2026, 3, 10, 7, 1):
        digests.send_digests(digest_ids=list(Digest.objects.values_list("pk", flat=True)))

    subjects = sorted(message.subject for message in sent_to("rosa@example.org"))
    assert len(subjects) == 2
    assert "Conecta Pastaza: 1 novedad de lo que sigue" in subjects
    kichwa = next(m for m in mail.outbox if "Kallari rurashka" in m.body)
    assert kichwa.extra_headers["Content-Language"] == "qu"


def test_unpublished_changes_are_never_sent(commitment):
    kept = ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 3, 9), title_es="Avance que sigue")
    hidden = ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 3, 9), title_es="Avance retirado")
    noticed(kept, at(2026, 3, 9, 10))
    noticed(hidden, at(2026, 3, 9, 11), targets=["commitment:TEST0001", "milestone:999"])
    follower("rosa@example.org", "commitment:TEST0001")
    follower("luis@example.org", "milestone:999")  # only the update unpublished below concerns it
    run = run_of(Frequency.DAILY, at(2026, 3, 9, 7), at(2026, 3, 10, 7))
    digests.build_run(run=run)

    ProgressUpdate.objects.filter(pk=hidden.pk).update(is_published=False)  # unpublished before the e-mail went
    with travel(2026, 3, 10, 7, 1):
        digests.send_digests(digest_ids=list(Digest.objects.values_list("pk", flat=True)))

    (message,) = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert "Avance que sigue" in message.body and "Avance retirado" not in message.body
    luis = Digest.objects.get(recipient__email="luis@example.org")
    assert luis.skipped and luis.sent_at is None


def test_no_e_mail_when_nothing_changed(commitment):
    follower("rosa@example.org", "commitment:TEST0001", frequency=Frequency.INSTANT)
    follower("luis@example.org", "commitment:TEST0001")
    with travel(2026, 3, 10, 6, 58) as traveller:
        digests.sweep()
        traveller.move_to(at(2026, 3, 10, 7, 4))
        digests.sweep()

    assert AlertRun.objects.exclude(built_at=None).count() >= 2
    assert not Digest.objects.exists()
    assert mail.outbox == []


def test_anonymised_addresses_and_ended_subscriptions_are_skipped(commitment):
    update = ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 3, 9))
    noticed(update, at(2026, 3, 9, 15))
    gone = follower("anonima@example.org", "commitment:TEST0001")
    ended = follower("baja@example.org", "commitment:TEST0001")
    follower("rosa@example.org", "commitment:TEST0001")
    digests.build_run(run=run_of(Frequency.DAILY, at(2026, 3, 9, 7), at(2026, 3, 10, 7)))

    Recipient.objects.filter(pk=gone.recipient_id).update(email=None, anonymised_at=at(2026, 3, 10, 3))
    Subscription.objects.filter(pk=ended.pk).update(state=SubscriptionState.ENDED, ended_at=at(2026, 3, 10, 6))
    with travel(2026, 3, 10, 7, 1):
        sent = digests.send_digests(digest_ids=list(Digest.objects.values_list("pk", flat=True)))

    assert sent == 1
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]
    assert set(Digest.objects.filter(skipped=True).values_list("recipient_id", flat=True)) == {
        gone.recipient_id,
        ended.recipient_id,
    }


def test_building_a_run_costs_the_same_queries_for_5_or_50_subscribers(commitment):
    updates = [ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 3, 9)) for _ in range(3)]
    targets = ["commitment:TEST0001", "canton:1601", "parish:160150"]

    def build(day: int, subscribers: int) -> tuple[int, int]:
        for n in range(subscribers):
            follower(f"p{day}-{n}@example.org", targets[n % 3])
        run = run_of(Frequency.DAILY, at(2026, 3, day, 7), at(2026, 3, day + 1, 7))
        for update in updates:
            Change.objects.filter(object_id=update.pk).delete()
            noticed(update, at(2026, 3, day, 12), targets=targets)
        with CaptureQueriesContext(connection) as queries:
            made = digests.build_run(run=run)
        return made, len(queries)

    few = build(9, 5)
    many = build(10, 45)
    assert few[0] == 5 and many[0] == 50
    assert few[1] == many[1]


# Sending once, whatever fails.


def _published_and_followed(commitment, frequency=Frequency.INSTANT):
    """The kinds already looked at once (so what follows is news), a follower, and an update published now."""
    notice()
    follower("rosa@example.org", "commitment:TEST0001", frequency=frequency, confirmed_at=at(2026, 3, 1, 9))
    return ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 3, 10), title_es="Avance de marzo")


def test_an_update_published_now_goes_out_after_its_instant_window(commitment):
    with travel(2026, 3, 10, 10, 1) as traveller:
        _published_and_followed(commitment)
        digests.sweep()  # noticed at 10:01, in the window 10:00-10:05
        assert mail.outbox == []
        traveller.move_to(at(2026, 3, 10, 10, 6))
        digests.sweep()
        traveller.move_to(at(2026, 3, 10, 10, 11))
        digests.sweep()

    (message,) = mail.outbox
    assert "Avance de marzo" in message.body


def test_with_the_broker_down_the_next_sweep_sends_it_once(commitment, dead_broker):  # noqa: F811
    with travel(2026, 3, 10, 10, 1) as traveller:
        _published_and_followed(commitment)
        digests.sweep()
        traveller.move_to(at(2026, 3, 10, 10, 6))
        swept = digests.sweep()
        assert swept.digests == 1 and swept.queued == 0  # the broker refused it
        assert mail.outbox == []
        assert Digest.objects.get().sent_at is None

        app.conf.task_always_eager = True  # the broker is back (dead_broker restores it afterwards)
        traveller.move_to(at(2026, 3, 10, 10, 11))
        assert digests.sweep().queued == 1
        digests.sweep()

    assert len(mail.outbox) == 1
    assert Digest.objects.get().sent_at is not None


def test_with_the_mail_server_down_the_claim_is_released_and_the_next_sweep_sends_it_once(commitment, monkeypatch):
    def down(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    with travel(2026, 3, 10, 10, 1) as traveller:
        _published_and_followed(commitment)
        digests.sweep()
        with monkeypatch.context() as patch:
            patch.setattr(EmailBackend, "send_messages", down)
            traveller.move_to(at(2026, 3, 10, 10, 6))
            digests.sweep()
        digest = Digest.objects.get()
        assert (digest.sent_at, digest.attempts) == (None, 1)
        assert "SMTPServerDisconnected" in digest.last_error
        assert mail.outbox == []

        traveller.move_to(at(2026, 3, 10, 10, 11))
        digests.sweep()
        digests.sweep()

    assert len(mail.outbox) == 1
    digest.refresh_from_db()
    assert digest.sent_at is not None and digest.attempts == 1


def test_a_task_delivered_twice_sends_one_e_mail(commitment):
    update = ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 3, 9))
    noticed(update, at(2026, 3, 9, 15))
    follower("rosa@example.org", "commitment:TEST0001")
    digests.build_run(run=run_of(Frequency.DAILY, at(2026, 3, 9, 7), at(2026, 3, 10, 7)))
    ids = list(Digest.objects.values_list("pk", flat=True))

    with travel(2026, 3, 10, 7, 1):
        send_digests_task.apply(args=[ids])
        send_digests_task.apply(args=[ids])

    assert len(mail.outbox) == 1


def test_a_digest_claimed_by_another_worker_meanwhile_is_not_sent_again(commitment, monkeypatch):
    update = ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 3, 9))
    noticed(update, at(2026, 3, 9, 15))
    follower("rosa@example.org", "commitment:TEST0001")
    digests.build_run(run=run_of(Frequency.DAILY, at(2026, 3, 9, 7), at(2026, 3, 10, 7)))
    real_claim = digests.claim

    def claimed_by_the_other_worker_first(model, **kwargs):
        if model is Digest:
            Digest.objects.filter(pk=kwargs["pk"]).update(sent_at=at(2026, 3, 10, 7))
        return real_claim(model, **kwargs)

    monkeypatch.setattr(digests, "claim", claimed_by_the_other_worker_first)
    assert digests.send_digests(digest_ids=list(Digest.objects.values_list("pk", flat=True))) == 0
    assert mail.outbox == []


def test_a_refused_e_mail_is_tried_five_times_then_left_for_staff(commitment, monkeypatch):
    update = ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 3, 9))
    noticed(update, at(2026, 3, 9, 15))
    follower("rosa@example.org", "commitment:TEST0001")
    digests.build_run(run=run_of(Frequency.DAILY, at(2026, 3, 9, 7), at(2026, 3, 10, 7)))

    def refused(self, messages):
        raise smtplib.SMTPRecipientsRefused({"rosa@example.org": (550, b"No such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refused)
    queued = [digests.queue_unsent() for _ in range(7)]

    digest = Digest.objects.get()
    assert digest.attempts == digests.MAX_ATTEMPTS
    assert queued == [1, 1, 1, 1, 1, 0, 0]
    assert "No such user" in digest.last_error


def test_the_sweep_sends_the_confirmations_the_broker_held_back(commitment):
    from alerts.services import subscribe

    with travel(2026, 3, 10, 10, 0) as traveller:
        # Its own task was queued on commit, and lost (the broker was down): the test's transaction never commits.
        subscribe(email="rosa@example.org", target="commitment:TEST0001", language="es", frequency="daily", ip_hash="")
        digests.sweep()  # asked less than a minute ago: its own task may still be on the way
        assert mail.outbox == []
        traveller.move_to(at(2026, 3, 10, 10, 2))
        assert digests.sweep().confirmations == 1
        digests.sweep()

    (message,) = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert Subscription.objects.get().confirmation_sent_at is not None


def test_a_long_digest_lists_the_newest_changes_and_says_how_many_more_the_portal_has(commitment, settings):
    """A canton's follower on a busy day: the e-mail stays short enough for mail programs not to clip it."""
    settings.ALERTS_MAX_ITEMS = 2
    updates = [
        ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 3, 9), title_es=f"Avance número {n}")
        for n in range(1, 5)
    ]
    for minute, update in enumerate(updates):
        noticed(update, at(2026, 3, 9, 15, minute))
    follower("rosa@example.org", "commitment:TEST0001")
    run = run_of(Frequency.DAILY, at(2026, 3, 9, 7), at(2026, 3, 10, 7))
    digests.build_run(run=run)

    with travel(2026, 3, 10, 7, 1):
        digests.send_digests(digest_ids=list(Digest.objects.values_list("pk", flat=True)))
    (message,) = sent_to("rosa@example.org")
    assert "4 novedades" in message.subject
    assert "Avance número 4" in message.body and "Avance número 3" in message.body
    assert "Avance número 2" not in message.body and "Avance número 1" not in message.body
    assert "Y 2 cambios anteriores, en el portal:" in message.body
    html = message.alternatives[0][0]
    assert "Avance número 1" not in html and "Y 2 cambios anteriores, en el portal" in html
