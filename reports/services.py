"""Everything that changes reports and the monitor's records. Views, admin, commands and tasks call these.

The workflow of a report: draft -> in review -> approved -> published (frozen). Planners (group
"Planificación") move it along; the one who approves is not the one who sent it to review. Implementers write
the narratives of the commitments their institution leads, while the report is a draft. A published report is
never edited: `report_start_correction` makes the next version, which supersedes it once published.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commitments import roles
from commitments.models import ActionPlan, Canton
from commitments.selectors import plan_current
from conecta.cache import bump_generation
from conecta.files import fingerprint
from conecta.published_files import link_exclusively, temporary_beside

from .models import (
    GovernmentReply,
    MonitorAssessment,
    MonitorDocument,
    Report,
    ReportFile,
    ReportFrozenError,
    ReportNarrative,
    ReportOutreachFile,
    outreach_download_stem,
    outreach_file_name,
    render_stuck_q,
    report_file_name,
    report_storage,
)
from .periods import Period, periods_ended
from .snapshot import snapshot_build

logger = logging.getLogger(__name__)

LANGUAGES = [code for code, _name in settings.LANGUAGES]
RenderState = Report.RenderState
Status = Report.Status


class ReportActionRefused(Exception):
    """A workflow step that cannot happen now; the message says why, in the active language."""


# Who may do what.


def _require_planner(user) -> None:
    if user is None or not roles.is_planner(user):
        raise PermissionDenied(_("Only the Planning Directorate may do this."))


def _require_monitor(user) -> None:
    # The monitor's records are its own: not even a superuser of the government's admin writes them.
    if user is None or not roles.in_group(user, roles.MONITOR):
        raise PermissionDenied(_("Only the independent monitor (FCD) may change its records."))


def report_require_draft(report: Report) -> None:
    if report.is_published:
        raise ReportFrozenError("the report is published and frozen")
    if report.status != Status.DRAFT:
        raise ReportActionRefused(_("The report is in review: return it to draft to change it."))


def period_not_ended_message(report: Report) -> str:
    return _(
        "The period %(period)s has not ended: this report is provisional and its figures may change. It can be "
        "approved and published from %(day)s."
    ) % {
        "period": report.period_obj.label(),
        "day": date_format(report.period_ends_on + timedelta(days=1), "DATE_FORMAT"),
    }


def report_require_period_ended(report: Report) -> None:
    """A report tells what was true at the end of its period: until that period has ended in Pastaza its figures
    may still change, so it is provisional and can be neither approved nor published."""
    if not report.period_has_ended:
        raise ReportActionRefused(period_not_ended_message(report))


def narrative_codes_for(user) -> set[str] | None:
    """The commitment codes whose narratives `user` may write: None means every one, an empty set none."""
    if user is None or not user.is_authenticated:
        return set()
    if roles.is_planner(user):
        return None
    if roles.in_group(user, roles.MONITOR) or not roles.in_group(user, roles.IMPLEMENTER):
        return set()
    return set(roles.visible_commitments(user).values_list("code", flat=True))


def can_write_narrative(user, code: str) -> bool:
    codes = narrative_codes_for(user)
    return codes is None or code in codes


# Drafts and snapshots.


def _slug_for(period: Period, version: int) -> str:
    slug = period.file_label.lower()
    return slug if version == 1 else f"{slug}-v{version}"


def _narratives_ensure(report: Report) -> None:
    """One (empty) narrative per commitment of the snapshot, so implementers only fill them in."""
    codes = [row["code"] for row in report.snapshot.get("commitments", [])]
    have = set(report.narratives.values_list("commitment_code", flat=True))
    ReportNarrative.objects.bulk_create(
        [ReportNarrative(report=report, commitment_code=code) for code in codes if code not in have]
    )


def _report_create(*, plan: ActionPlan, period: Period, by=None, version: int = 1, supersedes=None) -> Report:
    report = Report.objects.create(
        plan=plan,
        kind=period.kind,
        period=period.key,
        period_starts_on=period.starts_on,
        period_ends_on=period.ends_on,
        version=version,
        slug=_slug_for(period, version),
        snapshot=snapshot_build(plan=plan, period=period),
        snapshot_taken_at=timezone.now(),
        created_by=by,
        supersedes=supersedes,
    )
    _narratives_ensure(report)
    return report


@transaction.atomic
def report_draft_for_period(*, plan: ActionPlan, period: Period, by=None, correction: bool = False) -> Report:
    """Create the draft of `period`, or refresh the snapshot of the one that exists (still a draft).

    When the period is already published, only `correction=True` starts a new version (report_start_correction).
    """
    open_report = Report.objects.select_for_update().drafts().filter(plan=plan, period=period.key).first()
    if open_report is not None:
        return report_snapshot_refresh(report=open_report)
    published = Report.objects.published().filter(plan=plan, period=period.key).order_by("-version").first()
    if published is not None:
        if not correction:
            raise ReportActionRefused(
                _("The report of %(period)s is already published (version %(version)s); start a correction.")
                % {"period": period.key, "version": published.version}
            )
        return _correction_create(report=published, by=by)
    return _report_create(plan=plan, period=period, by=by)


def report_snapshot_refresh(*, report: Report) -> Report:
    """Take the snapshot again (a draft only): the plan as of the period's end, as its history now records it."""
    report_require_draft(report)
    report.snapshot = snapshot_build(plan=report.plan, period=report.period_obj)
    report.snapshot_taken_at = timezone.now()
    report.save(update_fields=["snapshot", "snapshot_taken_at"])
    _narratives_ensure(report)
    return report


def period_drafts_create(*, today=None) -> list[Report]:
    """The drafts of every period of the current plan that has ended and has no report yet (Celery beat)."""
    plan = plan_current()
    if plan is None:
        return []
    today = today or timezone.localdate()
    existing = set(Report.objects.filter(plan=plan).values_list("period", flat=True))
    created = []
    for period in periods_ended(starts_on=plan.starts_on, ends_on=plan.ends_on, today=today):
        if period.key not in existing:
            with transaction.atomic():
                created.append(_report_create(plan=plan, period=period))
    return created


# The workflow.


@transaction.atomic
def report_submit(*, report: Report, by) -> Report:
    """Send a draft to review."""
    _require_planner(by)
    report_require_draft(report)
    if not (report.summary_es or "").strip():
        raise ReportActionRefused(_("Write the summary (in Spanish at least) before sending the report to review."))
    report.status, report.submitted_by, report.submitted_at = Status.IN_REVIEW, by, timezone.now()
    report.approved_by = report.approved_at = None
    report.save(update_fields=["status", "submitted_by", "submitted_at", "approved_by", "approved_at"])
    return report


@transaction.atomic
def report_return_to_draft(*, report: Report, by) -> Report:
    _require_planner(by)
    if report.status not in (Status.IN_REVIEW, Status.APPROVED):
        raise ReportActionRefused(_("Only a report in review or approved can go back to draft."))
    report.status, report.approved_by, report.approved_at = Status.DRAFT, None, None
    report.save(update_fields=["status", "approved_by", "approved_at"])
    return report


@transaction.atomic
def report_approve(*, report: Report, by) -> Report:
    """Approve a report in review: a second planner, not the one who sent it to review."""
    _require_planner(by)
    if report.status != Status.IN_REVIEW:
        raise ReportActionRefused(_("Only a report in review can be approved."))
    report_require_period_ended(report)
    if report.submitted_by_id is not None and report.submitted_by_id == by.pk:
        raise ReportActionRefused(_("You sent this report to review: another planner must approve it."))
    report.status, report.approved_by, report.approved_at = Status.APPROVED, by, timezone.now()
    report.save(update_fields=["status", "approved_by", "approved_at"])
    return report


@transaction.atomic
def report_publish(*, report: Report, by) -> Report:
    """Freeze the report, record who published it, mark the version it corrects as superseded, and queue its
    PDFs (after the commit; if the broker is down the periodic sweep queues them later)."""
    _require_planner(by)
    if report.status != Status.APPROVED:
        raise ReportActionRefused(_("Only an approved report can be published."))
    return _publish(report=report, by=by)


def _publish(*, report: Report, by) -> Report:
    report_require_period_ended(report)
    now = timezone.now()
    report.status, report.published_by, report.published_at = Status.PUBLISHED, by, now
    report.render_state, report.render_queued_at, report.render_error = RenderState.QUEUED, now, ""
    report.save(
        update_fields=[
            "status",
            "published_by",
            "published_at",
            "render_state",
            "render_queued_at",
            "render_error",
        ]
    )
    if report.supersedes_id:
        Report.objects.filter(pk=report.supersedes_id, superseded_at=None).update(superseded_at=now)
    # The draft's previews go now: until its own PDFs are rendered, the published report offers none, never a
    # preview under the published report's name.
    for preview in ReportFile.objects.filter(report=report, is_preview=True):
        preview.delete()
    from .tasks import render_report_pdfs_task

    # If the broker is down the report stays queued, and the sweep (reports_requeue_stuck) queues it again.
    render_report_pdfs_task.enqueue_on_commit(report.pk)
    return report


@transaction.atomic
def report_start_correction(*, report: Report, by) -> Report:
    """A new draft version of a published report, with its snapshot and texts, to be corrected and published
    in its place; the published version stays as it is, and downloadable."""
    _require_planner(by)
    return _correction_create(report=report, by=by)


def _correction_create(*, report: Report, by) -> Report:
    if not report.is_published:
        raise ReportActionRefused(_("Only a published report can be corrected; edit the draft instead."))
    if report.is_superseded or Report.objects.filter(supersedes=report).exists():
        raise ReportActionRefused(_("This version already has a correction."))
    if Report.objects.drafts().filter(plan=report.plan, period=report.period).exists():
        raise ReportActionRefused(_("A draft of this period already exists."))
    version = (
        Report.objects.filter(plan=report.plan, period=report.period)
        .order_by("-version")
        .values_list("version", flat=True)[0]
        + 1
    )
    texts = {f"{name}_{code}": getattr(report, f"{name}_{code}") for name in ("summary",) for code in LANGUAGES}
    correction = Report.objects.create(
        plan=report.plan,
        kind=report.kind,
        period=report.period,
        period_starts_on=report.period_starts_on,
        period_ends_on=report.period_ends_on,
        version=version,
        slug=_slug_for(report.period_obj, version),
        snapshot=report.snapshot,
        snapshot_taken_at=report.snapshot_taken_at,
        created_by=by,
        supersedes=report,
        **texts,
    )
    ReportNarrative.objects.bulk_create(
        [
            ReportNarrative(
                report=correction,
                commitment_code=n.commitment_code,
                **{f"text_{code}": getattr(n, f"text_{code}") for code in LANGUAGES},
            )
            for n in report.narratives.all()
        ]
    )
    return correction


def narrative_save(*, narrative: ReportNarrative, by) -> ReportNarrative:
    """Save a commitment's narrative: a draft report's, by a planner or the implementer of that commitment."""
    report = Report.objects.get(pk=narrative.report_id)
    report_require_draft(report)
    if not can_write_narrative(by, narrative.commitment_code):
        raise PermissionDenied(_("You may write the narratives of your institution's commitments only."))
    narrative.save()
    return narrative


# Rendering the PDFs.


def report_missing_pdfs(report: Report) -> list[str]:
    """The languages in which a published report has no PDF of its own on the disk (never rendered, failed, or
    the file went missing): the only ones a rendering may still write."""
    present = {
        row.language
        for row in ReportFile.objects.filter(report=report, is_preview=False)
        if report_storage.exists(row.file.name)
    }
    return [language for language in LANGUAGES if language not in present]


def report_queue_render(*, report: Report, by=None) -> bool:
    """Ask for the PDFs again (admin action). False when a rendering is already queued or under way.

    A draft's previews are rendered again. A published report's PDFs are written once: only the missing ones
    are rendered (under new names); when none is missing, ReportActionRefused says why nothing will be."""
    if by is not None:
        _require_planner(by)
    if report.is_published and not report_missing_pdfs(report) and not report_outreach_missing(report):
        raise ReportActionRefused(
            _(
                "This report is published and its PDFs are in place: a published PDF is never rendered again, so "
                "that the SHA-256 people may have checked stays true. To change the report, start a correction."
            )
        )
    queued = (
        Report.objects.filter(pk=report.pk)
        .exclude(render_state__in=[RenderState.QUEUED, RenderState.RENDERING])
        .update(render_state=RenderState.QUEUED, render_queued_at=timezone.now(), render_error="", render_task_id="")
    )
    if queued:
        from .tasks import render_report_pdfs_task

        render_report_pdfs_task.enqueue_on_commit(report.pk)
    return bool(queued)


def _render_language(report: Report, language: str) -> ReportFile | None:
    """Render one language into a temporary file beside its place, then link it to a name of its own that
    nothing else can take (conecta.published_files): no reader sees half a file, and no second run, nor a second
    instance sharing the folder, ever overwrites a file. Returns the row, or None when the rendering was stale.

    1. Render to the temporary file; fingerprint it; link it exclusively, read-only, to a new unique name.
    2. Record it, unless the report was published while this preview was rendering (the preview is stale) or
       another run already gave the published report its file in this language: then drop the new file.
    3. Delete the file the row pointed at before: a draft's preview (or nothing, when it had gone missing).
    """
    from .pdf import render_pdf

    preview = not report.is_published
    name = report_file_name(report, language)
    target = Path(report_storage.path(name))
    temporary = temporary_beside(target)
    try:
        pages = render_pdf(report, language, temporary)
        with temporary.open("rb") as rendered:
            sha256, size = fingerprint(File(rendered))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    link_exclusively(temporary, target)
    with transaction.atomic():
        published_now = Report.objects.select_for_update().filter(pk=report.pk, status=Status.PUBLISHED).exists()
        old = ReportFile.objects.filter(report=report, language=language).first()
        keep_old = old is not None and not old.is_preview and report_storage.exists(old.file.name)
        if (preview and published_now) or keep_old:
            transaction.on_commit(lambda: report_storage.delete(name))
            return old if keep_old else None
        values = {
            "file": name,
            "size": size,
            "pages": pages,
            "sha256": sha256,
            "rendered_at": timezone.now(),
            "is_preview": preview,
        }
        row, _created = ReportFile.objects.update_or_create(report=report, language=language, defaults=values)
    if old is not None and old.file.name != name:
        report_storage.delete(old.file.name)
    return row


def report_render(*, report_id: int, task_id: str = "") -> str:
    """Render the PDFs of a report in every language. Returns "ready", or "skipped" when another run owns the
    rendering or it is not requested.

    1. Claim: queued -> rendering, with a conditional update; a re-delivery of the same task (same id, after a
       worker died mid-render) may take over its own claim.
    2. Render each language inside translation.override, to a temporary file linked to a name of its own; for a
       published report, only the languages whose PDF is missing (its PDFs are written once).
    3. For a published quarterly report, its outreach files: the bulletins missing, and the radio pack when it
       has none or its recordings changed (report_outreach_render).
    4. Mark it ready (only if this run still holds the claim) and drop the cached public pages.
    """
    task_id = task_id or f"direct-{uuid.uuid4()}"
    claimed = (
        Report.objects.filter(pk=report_id)
        .filter(Q(render_state=RenderState.QUEUED) | Q(render_state=RenderState.RENDERING, render_task_id=task_id))
        .update(render_state=RenderState.RENDERING, render_task_id=task_id, render_started_at=timezone.now())
    )
    if claimed != 1:
        return "skipped"
    report = Report.objects.select_related("plan").get(pk=report_id)
    if settings.REPORTS_RENDER_DELAY:
        time.sleep(settings.REPORTS_RENDER_DELAY)  # test hook: makes a rendering slow enough to interrupt
    # A published report's PDFs are written once: only those missing from the disk are rendered.
    languages = report_missing_pdfs(report) if report.is_published else LANGUAGES
    for language in languages:
        _render_language(report, language)
    if report_outreach_wanted(report):
        report_outreach_render(report=report)
    Report.objects.filter(pk=report_id, render_task_id=task_id, render_state=RenderState.RENDERING).update(
        render_state=RenderState.READY, rendered_at=timezone.now(), render_error=""
    )
    transaction.on_commit(bump_generation)
    return "ready"


# The outreach files of a published quarterly report (ReportOutreachFile): a bulletin to print per canton and
# language (reports.bulletins) and the radio pack in versions (reports.radio). Rendered by the same task as its
# PDFs, after them, written once as they are.

BULLETIN, RADIO_PACK = ReportOutreachFile.Kind.BULLETIN, ReportOutreachFile.Kind.RADIO_PACK


def report_outreach_wanted(report: Report) -> bool:
    """Published quarterly reports get bulletins and a radio pack (an annual report has its PDFs only)."""
    return report.is_published and report.kind == Report.Kind.QUARTERLY


def report_missing_bulletins(report: Report) -> list[tuple[Canton, str]]:
    """The (canton, language) pairs whose bulletin `report` lacks on the disk: the only ones a rendering writes."""
    if not report_outreach_wanted(report):
        return []
    present = {
        (row.canton_id, row.language)
        for row in ReportOutreachFile.objects.bulletins().filter(report=report).only("canton", "language", "file")
        if report_storage.exists(row.file.name)
    }
    return [
        (canton, language)
        for canton in Canton.objects.order_by("code")
        for language in LANGUAGES
        if (canton.pk, language) not in present
    ]


def _radio_pack_due(report: Report, wanted: list[dict]) -> int | None:
    """The version of the radio pack a rendering must write for the recordings `wanted` (reports.radio.manifest):
    1 for the first, the next when the report's published recordings changed, the latest again when its file went
    missing from the disk; None when the latest is in place and holds them."""
    latest = ReportOutreachFile.objects.radio_packs().filter(report=report).order_by("-version").first()
    if latest is None:
        return 1
    if latest.recordings != wanted:
        return latest.version + 1
    return None if report_storage.exists(latest.file.name) else latest.version


def report_outreach_missing(report: Report) -> bool:
    """Whether a rendering of `report` has outreach files to write."""
    from . import radio

    if not report_outreach_wanted(report):
        return False
    if report_missing_bulletins(report):
        return True
    return _radio_pack_due(report, radio.manifest(radio.report_recordings(report))) is not None


def _outreach_store(report: Report, *, stem: str, extension: str, write, lookup: dict, values: dict):
    """Write an outreach file as the PDFs are written (_render_language): `write(path)` fills a temporary file
    beside its place, linked read-only to a name of its own; recorded unless another run already gave the row
    (`lookup`) a file that is on the disk, which is then kept and the new file dropped. Returns the row."""
    name = outreach_file_name(report, stem, extension)
    target = Path(report_storage.path(name))
    temporary = temporary_beside(target)
    try:
        write(temporary)
        with temporary.open("rb") as written:
            sha256, size = fingerprint(File(written))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    link_exclusively(temporary, target)
    with transaction.atomic():
        published = Report.objects.select_for_update().filter(pk=report.pk, status=Status.PUBLISHED).exists()
        old = ReportOutreachFile.objects.filter(report=report, **lookup).first()
        if not published or (old is not None and report_storage.exists(old.file.name)):
            transaction.on_commit(lambda: report_storage.delete(name))
            return old
        defaults = {**values, "file": name, "size": size, "sha256": sha256, "rendered_at": timezone.now()}
        row, _created = ReportOutreachFile.objects.update_or_create(report=report, **lookup, defaults=defaults)
    return row


def _radio_packs_withdraw(report: Report, *, wanted: list[dict]) -> None:
    """Withdraw every version of the radio pack that holds a recording no longer published as it was (staff
    unpublished it, or deleted it at the speaker's request): its file goes, its row and SHA-256 stay."""
    public = {(e["recording"], e["opus_sha256"], e["mp3_sha256"]) for e in wanted}
    now = timezone.now()
    for pack in ReportOutreachFile.objects.radio_packs().filter(report=report, withdrawn_at=None):
        if all((e["recording"], e["opus_sha256"], e["mp3_sha256"]) in public for e in pack.recordings):
            continue
        ReportOutreachFile.objects.filter(pk=pack.pk, withdrawn_at=None).update(withdrawn_at=now)
        name = pack.file.name
        transaction.on_commit(lambda name=name: report_storage.delete(name))


def report_outreach_render(*, report: Report) -> list[ReportOutreachFile]:
    """Write what a published quarterly report lacks of its outreach files (none for any other report).

    1. The bulletin of each canton in each language that has none on the disk (reports.bulletins).
    2. The radio pack: its first version, a new version when the report's published recordings changed, or the
       latest again when its file went missing (reports.radio); then withdraw the versions holding a recording
       that is no longer published.
    Returns the rows written (or found written by another run)."""
    from . import bulletins, radio

    if not report_outreach_wanted(report):
        return []
    rows = []
    for canton, language in report_missing_bulletins(report):
        rows.append(
            _outreach_store(
                report,
                stem=f"{outreach_download_stem(report, 'boletin')}-{canton.slug}-{language}",
                extension="pdf",
                write=lambda path, c=canton, lang=language: path.write_bytes(bulletins.bulletin_pdf(report, c, lang)),
                lookup={"kind": BULLETIN, "canton": canton, "language": language},
                values={},
            )
        )
    recordings = radio.report_recordings(report)
    wanted = radio.manifest(recordings)
    version = _radio_pack_due(report, wanted)
    if version is not None:
        rows.append(
            _outreach_store(
                report,
                stem=radio.folder_name(report, version),
                extension="zip",
                write=lambda path: radio.pack_write(report, version=version, recordings=recordings, target=path),
                lookup={"kind": RADIO_PACK, "version": version},
                values={"recordings": wanted},
            )
        )
        _radio_packs_withdraw(report, wanted=wanted)
    return [row for row in rows if row is not None]


def reports_queue_outreach() -> int:
    """Periodic sweep (every 10 minutes, with reports_requeue_stuck): queue the rendering of the published
    quarterly reports that lack bulletins (published before they existed, or a canton was added) or whose radio
    pack is behind their published recordings (a recording converted or published after the report). Only
    reports whose rendering is done (a failed one waits for staff); four queries whatever their number."""
    from . import radio
    from .tasks import render_report_pdfs_task

    reports = list(
        Report.objects.published()
        .filter(kind=Report.Kind.QUARTERLY, render_state=RenderState.READY)
        .values_list("pk", flat=True)
    )
    if not reports:
        return 0
    expected = Canton.objects.count() * len(LANGUAGES)
    bulletins = dict(
        ReportOutreachFile.objects.bulletins()
        .filter(report__in=reports)
        .values("report")
        .annotate(count=Count("pk"))
        .values_list("report", "count")
    )
    packs = {
        report_id: recordings
        for report_id, recordings in ReportOutreachFile.objects.radio_packs()
        .filter(report__in=reports)
        .order_by("report", "version")
        .values_list("report", "recordings")
    }  # the latest version of each report's pack wins
    wanted = radio.manifests_of(reports)
    now = timezone.now()
    queued = 0
    for pk in reports:
        if bulletins.get(pk, 0) >= expected and packs.get(pk) == wanted.get(pk, []):
            continue
        if Report.objects.filter(pk=pk, render_state=RenderState.READY).update(
            render_state=RenderState.QUEUED, render_queued_at=now, render_task_id=""
        ):
            render_report_pdfs_task.enqueue(pk)
            queued += 1
    return queued


def report_render_retrying(*, report_id: int, task_id: str, error: str) -> None:
    """A transient error: back to queued (the retry, with the same task id, claims it again)."""
    Report.objects.filter(pk=report_id, render_task_id=task_id, render_state=RenderState.RENDERING).update(
        render_state=RenderState.QUEUED, render_error=_("Retrying after an error: %(error)s") % {"error": error}
    )


def report_render_failed(*, report_id: int, error: str) -> None:
    """The final failure, for staff to see in the admin (and re-render from there)."""
    Report.objects.filter(pk=report_id).exclude(render_state=RenderState.READY).update(
        render_state=RenderState.FAILED, render_error=error[:4000]
    )


def reports_requeue_stuck(*, older_than_minutes: int | None = None) -> int:
    """Periodic sweep: queue again the reports left queued (the broker was down when they were published) or
    left rendering by a worker that died and whose message was lost. Returns how many it queued."""
    from .tasks import render_report_pdfs_task

    now = timezone.now()
    ids = list(
        Report.objects.filter(render_stuck_q(now=now, queued_minutes=older_than_minutes)).values_list("pk", flat=True)
    )
    for pk in ids:
        Report.objects.filter(pk=pk).update(render_state=RenderState.QUEUED, render_queued_at=now, render_task_id="")
        render_report_pdfs_task.enqueue(pk)
    return len(ids)


# The monitor's records and the government's replies: who may write each, and the field that records who made it.
_RECORD_WRITERS = {
    MonitorDocument: (_require_monitor, "uploaded_by"),
    MonitorAssessment: (_require_monitor, "author"),
    GovernmentReply: (_require_planner, "author"),
}


def monitor_record_save(
    *, record: MonitorDocument | MonitorAssessment | GovernmentReply, by
) -> MonitorDocument | MonitorAssessment | GovernmentReply:
    """Save one of the monitor's documents or assessments, or the government's reply to one.

    1. Only the monitor writes its records, only a planner the replies; a reply answers a published record only.
    2. Who made it is recorded when it is created; it is dated when first published, and the date goes when it is
       withdrawn.
    """
    require, made_by = _RECORD_WRITERS[type(record)]
    require(by)
    record.full_clean()
    if isinstance(record, GovernmentReply) and not (record.assessment or record.document).is_published:
        raise ReportActionRefused(_("Only a published monitoring record can be answered."))
    if record.pk is None:
        setattr(record, made_by, by)
    if not record.is_published:
        record.published_at = None
    elif record.published_at is None:
        record.published_at = timezone.now()
    record.save()
    return record
