"""The staff admin of meetings: what was discussed (agenda, minutes as text and as a signed PDF), who attended (by
gender and by sector, whose totals must agree), the agreements reached, and the register planners follow them up
in. A published meeting and its agreements cannot be deleted (meetings.services guards the rest)."""

from __future__ import annotations

import os

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from commitments import roles
from commitments.models import Commitment
from commitments.selectors import plan_current
from commitments.staff import ProtectPublishedMixin
from conecta.admin_messages import AdminMessagesMixin
from kichwa.admin_audio import RecordingInline

from .dashboard import OwnInstitutionFilter
from .models import Agreement, Meeting, MeetingAttendance, attendance_totals_error
from .selectors import OPEN_STATUSES, minutes_download_name

# Addresses under /reuniones/ that a meeting's slug may not take.
RESERVED_SLUGS = {"acuerdos"}


class AttendanceFormSet(BaseInlineFormSet):
    """Counted by gender and by sector, the same people must add up to the same total."""

    def clean(self):
        super().clean()
        rows = [
            (form.cleaned_data.get("dimension"), form.cleaned_data.get("count") or 0)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        error = attendance_totals_error(rows)
        if error:
            raise error


class MeetingAttendanceInline(admin.TabularInline):
    model = MeetingAttendance
    formset = AttendanceFormSet
    extra = 0
    fields = ["dimension", "category", "count"]


class PublishedCommitmentChoice:
    """An agreement links to a commitment citizens can see: the published ones, in plan order."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "commitment":
            kwargs["queryset"] = Commitment.objects.published().order_by("order", "code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AgreementInline(PublishedCommitmentChoice, TranslationStackedInline):
    model = Agreement
    extra = 0
    fields = [
        "order",
        "text",
        ("owner_institution", "owner"),
        ("due_date", "status"),
        "status_note",
        "commitment",
    ]
    autocomplete_fields: list[str] = []

    def has_delete_permission(self, request, obj=None):
        # `obj` is the meeting: a published one keeps every agreement it reached.
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)


class _StaffCopy:
    """The stored minutes as the file input shows them: linked to the staff download (the storage has no URL)."""

    def __init__(self, file):
        self.name = file.name
        self.url = reverse("admin:meetings_meeting_minutes", args=[file.instance.pk])

    def __str__(self) -> str:
        return os.path.basename(self.name)


class MinutesFileInput(forms.ClearableFileInput):
    def is_initial(self, value):
        return bool(value and getattr(value, "name", "") and getattr(getattr(value, "instance", None), "pk", None))

    def format_value(self, value):
        return _StaffCopy(value) if self.is_initial(value) else None


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "slug",
            "plan",
            "axis",
            "date",
            "end_date",
            "place",
            "canton",
            "summary",
            "agenda",
            "minutes",
            "minutes_file",
            "is_published",
        ]
        widgets = {"minutes_file": MinutesFileInput(attrs={"accept": "application/pdf,.pdf"})}

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                _("“%(slug)s” is the address of another page; choose another."), params={"slug": slug}
            )
        return slug


@admin.register(Meeting)
class MeetingAdmin(AdminMessagesMixin, ProtectPublishedMixin, TabbedTranslationAdmin):
    form = MeetingForm
    list_display = [
        "title",
        "kind",
        "date",
        "place",
        "axis",
        "participants",
        "agreements",
        "has_minutes",
        "is_published",
    ]
    list_filter = ["kind", "axis", "is_published", "canton"]
    list_select_related = ["canton"]
    search_fields = ["title_es", "title_qu", "place_es", "summary_es"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title_es"]}
    inlines = [MeetingAttendanceInline, AgreementInline, RecordingInline]
    readonly_fields = ["minutes_check"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "plan", "axis"]}),
        (_("When and where"), {"fields": [("date", "end_date"), "place", "canton"]}),
        (_("What was discussed"), {"fields": ["summary", "agenda", "minutes"]}),
        (_("Signed minutes"), {"fields": ["minutes_file", "minutes_check"]}),
        (_("Publication"), {"fields": ["is_published"]}),
    ]

    def get_queryset(self, request):
        agreements = (
            Agreement.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting").annotate(n=Count("pk"))
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                _by_gender=Sum("attendance__count", filter=Q(attendance__dimension="gender")),
                _by_sector=Sum("attendance__count", filter=Q(attendance__dimension="sector")),
                _agreements=Coalesce(Subquery(agreements.values("n"), output_field=IntegerField()), 0),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        # A published meeting's signed minutes are written once: replacing or removing them would leave people
        # holding a copy whose SHA-256 the portal no longer shows (Meeting.save refuses it anywhere else too).
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_published and obj.minutes_file:
            fields.append("minutes_file_published")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not (obj.is_published and obj.minutes_file):
            return fieldsets
        return [
            (
                title,
                {
                    **options,
                    "fields": [
                        "minutes_file_published" if field == "minutes_file" else field for field in options["fields"]
                    ],
                },
            )
            for title, options in fieldsets
        ]

    @admin.display(description=_("signed minutes (PDF)"))
    def minutes_file_published(self, meeting: Meeting):
        return format_html(
            '<a href="{}">{}</a><div class="help">{}</div>',
            reverse("admin:meetings_meeting_minutes", args=[meeting.pk]),
            os.path.basename(meeting.minutes_file.name),
            _(
                "The meeting is published: its signed minutes cannot change. To correct them, unpublish the "
                "meeting first; the file published until then is kept as it is."
            ),
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        plan = plan_current()
        if plan is not None:
            initial.setdefault("plan", plan.pk)
        return initial

    def get_urls(self):
        return [
            path("<int:pk>/minutes/", self.admin_site.admin_view(self.minutes_view), name="meetings_meeting_minutes"),
            *super().get_urls(),
        ]

    def minutes_view(self, request, pk: int):
        """The signed minutes, for staff, whether the meeting is published or not."""
        meeting = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, meeting):
            raise PermissionDenied
        if not meeting.minutes_file or not meeting.minutes_file.storage.exists(meeting.minutes_file.name):
            raise Http404("no minutes")
        return FileResponse(
            meeting.minutes_file.open("rb"),
            as_attachment=True,
            filename=minutes_download_name(meeting),
            content_type="application/pdf",
        )

    @admin.display(description=_("participants"), ordering="_by_gender")
    def participants(self, meeting: Meeting):
        total = meeting._by_gender if meeting._by_gender is not None else meeting._by_sector
        return "—" if total is None else total

    @admin.display(description=_("agreements"), ordering="_agreements")
    def agreements(self, meeting: Meeting):
        return meeting._agreements

    @admin.display(description=_("minutes"), boolean=True)
    def has_minutes(self, meeting: Meeting):
        return bool(meeting.minutes_file or meeting.minutes_es or meeting.minutes_qu)

    @admin.display(description=_("file check"))
    def minutes_check(self, meeting: Meeting):
        if meeting is None or not meeting.minutes_sha256:
            return "—"
        return format_html(
            '{} bytes · SHA-256 <code>{}</code> · <a href="{}">{}</a>',
            meeting.minutes_size,
            meeting.minutes_sha256,
            reverse("admin:meetings_meeting_minutes", args=[meeting.pk]),
            _("Download"),
        )


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        overdue = Q(due_date__lt=timezone.localdate(), status__in=OPEN_STATUSES)
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset


@admin.register(Agreement)
class AgreementAdmin(AdminMessagesMixin, PublishedCommitmentChoice, TabbedTranslationAdmin):
    """The register planners follow agreements up in: what is pending, overdue, about which commitment."""

    list_display = [
        "meeting_date",
        "order",
        "short_text",
        "owner_display",
        "due_date",
        "status",
        "is_overdue",
        "commitment_code",
    ]
    list_display_links = ["meeting_date", "order", "short_text"]
    list_filter = [
        "status",
        OverdueFilter,
        OwnInstitutionFilter,
        "commitment",
        "meeting__kind",
        "meeting__is_published",
    ]
    list_select_related = ["meeting", "owner_institution", "commitment"]
    search_fields = ["text_es", "text_qu", "owner_es", "meeting__title_es", "commitment__code"]
    date_hierarchy = "due_date"
    ordering = ["-meeting__date", "meeting_id", "order"]
    fields = [
        "meeting",
        "order",
        "text",
        ("owner_institution", "owner"),
        ("due_date", "status"),
        "status_note",
        "commitment",
    ]

    def get_queryset(self, request):
        """Implementers follow the agreements of published meetings; drafts are the planners' work."""
        queryset = super().get_queryset(request)
        if roles.is_planner(request.user) or roles.in_group(request.user, roles.MONITOR):
            return queryset
        return queryset.filter(meeting__is_published=True)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and Meeting.objects.filter(pk=obj.meeting_id, is_published=True).exists():
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("meeting"), ordering="meeting__date")
    def meeting_date(self, obj: Agreement):
        return f"{obj.meeting.date:%Y-%m-%d} · {obj.meeting.get_kind_display()}"

    @admin.display(description=_("agreement"))
    def short_text(self, obj: Agreement):
        text = " ".join((obj.text or "").split())
        return text if len(text) <= 70 else text[:69] + "…"

    @admin.display(description=_("responsible"))
    def owner_display(self, obj: Agreement):
        institution = obj.owner_institution
        names = [n for n in ((institution.acronym or institution.name) if institution else "", obj.owner) if n]
        return " · ".join(names) or "—"

    @admin.display(description=_("commitment"), ordering="commitment__code")
    def commitment_code(self, obj: Agreement):
        return obj.commitment.code if obj.commitment_id else "—"

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue(self, obj: Agreement):
        return bool(obj.due_date and obj.due_date < timezone.localdate() and obj.status in OPEN_STATUSES)
