"""The staff admin of road works and road requests (issue 13).

1. Road works: the form in the order a Public Works engineer thinks of a work (what it is, where, who executes
   it, with what money, when, its procurement, its consultation, its line on the map, its publication), Spanish
   and Kichwa tabs, the line from a GPS track or two typed points (roads.admin_forms), the monthly progress saved
   through roads.services (the work then shows its latest figures) and the documents, inline. Spreadsheets of the
   inventory and of the monthly progress (roads.resources). Implementers see every work and edit those of their
   institution (roads.roles); the planners publish.
2. Road requests: the moderation queue every contribution has (feedback.moderation), the entry of a request
   gathered offline, a change of status with its public note, its history, and the photo, for staff only.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline, TranslationTabularInline

from commitments.models import Commitment, Institution
from commitments.roles import is_planner
from commitments.staff import KichwaGapsAdminMixin, ProtectPublishedMixin, ReadOnlyAdminMixin, SpreadsheetAdminMixin
from conecta.admin_messages import AdminMessagesMixin
from conecta.fallbacks import kichwa_missing_q
from conecta.files import stored_file_response
from feedback.models import Suggestion
from feedback.moderation import AddressFilter, ContactFilter, ModerationAdminMixin, ModerationFilter, short
from kichwa.admin_audio import RecordingInline
from meetings.models import Meeting

from . import geometry, request_services, roles, services
from .admin_forms import (
    GEOMETRY_INPUTS,
    STATUS_CHANGE_FIELDS,
    DocumentFileWidget,
    OfflineRequestForm,
    RequestAdminForm,
    RoadDocumentFormSet,
    RoadProgressAdminForm,
    RoadProgressFormSet,
    RoadWorkAdminForm,
)
from .dashboard import REQUEST_IDLE_DAYS, WORK_IDLE_DAYS, requests_idle, works_idle
from .models import GeometrySource, RoadDocument, RoadProgress, RoadRequest, RoadRequestChange, RoadWork
from .resources import RoadProgressResource, RoadWorkResource

# The road works' commitment in the action plan: a new work is part of it unless said otherwise.
ROADS_COMMITMENT = "ECPTZ0003"


# Road works.


class WorkIdleFilter(admin.SimpleListFilter):
    """Published works under way whose latest progress is older than WORK_IDLE_DAYS (roads.dashboard counts them)."""

    title = _("recent progress")
    parameter_name = "sin_avance"

    def lookups(self, request, model_admin):
        return [("si", _("Under way, with no progress in %(days)s days") % {"days": WORK_IDLE_DAYS})]

    def queryset(self, request, queryset):
        return works_idle(queryset, timezone.localdate()) if self.value() == "si" else queryset


class WorkPartInlineMixin:
    """A work's progress and documents are changed, published and unpublished by whoever may change the work
    (roads.roles.may_edit_work): the department that reports its progress can also withdraw a wrong figure (it is
    unpublished, never deleted, and the history keeps it)."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and roles.may_edit_work(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and roles.may_edit_work(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and roles.may_edit_work(request.user, obj)


class RoadProgressInline(WorkPartInlineMixin, TranslationTabularInline):
    model = RoadProgress
    formset = RoadProgressFormSet
    extra = 0
    fields = ["observed_on", "physical_pct", "paid_amount", "note", "is_published", "recorded_by"]
    readonly_fields = ["recorded_by"]
    ordering = ["-observed_on"]
    verbose_name = _("monthly progress")
    # A short note box: a month's progress is a line or two, and the table must fit the form's width.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 36})}}
    verbose_name_plural = _("monthly progress (the latest published is what the work shows)")


class RoadDocumentInline(WorkPartInlineMixin, TranslationStackedInline):
    model = RoadDocument
    formset = RoadDocumentFormSet
    extra = 0
    fields = [
        "document_type",
        "title",
        "published_on",
        "progress",
        "url",
        "file",
        "file_check",
        "is_published",
        "sha256",
        "size",
    ]
    readonly_fields = ["file_check", "sha256", "size"]
    formfield_overrides = {models.FileField: {"widget": DocumentFileWidget}}

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("progress")
        if field is not None:  # the form class is made for this request: its fields are its own
            field.queryset = RoadProgress.objects.filter(work=obj) if obj is not None else RoadProgress.objects.none()
        return formset

    @admin.display(description=_("file check"))
    def file_check(self, obj):
        if obj is None or obj.pk is None or not obj.file:
            return "—"
        kind = obj.file_kind
        if kind is None:
            return format_html(
                '<strong class="errornote">{}</strong>', _("Refused: this type of file is not accepted.")
            )
        return format_html(
            '{} · {} · <a href="{}">{}</a>',
            kind.label,
            obj.original_name,
            reverse("admin:roads_roadwork_document", args=[obj.pk]),
            _("Download"),
        )


@admin.register(RoadWork)
class RoadWorkAdmin(
    AdminMessagesMixin, KichwaGapsAdminMixin, ProtectPublishedMixin, SpreadsheetAdminMixin, TabbedTranslationAdmin
):
    resource_classes = [RoadWorkResource]
    form = RoadWorkAdminForm
    list_display = ["code", "name", "status", "physical_display", "progress_on", "is_published"]
    list_filter = ["status", "kind", "cantons", "institution", "is_published", "is_example", WorkIdleFilter]
    search_fields = ["code", "name_es", "name_qu", "communities", "contractor_name", "procurement_code"]
    filter_horizontal = ["cantons", "parishes"]
    inlines = [RoadProgressInline, RoadDocumentInline, RecordingInline]
    actions = ["publish_selected", "unpublish_selected"]
    readonly_fields = ["latest_progress", "geometry_summary"]
    fieldsets = [
        (
            _("Identification"),
            {"fields": ["code", "name", "kind", "status", "description", "institution", "commitment"]},
        ),
        (
            _("Place"),
            {
                "fields": [
                    "cantons",
                    "parishes",
                    "communities",
                    ("start_reference", "end_reference"),
                    "length_km",
                    ("surface_before", "surface_after"),
                ]
            },
        ),
        (_("Execution"), {"fields": ["executor", "contractor_name", "contractor_ruc", "partner"]}),
        (_("Money and progress"), {"fields": ["budget", "financing", "latest_progress"]}),
        (_("Dates"), {"fields": [("planned_start", "planned_end"), ("actual_start", "actual_end")]}),
        (_("Procurement"), {"fields": ["procurement_code", "ocds_id"]}),
        (_("Consultation"), {"fields": ["indigenous_territory", "prior_consultation", "consultation_meeting"]}),
        (
            _("Line on the map"),
            {
                "fields": [
                    "geometry_summary",
                    "track",
                    ("start_longitude", "start_latitude"),
                    ("end_longitude", "end_latitude"),
                    "clear_geometry",
                    "geometry_note",
                ]
            },
        ),
        (_("Publication"), {"fields": ["is_published", "is_example"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read only: the line's inputs would be empty rows.
        inputs = set(GEOMETRY_INPUTS)
        return [
            (
                title,
                {
                    **options,
                    "fields": [
                        field
                        for field in options["fields"]
                        if (set(field) if isinstance(field, tuple) else {field}).isdisjoint(inputs)
                    ],
                },
            )
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not is_planner(request.user):
            # Publishing (and saying a work is only an example) stays with the Planning Directorate, and a work
            # keeps the code it was given.
            fields += ["is_published", "is_example"]
            if obj is not None:
                fields.append("code")
        return fields

    def has_add_permission(self, request):
        return super().has_add_permission(request) and roles.work_scope(request.user) is not False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and roles.may_edit_work(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and roles.may_edit_work(request.user, obj)

    def delete_queryset(self, request, queryset):
        # The bulk action asks no record's own permission: a published work in the selection stops it.
        if queryset.filter(is_published=True).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "institution":
            scope = roles.work_scope(request.user)
            queryset = Institution.objects.order_by("name")
            kwargs["queryset"] = queryset if scope is None else queryset.filter(pk=getattr(scope, "pk", None))
        elif db_field.name == "commitment":
            kwargs["queryset"] = Commitment.objects.order_by("code")
        elif db_field.name == "consultation_meeting":
            kwargs["queryset"] = Meeting.objects.order_by("-date")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        scope = roles.work_scope(request.user)
        if scope:
            initial.setdefault("institution", scope.pk)
        commitment = Commitment.objects.filter(code=ROADS_COMMITMENT).values_list("pk", flat=True).first()
        if commitment is not None:
            initial.setdefault("commitment", commitment)
        return initial

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.line is None:
            return
        coordinates, source = form.line
        was_approximate = obj.geometry_source == GeometrySource.APPROXIMATE  # not a form field: as stored
        note_kept = not any(name.startswith("geometry_note") for name in form.changed_data)
        services.road_work_set_geometry(
            work=obj, coordinates=coordinates, source=source, drop_note=was_approximate and note_kept
        )
        self._warn_if_length_differs(request, obj, coordinates)

    def _warn_if_length_differs(self, request, work, coordinates) -> None:
        """A new line much shorter or longer than the work's length is probably another road's track, or part of
        one: saved as given, with a warning to check it."""
        if not work.length_km or len(coordinates) < 2:
            return
        drawn = geometry.length_km(coordinates)
        if not 0.5 <= drawn / float(work.length_km) <= 2:
            messages.warning(
                request,
                _(
                    "The line drawn is %(drawn)s km long, and the work's length is %(length)s km: check that the "
                    "track is this road's, and whole."
                )
                % {"drawn": number_format(round(drawn, 1), 1), "length": number_format(work.length_km, 2)},
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoadProgress:
            return super().save_formset(request, form, formset, change)
        observations = formset.save(commit=False)
        for progress in formset.deleted_objects:
            progress.refresh_from_db(fields=["is_published"])  # the formset refused deleting a published one
            services.road_progress_delete(progress=progress)
        for progress in observations:
            services.road_progress_save(progress=progress, by=request.user)
        return None

    @admin.display(description=_("physical progress"), ordering="physical_pct")
    def physical_display(self, obj):
        return f"{obj.physical_pct} %"

    @admin.display(description=_("latest published progress"))
    def latest_progress(self, obj):
        if obj is None or obj.pk is None or obj.progress_on is None:
            return _("No progress published yet.")
        paid = "—" if obj.paid_amount is None else f"USD {number_format(obj.paid_amount, 2, force_grouping=True)}"
        financial = "—" if obj.financial_pct is None else f"{obj.financial_pct} %"
        return _("%(physical)s %% physical, %(paid)s paid (%(financial)s of the budget), as of %(day)s.") % {
            "physical": obj.physical_pct,
            "paid": paid,
            "financial": financial,
            "day": date_format(obj.progress_on),
        }

    @admin.display(description=_("line drawn now"))
    def geometry_summary(self, obj):
        if obj is None or not obj.geometry:
            return _("No line yet.")
        count = len(obj.geometry)
        points = ngettext("%(count)s point", "%(count)s points", count) % {"count": count}
        length = number_format(round(geometry.length_km(obj.geometry), 2), 2)
        return _("%(points)s, %(km)s km long (%(source)s).") % {
            "points": points,
            "km": length,
            "source": obj.get_geometry_source_display(),
        }

    def get_urls(self):
        return [
            path(
                "document/<int:pk>/",
                self.admin_site.admin_view(self.document_file_view),
                name="roads_roadwork_document",
            ),
            *super().get_urls(),
        ]

    def document_file_view(self, request, pk: int):
        """A work's document file, published or not, for staff who may see the work; always a download."""
        document = get_object_or_404(RoadDocument.objects.select_related("work"), pk=pk)
        if not self.has_view_permission(request, document.work):
            raise PermissionDenied
        kind = document.file_kind
        if kind is None:
            raise Http404("no accepted file")
        return stored_file_response(
            request, document.file, content_type=kind.content_type, filename=document.download_name, inline=False
        )

    # Publishing: the planners' (the actions are not offered to anyone else).

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_planner(request.user):
            for name in ("publish_selected", "unpublish_selected"):
                actions.pop(name, None)
        return actions

    @admin.action(description=_("Publish the selected road works"), permissions=["change"])
    def publish_selected(self, request, queryset):
        changed = self._set_published(queryset, True)
        self.message_user(
            request,
            ngettext("%(count)s road work published.", "%(count)s road works published.", changed) % {"count": changed},
            messages.SUCCESS,
        )
        missing = queryset.filter(kichwa_missing_q(RoadWork)).count()
        if missing:
            self.message_user(
                request,
                ngettext(
                    "%(count)s of them has no Kichwa text yet: the Kichwa pages show its Spanish text.",
                    "%(count)s of them have no Kichwa text yet: the Kichwa pages show their Spanish text.",
                    missing,
                )
                % {"count": missing},
                messages.WARNING,
            )

    @admin.action(description=_("Unpublish the selected road works"), permissions=["change"])
    def unpublish_selected(self, request, queryset):
        changed = self._set_published(queryset, False)
        self.message_user(
            request,
            ngettext("%(count)s road work unpublished.", "%(count)s road works unpublished.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    @staticmethod
    def _set_published(queryset, published: bool) -> int:
        """Each one saved, so that its page and the cached lists change (roads.signals)."""
        changed = 0
        for work in queryset.exclude(is_published=published):
            work.is_published = published
            work.save(update_fields=["is_published", "updated_at"])
            changed += 1
        return changed


@admin.register(RoadProgress)
class RoadProgressAdmin(AdminMessagesMixin, SpreadsheetAdminMixin, TabbedTranslationAdmin):
    """Every work's monthly progress in one list, and its spreadsheet (one row per work and date); entered here or
    on the work's form, and saved through roads.services.road_progress_save either way."""

    resource_classes = [RoadProgressResource]
    form = RoadProgressAdminForm
    list_display = ["work", "observed_on", "physical_display", "paid_amount", "is_published", "recorded_by"]
    list_filter = ["is_published", "work__status", "work__institution"]
    list_select_related = ["work", "recorded_by"]
    search_fields = ["work__code", "work__name_es", "work__name_qu"]
    date_hierarchy = "observed_on"
    ordering = ["-observed_on", "work__code"]
    fields = ["work", "observed_on", "physical_pct", "paid_amount", "note", "is_published", "recorded_by"]
    readonly_fields = ["recorded_by"]
    actions = ["publish_selected", "unpublish_selected"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and roles.work_scope(request.user) is not False

    def has_change_permission(self, request, obj=None):
        work = obj.work if obj is not None else None
        return super().has_change_permission(request, obj) and roles.may_edit_work(request.user, work)

    def has_delete_permission(self, request, obj=None):
        # A published observation stays (it is unpublished instead: roads.services.road_progress_delete).
        if obj is not None and obj.is_published:
            return False
        work = obj.work if obj is not None else None
        return super().has_delete_permission(request, obj) and roles.may_edit_work(request.user, work)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "work":
            kwargs["queryset"] = roles.editable_works(request.user).order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.road_progress_save(progress=obj, by=request.user)

    def delete_model(self, request, obj):
        services.road_progress_delete(progress=obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting many at once could take published history with it: one by one, drafts only.
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("physical progress"), ordering="physical_pct")
    def physical_display(self, obj):
        return f"{obj.physical_pct} %"

    @admin.action(description=_("Publish the selected progress"), permissions=["change"])
    def publish_selected(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=_("Unpublish the selected progress"), permissions=["change"])
    def unpublish_selected(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, published: bool) -> None:
        """Each observation of a work this person may change saved (the cached pages change), then the works'
        figures refreshed once. An implementer sees every work's progress but publishes only their own."""
        works = set()
        for progress in queryset.filter(work__in=roles.editable_works(request.user)).exclude(is_published=published):
            progress.is_published = published
            progress.save(update_fields=["is_published"])
            works.add(progress.work_id)
        if works:
            services.road_progress_refresh(works=RoadWork.objects.filter(pk__in=works))
        count = len(works)
        message = ngettext(
            "The published progress of %(count)s road work changed.",
            "The published progress of %(count)s road works changed.",
            count,
        ) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)


# Road requests.


class RequestIdleFilter(admin.SimpleListFilter):
    """Open, approved requests with no change in REQUEST_IDLE_DAYS days (roads.dashboard counts them)."""

    title = _("recent change")
    parameter_name = "sin_cambios"

    def lookups(self, request, model_admin):
        return [("si", _("Open, with no change in %(days)s days") % {"days": REQUEST_IDLE_DAYS})]

    def queryset(self, request, queryset):
        return requests_idle(queryset, timezone.now()) if self.value() == "si" else queryset


class RoadRequestChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The request's public history, oldest first: each status and the note that explains it."""

    model = RoadRequestChange
    fields = ["changed_at", "status", "note_es", "note_qu", "changed_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("change")
    verbose_name_plural = _("history of changes (public, without who made them)")


REQUEST_READONLY = [
    "tracking_code",
    "description",
    "photo_display",
    "channel",
    "language",
    "received_on",
    "created_at",
    "entered_by",
    "name",
    "email",
    "phone",
    "same_sender",
    "consent_at",
    "confirmation_sent_at",
    "anonymised_at",
    "moderation",
    "moderated_at",
    "moderated_by",
    "moderation_reason",
    "status",
    "status_changed_at",
    "fixed_on",
    "answered_by_work",
]
# What an implementer may not correct: only the status changes, with its note, are theirs.
IMPLEMENTER_READONLY = ["kind", "parish", "community", "road_name", "work", "latitude", "longitude", "photo_public"]


@admin.register(RoadRequest)
class RoadRequestAdmin(ModerationAdminMixin, admin.ModelAdmin):
    form = RequestAdminForm
    actions = ["approve_selected", "reject_selected", "hide_selected", "anonymise_requests"]
    same_contact_models = ((RoadRequest, _("road requests")), (Suggestion, _("suggestions")))
    list_display = [
        "tracking_code",
        "kind",
        "parish",
        "short_description",
        "status",
        "moderation",
        "received_on",
        "channel",
        "same_sender",
    ]
    list_filter = [
        ModerationFilter,
        RequestIdleFilter,
        "status",
        "kind",
        "channel",
        "parish__canton",
        "photo_public",
        ContactFilter,
        AddressFilter,
    ]
    list_select_related = ["parish"]
    search_fields = ["tracking_code", "description", "road_name", "community", "=email", "=phone"]
    date_hierarchy = "received_on"
    inlines = [RoadRequestChangeInline]
    readonly_fields = REQUEST_READONLY
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "tracking_code",
                    "kind",
                    "description",
                    "parish",
                    "community",
                    "road_name",
                    "work",
                    ("latitude", "longitude"),
                ]
            },
        ),
        (_("Photo"), {"fields": ["photo_display", "photo_public"]}),
        (_("Received"), {"fields": ["channel", "language", "received_on", "created_at", "entered_by"]}),
        (
            _("Contact (never public)"),
            {
                "fields": [
                    "name",
                    "email",
                    "phone",
                    "same_sender",
                    "consent_at",
                    "confirmation_sent_at",
                    "anonymised_at",
                ]
            },
        ),
        (_("Moderation"), {"fields": ["moderation", "moderated_at", "moderated_by", "moderation_reason"]}),
        (_("Status"), {"fields": ["status", "status_changed_at", "fixed_on", "answered_by_work"]}),
        (
            _("Change the status"),
            {
                "description": _(
                    "A new status, or a note on the same one, is added to the request's public history, with the date "
                    "and the note in Spanish and Kichwa; the person who sent it can follow it with its tracking code."
                ),
                "fields": STATUS_CHANGE_FIELDS,
            },
        ),
    ]
    add_fieldsets = [
        (None, {"fields": ["kind", "description", "parish", "community", "road_name", "work"]}),
        (_("Place and photo"), {"fields": [("latitude", "longitude"), "photo"]}),
        (_("Received"), {"fields": ["channel", "language", "received_on"]}),
        (_("Contact (optional, never public)"), {"fields": ["name", "email", "phone"]}),
    ]

    @admin.action(
        description=_("Anonymise the selected requests and every request from the same contact"),
        permissions=["change"],
    )
    def anonymise_requests(self, request, queryset):
        """A person's right to have their data removed (LOPDP): after a confirmation page, the sender's contact
        goes from these requests and from every other one left with the same e-mail or phone; the requests stay."""
        if "apply" in request.POST:
            count = request_services.road_requests_anonymise(queryset=queryset)
            message = ngettext(
                "%(count)s road request anonymised: its text and history stay.",
                "%(count)s road requests anonymised: their texts and histories stay.",
                count,
            )
            self.message_user(request, message % {"count": count}, messages.SUCCESS)
            return None
        warning = _(
            "These requests, and every other request left with the same e-mail address or phone number, will lose "
            "the sender's name, e-mail address, phone number and network-address hash. Their texts, photos and "
            "histories stay, so every figure stays the same. This cannot be undone."
        )
        return self._intermediate(
            request, queryset, "anonymise_requests", _("Anonymise personal data"), {"warning": warning}
        )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        condition = roles.request_scope(request.user)
        return queryset if condition is None else queryset.filter(condition)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        return [(title, options) for title, options in fieldsets if "change_status" not in options["fields"]]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if self.moderates(request):
            return self.readonly_fields
        return [*self.readonly_fields, *IMPLEMENTER_READONLY]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = OfflineRequestForm
            return super().get_form(request, obj, **kwargs)
        form = super().get_form(request, obj, **kwargs)
        works = roles.editable_works(request.user)
        return type(form.__name__, (form,), {"works": works})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("work", "answered_by_work"):
            kwargs["queryset"] = RoadWork.objects.order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            services.request_save_offline(request=obj, by=request.user)
            return
        if set(form.changed_data) - set(STATUS_CHANGE_FIELDS):
            obj.save()
        arguments = form.status_change()
        if arguments is not None:
            services.request_status_change(request=obj, by=request.user, **arguments)
            obj.refresh_from_db()

    @admin.display(description=_("description"))
    def short_description(self, obj):
        return short(obj.description)

    @admin.display(description=_("photo"))
    def photo_display(self, obj):
        if obj is None or not obj.photo or not obj.photo_content_type.startswith("image/"):
            return "—"
        url = reverse("admin:roads_roadrequest_photo", args=[obj.pk])
        return format_html(
            '<a href="{}"><img src="{}" width="320" alt="{}"></a>', url, url, _("Photo sent with the request")
        )

    def get_urls(self):
        return [
            path("<int:pk>/photo/", self.admin_site.admin_view(self.photo_view), name="roads_roadrequest_photo"),
            *super().get_urls(),
        ]

    def photo_view(self, request, pk: int):
        """The request's photo for staff who may see the request, whether or not it may be public."""
        road_request = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, road_request):
            raise PermissionDenied
        content_type = road_request.photo_content_type
        if not road_request.photo or not content_type.startswith("image/"):
            raise Http404("no photo")
        extension = content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
        return stored_file_response(
            request,
            road_request.photo,
            content_type=content_type,
            filename=f"{road_request.tracking_code}.{extension}",
            inline=True,
        )
