"""Every signal receiver of the reports, connected in one place (`connect`, from ReportsConfig.ready()): guards that
keep a published report, its narratives, its PDFs and its outreach files from being deleted, the removal of a
deleted preview's file, and the invalidation of the cached public pages (conecta.cache)."""

from __future__ import annotations

from django.db.models.signals import post_delete, pre_delete

from conecta.cache import connect_invalidation

from .models import (
    GovernmentReply,
    MonitorAssessment,
    MonitorDocument,
    Report,
    ReportFile,
    ReportFrozenError,
    ReportNarrative,
    ReportOutreachFile,
)

PUBLIC_MODELS = (
    Report,
    ReportFile,
    ReportNarrative,
    ReportOutreachFile,
    MonitorDocument,
    MonitorAssessment,
    GovernmentReply,
)


def guard_published_report(sender, instance, **kwargs):
    if Report.objects.filter(pk=instance.pk, status=Report.Status.PUBLISHED).exists():
        raise ReportFrozenError("a published report cannot be deleted; publish a correction instead")


def guard_published_narrative(sender, instance, **kwargs):
    if Report.objects.filter(pk=instance.report_id, status=Report.Status.PUBLISHED).exists():
        raise ReportFrozenError("the report is published: its narratives are frozen")


def guard_published_file(sender, instance, **kwargs):
    if not instance.is_preview and ReportFile.objects.final().filter(pk=instance.pk).exists():
        raise ReportFrozenError("the PDFs of a published report are never deleted")


def guard_outreach_file(sender, instance, **kwargs):
    # Every outreach file is a published report's: withdrawn (a radio pack), never deleted.
    if ReportOutreachFile.objects.filter(pk=instance.pk).exists():
        raise ReportFrozenError("the bulletins and radio packs of a published report are never deleted")


def remove_report_file(sender, instance, **kwargs):
    """A draft's preview goes with its row (a published report's rows are never deleted)."""
    if instance.file:
        instance.file.storage.delete(instance.file.name)


def connect() -> None:
    pre_delete.connect(guard_published_report, sender=Report, dispatch_uid="reports-guard-published-report")
    pre_delete.connect(
        guard_published_narrative, sender=ReportNarrative, dispatch_uid="reports-guard-published-narrative"
    )
    pre_delete.connect(guard_published_file, sender=ReportFile, dispatch_uid="reports-guard-published-file")
    pre_delete.connect(guard_outreach_file, sender=ReportOutreachFile, dispatch_uid="reports-guard-outreach-file")
    post_delete.connect(remove_report_file, sender=ReportFile, dispatch_uid="reports-file-remove")
    connect_invalidation(*PUBLIC_MODELS)
