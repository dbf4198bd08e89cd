"""Benchmark of the e-mail alerts (`make bench` runs it): figures for the notes, not a pass/fail test.

On a fresh SQLite database in a temporary VAR_DIR (never var/ nor a configured DATABASE_URL):

  1. load_demo (the real plan, its cantons and parishes), and a synthetic plan of 300 commitments (seed_scale),
     each in two cantons and one of their parishes;
  2. 10,000 confirmed addresses, a third of them following two things (a commitment and its parish, say): 55 %
     daily, 25 % at once, 20 % weekly; 75 % in Spanish, 25 % in Kichwa; following a commitment (35 %), a
     milestone (10 %), a canton (15 %), a parish (15 %), a road work (5 %), the reports (10 %) or the surveys and
     meetings (10 %);
  3. 300 progress updates published in one day (a third of them about a milestone); then, each timed and with its
     peak of traced memory (tracemalloc, in a second run of the same work) and the queries it made:
     - notice: alerts.changes.notice() records the 300 changes;
     - build: alerts.digests.build_run() of the daily run (and, for the figures, the at-once and weekly runs);
     - send: alerts.digests.send_digests() of the daily run's e-mails in batches of ALERTS_BATCH, rendered and
       handed to Django's locmem backend (the messages are serialised as SMTP would send them; the outbox is
       emptied after each batch).

Writes bench/out/alerts.json beside the printed summary. Takes about a minute on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import secrets
import statistics
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from isolation import isolate_environment  # bench/ is on the path: these scripts run from it

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

ADDRESSES = 10_000
SECOND_FOLLOW = 1 / 3
CHANGES = 300
FREQUENCIES = (("daily", 55), ("instant", 25), ("weekly", 20))
LANGUAGES = (("es", 75), ("qu", 25))
TARGET_KINDS = (
    ("commitment", 35),
    ("milestone", 10),
    ("canton", 15),
    ("parish", 15),
    ("work", 5),
    ("reports", 10),
    ("participation", 10),
)


def _weighted(rng: random.Random, table) -> str:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


@contextmanager
def _queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        yield captured


def _traced(work) -> float:
    """Peak memory traced while `work()` runs, in MB."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def prepare_places() -> None:
    """One parish of one of its cantons for each synthetic commitment (the synthetic plan gives only cantons)."""
    from commitments.models import Commitment, Parish

    rng = random.Random(7)
    parishes: dict[int, list[int]] = {}
    for pk, canton in Parish.objects.values_list("pk", "canton_id"):
        parishes.setdefault(canton, []).append(pk)
    through = Commitment.parishes.through
    cantons = Commitment.cantons.through.objects.values_list("commitment_id", "canton_id")
    picked = {}
    for commitment, canton in cantons:
        if canton in parishes and commitment not in picked:
            picked[commitment] = rng.choice(parishes[canton])
    through.objects.bulk_create(
        [through(commitment_id=c, parish_id=p) for c, p in picked.items()], ignore_conflicts=True
    )


def subscribe_everyone(now) -> dict:
    """ADDRESSES confirmed recipients and their subscriptions, straight into the tables."""
    from alerts.models import Recipient, Subscription, SubscriptionState
    from alerts.targets import PARTICIPATION, REPORTS, key
    from commitments.models import Canton, Commitment, Milestone, Parish
    from roads.models import RoadWork

    rng = random.Random(2025)
    commitments = list(Commitment.objects.published().values_list("pk", "code"))
    places = {}
    for commitment, parish, canton in Commitment.parishes.through.objects.values_list(
        "commitment_id", "parish__code", "parish__canton__code"
    ):
        places[commitment] = (parish, canton)
    choices = {
        "commitment": [key("commitment", code) for _pk, code in commitments],
        "milestone": [key("milestone", pk) for pk in Milestone.objects.published().values_list("pk", flat=True)],
        "canton": [key("canton", code) for code in Canton.objects.values_list("code", flat=True)],
        "parish": [key("parish", code) for code in Parish.objects.values_list("code", flat=True)],
        "work": [key("work", code) for code in RoadWork.objects.published().values_list("code", flat=True)],
        "reports": [REPORTS],
        "participation": [PARTICIPATION],
    }
    recipients = Recipient.objects.bulk_create(
        [Recipient(email=f"persona{n:05d}@example.org", token=secrets.token_urlsafe(32)) for n in range(ADDRESSES)],
        batch_size=1000,
    )
    confirmed = now - timedelta(days=30)
    rows = []
    for recipient in recipients:
        kind = _weighted(rng, TARGET_KINDS)
        follows = [rng.choice(choices[kind])]
        if rng.random() < SECOND_FOLLOW:
            if kind == "commitment":  # the commitment and its parish
                pk = next(pk for pk, code in commitments if key("commitment", code) == follows[0])
                follows.append(key("parish", places[pk][0]) if pk in places else rng.choice(choices["canton"]))
            else:
                follows.append(rng.choice(choices[_weighted(rng, TARGET_KINDS)]))
        frequency, language = _weighted(rng, FREQUENCIES), _weighted(rng, LANGUAGES)
        for target in dict.fromkeys(follows):
            rows.append(
                Subscription(
                    recipient=recipient,
                    target=target,
                    target_label=target,
                    language=language,
                    frequency=frequency,
                    state=SubscriptionState.ACTIVE,
                    token=secrets.token_urlsafe(32),
                    asked_at=confirmed - timedelta(minutes=3),
                    confirmed_at=confirmed,
                )
            )
    Subscription.objects.bulk_create(rows, batch_size=1000)
    return {"addresses": len(recipients), "subscriptions": len(rows)}


def publish_changes(today) -> None:
    """CHANGES progress updates published today, on random commitments, a third about one of its milestones."""
    from commitments.models import Commitment, Milestone, ProgressUpdate

    rng = random.Random(300)
    commitments = list(Commitment.objects.published().values_list("pk", flat=True))
    milestones: dict[int, list[int]] = {}
    for pk, commitment in Milestone.objects.published().values_list("pk", "commitment_id"):
        milestones.setdefault(commitment, []).append(pk)
    rows = []
    for n in range(CHANGES):
        commitment = rng.choice(commitments)
        milestone = rng.choice(milestones[commitment]) if commitment in milestones and n % 3 == 0 else None
        rows.append(
            ProgressUpdate(
                commitment_id=commitment,
                milestone_id=milestone,
                occurred_on=today,
                title_es=f"Avance del día número {n}",
                title_qu=f"Punchapak rurashka {n}" if n % 2 else "",
                text_es="Se realizó la visita técnica y se acordó el calendario con la comunidad. " * 3,
                is_published=True,
            )
        )
    ProgressUpdate.objects.bulk_create(rows, batch_size=500)


def measure_build(run) -> dict:
    from alerts.digests import build_run
    from alerts.models import AlertRun, Digest

    started = time.perf_counter()
    with _queries() as queries:
        made = build_run(run=run)
    seconds = time.perf_counter() - started
    # The same build again, traced: undo it first.
    Digest.objects.filter(run=run).delete()
    AlertRun.objects.filter(pk=run.pk).update(built_at=None)
    peak = _traced(lambda: build_run(run=run))
    run.refresh_from_db()
    sizes = [len(ids) for ids in Digest.objects.filter(run=run).values_list("change_ids", flat=True)]
    return {
        "frequency": run.frequency,
        "changes": run.changes,
        "digests": made,
        "items_p50": statistics.median(sizes) if sizes else 0,
        "items_max": max(sizes, default=0),
        "seconds": round(seconds, 2),
        "queries": len(queries),
        "peak_traced_mb": round(peak, 1),
    }


def measure_send(run, batch: int) -> dict:
    from django.core import mail

    from alerts.digests import send_digests
    from alerts.models import Digest

    pks = list(Digest.objects.filter(run=run).order_by("pk").values_list("pk", flat=True))
    batches = [pks[i : i + batch] for i in range(0, len(pks), batch)]
    sent, sizes, per_batch_queries = 0, [], []
    started = time.perf_counter()
    for number, ids in enumerate(batches):
        with _queries() as queries:
            sent += send_digests(digest_ids=ids)
        per_batch_queries.append(len(queries))
        if number == 0:
            sizes = [len(message.message().as_bytes()) for message in mail.outbox]
            sample = mail.outbox[0]
        mail.outbox.clear()
    seconds = time.perf_counter() - started

    # Three batches again, traced (their digests unsent first).
    again = [pk for ids in batches[:3] for pk in ids]
    Digest.objects.filter(pk__in=again).update(sent_at=None)

    def resend():
        for ids in batches[:3]:
            send_digests(digest_ids=ids)
            mail.outbox.clear()

    peak = _traced(resend)
    return {
        "digests": len(pks),
        "sent": sent,
        "batches": len(batches),
        "batch": batch,
        "seconds": round(seconds, 2),
        "per_second": round(sent / seconds, 1) if seconds else None,
        "queries_per_batch_max": max(per_batch_queries, default=0),
        "message_bytes_p50": statistics.median(sizes) if sizes else 0,
        "message_bytes_max": max(sizes, default=0),
        "peak_traced_mb_per_batch": round(peak, 1),
        "sample_subject": sample.subject if pks else "",
    }


def report(result: dict) -> None:
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    people = result["people"]
    print()
    print(f"E-mail alerts · fresh sqlite · Python {sys.version.split()[0]} · {os.cpu_count()} CPUs · load {load}")
    print(
        f"{people['addresses']:,} confirmed addresses, {people['subscriptions']:,} subscriptions; "
        f"{result['notice']['changes']} changes published in one day."
    )
    notice = result["notice"]
    print(
        f"\n  notice   {notice['seconds']:>7.2f} s   {notice['queries']:>5} queries   "
        f"peak {notice['peak_traced_mb']:>6.1f} MB traced"
    )
    for build in result["builds"]:
        print(
            f"  build    {build['seconds']:>7.2f} s   {build['queries']:>5} queries   "
            f"peak {build['peak_traced_mb']:>6.1f} MB traced   {build['frequency']:<8} run: {build['digests']:,} "
            f"e-mails, {build['items_p50']:.0f} changes each (median), {build['items_max']} at most"
        )
    send = result["send"]
    print(
        f"  send     {send['seconds']:>7.2f} s   {send['queries_per_batch_max']:>5} queries a batch at most   "
        f"peak {send['peak_traced_mb_per_batch']:>6.1f} MB traced a batch   daily: {send['sent']:,} e-mails in "
        f"{send['batches']} batches of {send['batch']} ({send['per_second']}/s, rendered + serialised, locmem)"
    )
    print(
        f"           e-mail size {send['message_bytes_p50'] / 1024:.1f} KB (median), "
        f"{send['message_bytes_max'] / 1024:.1f} KB at most; e.g. “{send['sample_subject']}”"
    )
    print(
        f"\nProcess peak RSS {result['maxrss_mb']:.0f} MB. Total {result['seconds']:.0f} s. "
        f"Figures in {OUT.relative_to(ROOT)}/alerts.json"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args()

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="conecta-bench-alerts-") as tmpdir:
        tmp = Path(tmpdir)
        isolate_environment(str(tmp / "var"))
        (tmp / "var" / "static").mkdir(parents=True)

        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.utils import timezone

        from alerts import changes, digests
        from alerts.models import AlertRun, Change, Frequency
        from conecta.audit import acting_as

        print("Fresh sqlite database: migrate, load_demo, seed_scale 300 ...", flush=True)
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_demo", stdout=io.StringIO())
        call_command("seed_scale", commitments=300, stdout=io.StringIO())
        prepare_places()
        changes.notice()  # what is public now is history (silent)
        now = timezone.now()
        print(f"{ADDRESSES:,} addresses ...", flush=True)
        people = subscribe_everyone(now)
        print(f"{CHANGES} changes ...", flush=True)
        with acting_as(None, "command"):
            publish_changes(timezone.localdate())

        begun = time.perf_counter()
        with _queries() as queries:
            noticed = changes.notice()
        notice = {"changes": noticed, "seconds": round(time.perf_counter() - begun, 2), "queries": len(queries)}
        # Traced: the same notice with the changes forgotten.
        Change.objects.filter(kind="progress_update", silent=False).delete()
        notice["peak_traced_mb"] = round(_traced(changes.notice), 1)

        # The windows of each frequency that hold the changes.
        moment = Change.objects.filter(silent=False).latest("noticed_at").noticed_at
        runs = {
            frequency: AlertRun.objects.create(
                frequency=frequency,
                window_start=digests.window_floor(frequency, moment),
                window_end=digests.window_end(frequency, moment),
            )
            for frequency in (Frequency.DAILY, Frequency.INSTANT, Frequency.WEEKLY)
        }
        print("build ...", flush=True)
        builds = [measure_build(run) for run in runs.values()]
        print("send ...", flush=True)
        send = measure_send(runs[Frequency.DAILY], settings.ALERTS_BATCH)
    result = {
        "people": people,
        "notice": notice,
        "builds": builds,
        "send": send,
        "maxrss_mb": round(_maxrss_mb()),
        "seconds": round(time.perf_counter() - started, 1),
    }
    report(result)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "alerts.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
