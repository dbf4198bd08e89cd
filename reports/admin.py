"""The staff admin of the reports and of the monitor's records.

- Reports: planners write the summary of a draft, move it through review (buttons above the form, each a
  service call) and publish it; a published report shows read-only, with its rendering state and its PDFs.
- Narratives: one per commitment and report; implementers see and write those of their institution's
  commitments only, while the report is a draft.
- The monitor's documents and assessments: only the group "Monitor (FCD)" writes them; government staff see the
  published ones and answer them with replies.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from commitments import roles
from commitments.models import ActionPlan, Commitment, IrmLevel
from commitments.selectors import plan_current
from commitments.staff import ProtectPublishedMixin, ScopedMixin
from conecta.admin_messages import AdminMessagesMixin
from kichwa.admin_audio import RecordingInline

from . import selectors, services
from .dashboard import AwaitingAssessmentFilter, NarrativeToWriteFilter, RenderAttentionFilter
from .models import (
    GovernmentReply,
    MonitorAssessment,
    MonitorDocument,
    Report,
    ReportFile,
    ReportFrozenError,
    ReportNarrative,
)
from .periods import Period
from .services import ReportActionRefused

Status = Report.Status
RenderState = Report.RenderState


def _size(value: int | None) -> str:
    if value is None:
        return "—"
    return f"{value / 1048576:.1f} MB" if value >= 1048576 else f"{max(1, round(value / 1024))} KB"


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _snapshot_moment(text: str, format_name: str) -> str:
    """A moment the snapshot stores as ISO text, as staff read it, in the portal's time zone."""
    moment = parse_datetime(text or "")
    if moment is None:
        return text or "—"
    return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, format_name)


def _level_label(code: str) -> str:
    """An IRM level as words ("Substantial"), from the code the snapshot stores ("substantial")."""
    try:
        return IrmLevel(code).label
    except ValueError:
        return code or "—"


class PeriodDraftForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=ActionPlan.objects.all(), label=_("Action plan"))
    period = forms.CharField(
        label=_("Period"), max_length=7, help_text=_("2025-Q3 for a quarter, 2025 for a whole year.")
    )

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError as exc:
            raise ValidationError(_("Write a quarter as 2025-Q3 or a year as 2025.")) from exc


class ReportNarrativeInline(TranslationStackedInline):
    model = ReportNarrative
    extra = 0
    fields = ["commitment_code", "text"]
    readonly_fields = ["commitment_code"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is not None and obj.status == Status.DRAFT and roles.is_planner(request.user)


@admin.register(Report)
class ReportAdmin(AdminMessagesMixin, TabbedTranslationAdmin):
    change_form_template = "admin/reports/report/change_form.html"
    list_display = [
        "__str__",
        "kind",
        "status",
        "provisional_display",
        "render_state_display",
        "published_at",
        "superseded_display",
    ]
    list_filter = ["status", "kind", "render_state", RenderAttentionFilter, AwaitingAssessmentFilter, "plan"]
    list_select_related = ["plan"]
    inlines = [ReportNarrativeInline, RecordingInline]
    actions = ["rerender_pdfs"]
    readonly_fields = ["identity", "workflow", "rendering", "snapshot_table"]
    fieldsets = [
        (None, {"fields": ["identity", "workflow"]}),
        (_("Texts"), {"fields": ["summary", "correction_note"]}),
        (_("PDFs"), {"fields": ["rendering"]}),
        (_("Snapshot at the period's end"), {"fields": ["snapshot_table"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("plan", "supersedes", "submitted_by", "approved_by", "published_by")
        )

    def view_on_site(self, obj):
        # Only a published report of the plan the portal shows has a public page.
        return obj.get_absolute_url() if obj.is_published else None

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.version == 1:
            fieldsets = [
                (name, {**opts, "fields": [f for f in opts["fields"] if not f.startswith("correction_note")]})
                for name, opts in fieldsets
            ]
        return fieldsets

    def has_change_permission(self, request, obj=None):
        # Only a draft's texts are edited in the form; review, approval and publication are the buttons above it.
        if obj is not None and obj.status != Status.DRAFT:
            return False
        return super().has_change_permission(request, obj) and (obj is None or roles.is_planner(request.user))

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == Status.PUBLISHED:
            return False
        return super().has_delete_permission(request, obj) and roles.is_planner(request.user)

    def get_deleted_objects(self, objs, request):
        # Drafts only (published ones are refused above); their narratives and previews go with them.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, model_count, set(), protected

    def save_model(self, request, obj, form, change):
        try:
            services.report_require_draft(Report.objects.get(pk=obj.pk))
        except (ReportActionRefused, ReportFrozenError) as exc:
            raise PermissionDenied(str(exc)) from exc
        super().save_model(request, obj, form, change)

    # The add page creates the draft of a period (reports.services.report_draft_for_period).

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request) or not roles.is_planner(request.user):
            raise PermissionDenied
        form = PeriodDraftForm(request.POST or None, initial={"plan": plan_current()})
        if request.method == "POST" and form.is_valid():
            try:
                report = services.report_draft_for_period(
                    plan=form.cleaned_data["plan"], period=form.cleaned_data["period"], by=request.user
                )
            except ReportActionRefused as exc:
                form.add_error("period", str(exc))
            else:
                self.message_user(request, gettext("The draft of %(period)s is ready.") % {"period": report.period})
                return HttpResponseRedirect(reverse("admin:reports_report_change", args=[report.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": gettext("Draft the report of a period"),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/reports/report/add_period.html", context)

    # Workflow buttons and the staff's PDF previews.

    WORKFLOW = {
        "submit": (services.report_submit, _("The report was sent to review.")),
        "return": (services.report_return_to_draft, _("The report is a draft again.")),
        "approve": (services.report_approve, _("The report was approved.")),
        "publish": (services.report_publish, None),
        "correct": (services.report_start_correction, _("A correction was started: edit it and publish it.")),
    }

    def get_urls(self):
        return [
            path(
                "<int:pk>/workflow/<str:step>/",
                self.admin_site.admin_view(self.workflow_view),
                name="reports_report_workflow",
            ),
            path(
                "<int:pk>/pdf/<str:language>/",
                self.admin_site.admin_view(self.pdf_view),
                name="reports_report_pdf",
            ),
            path(
                "<int:pk>/page/<str:language>/",
                self.admin_site.admin_view(self.page_view),
                name="reports_report_page",
            ),
            *super().get_urls(),
        ]

    def workflow_view(self, request, pk: int, step: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = get_object_or_404(Report, pk=pk)
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        change_url = reverse("admin:reports_report_change", args=[report.pk])
        try:
            if step == "render":
                self._rerender(request, report)
            elif step == "refresh":
                services.report_snapshot_refresh(report=report)
                self.message_user(
                    request,
                    gettext("The snapshot was taken again: the plan as of the period's end, as recorded now."),
                )
            elif step in self.WORKFLOW:
                service, done = self.WORKFLOW[step]
                result = service(report=report, by=request.user)
                if step == "publish":
                    self._published_message(request, result)
                else:
                    self.message_user(request, done)
                if step == "correct":
                    change_url = reverse("admin:reports_report_change", args=[result.pk])
            else:
                raise Http404("unknown step")
        except (ReportActionRefused, PermissionDenied) as exc:
            self.message_user(request, str(exc) or gettext("You may not do this."), messages.ERROR)
        except ReportFrozenError:
            self.message_user(request, gettext("The report is published and cannot be changed."), messages.ERROR)
        return HttpResponseRedirect(change_url)

    def _published_message(self, request, report: Report) -> None:
        report.refresh_from_db(fields=["render_state", "render_error"])
        if report.render_state == RenderState.READY:
            self.message_user(request, gettext("The report was published and its PDFs are ready."))
        elif report.render_state == RenderState.FAILED:
            self.message_user(
                request,
                gettext("The report was published, but its PDFs failed: %(error)s") % {"error": report.render_error},
                messages.WARNING,
            )
        else:
            self.message_user(
                request,
                gettext(
                    "The report was published. Its PDFs are being made and will appear on the public page in a few "
                    "minutes."
                ),
                messages.WARNING,
            )

    def _rerender(self, request, report: Report) -> None:
        missing = services.report_missing_pdfs(report) if report.is_published else []
        if services.report_queue_render(report=report, by=request.user):
            report.refresh_from_db(fields=["render_state", "render_error"])
            if report.render_state == RenderState.FAILED:
                self.message_user(
                    request, gettext("Rendering failed: %(error)s") % {"error": report.render_error}, messages.ERROR
                )
            elif missing:
                done = report.render_state == RenderState.READY
                self.message_user(
                    request,
                    (
                        gettext(
                            "The missing PDFs (%(languages)s) of this published report were rendered under new names. "
                            "A published PDF that is in place is never rendered again."
                        )
                        if done
                        else gettext(
                            "The missing PDFs (%(languages)s) of this published report are queued: they will be "
                            "rendered under new names. A published PDF that is in place is never rendered again."
                        )
                    )
                    % {"languages": ", ".join(missing)},
                    messages.WARNING,
                )
            elif report.render_state == RenderState.READY:
                self.message_user(request, gettext("The PDFs were rendered again."))
            else:
                self.message_user(request, gettext("The PDFs are queued for rendering."))
        else:
            self.message_user(request, gettext("A rendering is already queued or under way."), messages.WARNING)

    @admin.action(description=_("Render the PDFs again (drafts, and missing PDFs of published reports)"))
    def rerender_pdfs(self, request, queryset):
        if not roles.is_planner(request.user):
            raise PermissionDenied
        queued = kept = 0
        for report in queryset:
            try:
                queued += services.report_queue_render(report=report, by=request.user)
            except ReportActionRefused:
                kept += 1
        self.message_user(
            request,
            ngettext("%(count)d report queued for rendering.", "%(count)d reports queued for rendering.", queued)
            % {"count": queued},
        )
        if kept:
            self.message_user(
                request,
                ngettext(
                    "%(count)d published report already has its PDFs: a published PDF is never rendered again.",
                    "%(count)d published reports already have their PDFs: a published PDF is never rendered again.",
                    kept,
                )
                % {"count": kept},
                messages.WARNING,
            )

    def pdf_view(self, request, pk: int, language: str):
        report = get_object_or_404(Report, pk=pk)
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        row = ReportFile.objects.filter(report=report, language=language).first()
        if row is None or not row.file.storage.exists(row.file.name):
            raise Http404("not rendered")
        return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.download_name)

    def page_view(self, request, pk: int, language: str):
        """The report's page as the public will see it once published (a draft's preview for staff), in
        `language`: the same template and context as the public page, from the same snapshot."""
        report = get_object_or_404(
            Report.objects.select_related("plan", "supersedes", "superseded_by").prefetch_related("narratives"), pk=pk
        )
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        if language not in dict(settings.LANGUAGES):
            raise Http404("unknown language")
        with translation.override(language):
            response = render(request, "reports/detail.html", selectors.report_context(report, language))
        response["X-Robots-Tag"] = "noindex"
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["workflow_steps"] = self._steps_for(request, obj)
            if obj.is_provisional and obj.status in (Status.IN_REVIEW, Status.APPROVED):
                # Approve and Publish are hidden until the period ends: the page says why, and when.
                context["workflow_waits"] = services.period_not_ended_message(obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def _steps_for(self, request, report: Report) -> list[tuple[str, str]]:
        if not roles.is_planner(request.user):
            return []
        steps = {
            Status.DRAFT: [("refresh", _("Take the snapshot again")), ("submit", _("Send to review"))],
            Status.IN_REVIEW: [("return", _("Back to draft")), ("approve", _("Approve"))],
            Status.APPROVED: [("return", _("Back to draft")), ("publish", _("Publish"))],
            Status.PUBLISHED: [] if report.is_superseded else [("correct", _("Start a correction"))],
        }[report.status]
        if report.is_provisional:  # neither approved nor published before its period ends (is_provisional)
            steps = [(step, label) for step, label in steps if step not in ("approve", "publish")]
        if report.render_state in (RenderState.QUEUED, RenderState.RENDERING):
            return steps
        if not report.is_published:
            label = _("Render the PDFs again") if report.files.exists() else _("Render a preview of the PDFs")
            steps.append(("render", label))
        elif services.report_missing_pdfs(report):
            # A published report's PDFs are written once: only a missing one may still be rendered.
            steps.append(("render", _("Render the missing PDFs")))
        return steps

    # Read-only panels.

    @admin.display(description=_("report"))
    def identity(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        corrects = (
            format_html(
                " · {}",
                format_html(
                    gettext('corrects <a href="{url}">version {version}</a>'),
                    url=reverse("admin:reports_report_change", args=[obj.supersedes_id]),
                    version=obj.supersedes.version,
                ),
            )
            if obj.supersedes_id
            else ""
        )
        period = gettext("period {start} – {end} ({time_zone})").format(
            start=obj.period_starts_on.isoformat(),
            end=obj.period_ends_on.isoformat(),
            time_zone=obj.snapshot.get("period", {}).get("time_zone", ""),
        )
        provisional = (
            format_html('<p class="errornote">{}</p>', services.period_not_ended_message(obj))
            if obj.is_provisional
            else ""
        )
        pages = format_html_join(
            " · ",
            '<a href="{}" hreflang="{}">{}</a>',
            (
                (reverse("admin:reports_report_page", args=[obj.pk, code]), code, name)
                for code, name in settings.LANGUAGES
            ),
        )
        return format_html(
            "{}<strong>{}</strong> · {} · {}{}<br>{}: {}",
            provisional,
            obj.title,
            period,
            gettext("version {version}").format(version=obj.version),
            corrects,
            gettext("The report's page") if obj.is_published else gettext("Preview of the report's page"),
            pages,
        )

    @admin.display(description=_("workflow"))
    def workflow(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        rows = [(gettext("Status"), obj.get_status_display())]
        for label, who, when in (
            (gettext("Sent to review"), obj.submitted_by, obj.submitted_at),
            (gettext("Approved"), obj.approved_by, obj.approved_at),
            (gettext("Published"), obj.published_by, obj.published_at),
        ):
            if when:
                rows.append((label, f"{_when(when)} · {who or '—'}"))
        if obj.superseded_at:
            rows.append((gettext("Superseded"), _when(obj.superseded_at)))
        return format_html(
            '<table class="conecta-changelog"><tbody>{}</tbody></table>',
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )

    @admin.display(description=_("PDF rendering"))
    def rendering(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        state = format_html("<strong>{}</strong>", obj.get_render_state_display())
        if obj.render_state == RenderState.QUEUED and obj.render_queued_at:
            state = format_html(
                "{} · {}", state, gettext("queued since {when}").format(when=_when(obj.render_queued_at))
            )
        error = format_html('<pre class="errornote">{}</pre>', obj.render_error) if obj.render_error else ""
        files = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>',
            (
                (
                    reverse("admin:reports_report_pdf", args=[obj.pk, f.language]),
                    f.download_name,
                    _size(f.size),
                    f.pages,
                    f.sha256,
                    _when(f.rendered_at),
                )
                for f in obj.files.all()
            ),
        )
        table = (
            format_html(
                '<table class="conecta-changelog"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>SHA-256</th>'
                "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
                gettext("File"),
                gettext("Size"),
                gettext("Pages"),
                gettext("Rendered"),
                files,
            )
            if files
            else gettext("No PDF yet.")
        )
        return format_html("<p>{}</p>{}{}", state, error, table)

    @admin.display(description=_("commitments in the snapshot"))
    def snapshot_table(self, obj):
        if obj is None or not obj.snapshot:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    c["code"],
                    c["title"].get("es", ""),
                    "—" if c["progress"] is None else f"{c['progress']} %",
                    _level_label(c["irm_level"]),
                    len(c["milestones"]),
                    len(c["updates"]),
                )
                for c in obj.snapshot.get("commitments", [])
            ),
        )
        taken = _snapshot_moment(obj.snapshot.get("taken_at", ""), "SHORT_DATETIME_FORMAT")
        as_of = obj.snapshot.get("as_of")
        if as_of:
            taken = format_html("{} · {} {}", taken, gettext("situation as of"), _snapshot_moment(as_of, "DATE_FORMAT"))
        example = (
            format_html(" · <strong>{}</strong>", gettext("example data"))
            if obj.snapshot.get("totals", {}).get("has_example_data")
            else ""
        )
        return format_html(
            '<p>{} {}{}</p><table class="conecta-changelog"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            gettext("Taken at"),
            taken,
            example,
            gettext("Code"),
            gettext("Title"),
            gettext("Progress"),
            gettext("IRM level"),
            gettext("Milestones"),
            gettext("Updates of the period"),
            rows,
        )

    @admin.display(description=_("provisional"), boolean=True)
    def provisional_display(self, obj):
        """A draft of a period that has not ended (Report.is_provisional)."""
        return obj.is_provisional

    @admin.display(description=_("PDF rendering"), ordering="render_state")
    def render_state_display(self, obj):
        return obj.get_render_state_display()

    @admin.display(description=_("superseded"), boolean=True)
    def superseded_display(self, obj):
        return obj.superseded_at is not None


@admin.register(ReportNarrative)
class ReportNarrativeAdmin(AdminMessagesMixin, ScopedMixin, TabbedTranslationAdmin):
    list_display = ["commitment_code", "commitment_title", "report", "written_es", "written_qu", "updated_at"]
    list_filter = ["report__status", NarrativeToWriteFilter, "report"]
    list_select_related = ["report"]
    search_fields = ["commitment_code"]
    fields = ["report", "commitment_code", "commitment_title", "text"]
    readonly_fields = ["report", "commitment_code", "commitment_title"]
    commitment_code_field = "commitment_code"

    def has_add_permission(self, request):
        return False  # a draft gets one narrative per commitment of its snapshot

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        return obj.report.status == Status.DRAFT and services.can_write_narrative(request.user, obj.commitment_code)

    def save_model(self, request, obj, form, change):
        services.narrative_save(narrative=obj, by=request.user)

    @admin.display(description=_("commitment"))
    def commitment_title(self, obj):
        for row in obj.report.snapshot.get("commitments", []):
            if row["code"] == obj.commitment_code:
                return row["title"].get("es", "")
        return "—"

    @admin.display(description=_("Spanish"), boolean=True)
    def written_es(self, obj):
        return bool(obj.text_es)

    @admin.display(description=_("Kichwa"), boolean=True)
    def written_qu(self, obj):
        return bool(obj.text_qu)


class MonitorOnlyMixin(AdminMessagesMixin):
    """The monitor's records: written by the group "Monitor (FCD)" only; government staff see the published ones."""

    def _is_monitor(self, request) -> bool:
        return roles.in_group(request.user, roles.MONITOR)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if self._is_monitor(request) else qs.filter(is_published=True)

    def has_add_permission(self, request):
        return self._is_monitor(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._is_monitor(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_published or obj.replies.exists()):
            return False
        return self._is_monitor(request) and super().has_delete_permission(request, obj)


@admin.register(MonitorDocument)
class MonitorDocumentAdmin(MonitorOnlyMixin, TabbedTranslationAdmin):
    list_display = ["title", "kind", "covers", "is_published", "published_at", "size_display"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title_es", "title_qu"]
    fields = ["title", "kind", "covers", "description", "file", "is_published", "checksum", "published_at"]
    readonly_fields = ["checksum", "published_at"]

    def get_fields(self, request, obj=None):
        # A published document's file is written once (MonitorDocument.save refuses a change anywhere else): the
        # form has no file input, the file check below links to it.
        if obj is not None and obj.is_published:
            return [name for name in self.fields if name != "file"]
        return self.fields

    def save_model(self, request, obj, form, change):
        services.monitor_record_save(record=obj, by=request.user)

    def get_urls(self):
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="reports_monitordocument_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, pk: int):
        document = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, document) or not document.file:
            raise PermissionDenied
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.download_name)

    @admin.display(description=_("size"))
    def size_display(self, obj):
        return _size(obj.size)

    @admin.display(description=_("file check"))
    def checksum(self, obj):
        if obj is None or not obj.sha256:
            return "—"
        frozen = (
            format_html(
                '<div class="help">{}</div>',
                gettext("Published: this file cannot change. To publish another file, upload a new document."),
            )
            if obj.is_published
            else ""
        )
        return format_html(
            '{} · SHA-256 <code>{}</code> · <a href="{}">{}</a>{}',
            _size(obj.size),
            obj.sha256,
            reverse("admin:reports_monitordocument_download", args=[obj.pk]),
            gettext("Download"),
            frozen,
        )


@admin.register(MonitorAssessment)
class MonitorAssessmentAdmin(MonitorOnlyMixin, TabbedTranslationAdmin):
    list_display = ["commitment", "assessed_on", "level", "is_published", "published_at"]
    list_filter = ["level", "is_published", "commitment__plan"]
    list_select_related = ["commitment"]
    search_fields = ["commitment__code", "text_es", "text_qu"]
    fields = ["commitment", "assessed_on", "level", "text", "is_published", "published_at"]
    readonly_fields = ["published_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "commitment":
            kwargs["queryset"] = Commitment.objects.published().select_related("plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.monitor_record_save(record=obj, by=request.user)


@admin.register(GovernmentReply)
class GovernmentReplyAdmin(AdminMessagesMixin, ProtectPublishedMixin, TabbedTranslationAdmin):
    list_display = ["__str__", "is_published", "published_at", "author"]
    list_filter = ["is_published"]
    list_select_related = ["assessment__commitment", "document", "author"]
    fields = ["assessment", "document", "text", "is_published", "published_at"]
    readonly_fields = ["published_at"]

    def has_add_permission(self, request):
        return roles.is_planner(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return roles.is_planner(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return roles.is_planner(request.user) and super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if roles.is_planner(request.user):
            return qs
        return qs.filter(is_published=True)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assessment":
            kwargs["queryset"] = MonitorAssessment.objects.filter(is_published=True).select_related("commitment")
        elif db_field.name == "document":
            kwargs["queryset"] = MonitorDocument.objects.filter(is_published=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.monitor_record_save(record=obj, by=request.user)
