"""Recordings in the staff admin.

- `RecordingInline`: the recordings of a record, on its admin page (commitments, progress updates, indicators, road
  works, reports, meetings add it to their admins). A new row takes a file, which goes through
  kichwa.services.recording_add: its form probes the file first, so a file that is not an accepted recording is a
  form error in the staff member's language, never a server error. Whoever may change the record may attach,
  edit and delete its recordings (the record's own admin decides, scoping included).
- `RecordingAdmin`: every recording, filtered by state; a failed conversion says why, and "Convert again" retries it.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from conecta.admin_messages import AdminMessagesMixin, Sentences, register

from . import audio, selectors, services
from .models import Recording, RecordingState

register(
    Recording,
    Sentences(
        added=_("The recording “%(obj)s” was added."),
        changed=_("The changes to the recording “%(obj)s” were saved."),
        deleted=_("The recording “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy("%(count)d recording was deleted.", "%(count)d recordings were deleted.", "count"),
    ),
)


class AudioUploadInput(forms.FileInput):
    """A file input for a new recording; on a recording already uploaded, the name it was uploaded as (its file
    never changes: to replace it, delete the row and add another)."""

    uploaded_as: str | None = None

    def render(self, name, value, attrs=None, renderer=None):
        if self.uploaded_as is not None:
            return format_html('<span class="uploaded-as">{}</span>', self.uploaded_as)
        return super().render(name, value, attrs, renderer)


class RecordingInlineForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("audio file"),
        required=False,
        widget=AudioUploadInput(attrs={"accept": audio.ACCEPT}),
        help_text=_("A voice note as the phone makes it (WhatsApp .ogg/.opus, M4A, MP3, WAV, WebM, AMR)."),
    )

    class Meta:
        model = Recording
        fields = ["language", "title", "transcript", "is_published"]
        widgets = {"transcript": forms.Textarea(attrs={"rows": 3, "cols": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            field = self.fields["upload"]
            field.disabled = True
            field.widget.uploaded_as = self.instance.original_name or self.instance.original.name.rsplit("/", 1)[-1]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None or cleaned.get("DELETE"):
            return cleaned
        upload = cleaned.get("upload")
        if not upload:
            self.add_error("upload", ValidationError(_("Choose the recording's file."), code="required"))
            return cleaned
        try:
            audio.probe_upload(upload)
        except ValidationError as exc:
            self.add_error("upload", exc)
        return cleaned


class RecordingFormSet(BaseGenericInlineFormSet):
    by = None  # the staff member saving, set by RecordingInline.get_formset

    def clean(self):
        super().clean()
        for form in self.forms:
            if form.instance.pk is not None and form.cleaned_data.get("DELETE"):
                try:
                    services.recording_check_delete(recording=form.instance)
                except ValidationError as exc:
                    raise ValidationError(exc.messages) from exc

    def save_new(self, form, commit=True):
        data = form.cleaned_data
        return services.recording_add(
            target=self.instance,
            language=data["language"],
            upload=data["upload"],
            title=data.get("title") or "",
            transcript=data.get("transcript") or "",
            is_published=bool(data.get("is_published")),
            by=self.by,
        )


class RecordingDisplayMixin:
    """What staff read of a recording: its state (and why it failed), length, sizes and files."""

    @admin.display(description=_("state"))
    def state_display(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        if obj.state == RecordingState.FAILED:
            return format_html("<strong>{}</strong><br>{}", obj.get_state_display(), obj.error)
        return obj.get_state_display()

    @admin.display(description=_("length"))
    def length_display(self, obj):
        return audio.clock(obj.duration) if obj is not None and obj.duration else "—"

    @admin.display(description=_("sizes"))
    def sizes_display(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        sizes = [(_("original"), obj.original_size)]
        sizes += [(label, getattr(obj, f"{field}_size")) for ext, field, _ct, label in selectors.PUBLIC_FILES.values()]
        return format_html_join(" · ", "{} {}", ((name, filesizeformat(size)) for name, size in sizes if size))

    @admin.display(description=_("files"))
    def files_display(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        links = [
            (reverse("kichwa_files:staff", kwargs={"pk": obj.pk, "kind": kind}), label)
            for kind, label in (("original", _("original")), ("opus", "Opus"), ("mp3", "MP3"))
            if getattr(obj, kind)
        ]
        if obj.is_published and obj.state == RecordingState.READY:
            links += [
                (file.url, _("public %(format)s") % {"format": file.label}) for file in selectors.public_files(obj)
            ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links) or "—"


class RecordingInline(RecordingDisplayMixin, GenericTabularInline):
    model = Recording
    form = RecordingInlineForm
    formset = RecordingFormSet
    extra = 1
    fields = [
        "upload",
        "language",
        "title",
        "transcript",
        "is_published",
        "state_display",
        "length_display",
        "sizes_display",
        "files_display",
    ]
    readonly_fields = ["state_display", "length_display", "sizes_display", "files_display"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.by = request.user
        return formset

    # Whoever may change the record may attach, edit and delete its recordings: its admin decides.
    def _record_admin(self):
        return self.admin_site.get_model_admin(self.parent_model)

    def has_view_permission(self, request, obj=None):
        return self._record_admin().has_view_or_change_permission(request, obj)

    def has_add_permission(self, request, obj):
        record_admin = self._record_admin()
        if obj is None:
            return record_admin.has_add_permission(request)
        return record_admin.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._record_admin().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._record_admin().has_change_permission(request, obj)


@admin.register(Recording)
class RecordingAdmin(AdminMessagesMixin, RecordingDisplayMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "record_link",
        "language",
        "state_display",
        "length_display",
        "sizes_display",
        "is_published",
        "created_at",
    ]
    # Only the kinds of record that have recordings (Django's RelatedOnlyFieldListFilter: one query), not every
    # content type of the project.
    list_filter = ["state", "language", "is_published", ("content_type", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["content_type"]
    search_fields = ["title", "original_name", "transcript"]
    actions = ["retry"]
    fields = [
        "record_link",
        "language",
        "title",
        "transcript",
        "is_published",
        "state_display",
        "attempts",
        "length_display",
        "sizes_display",
        "files_display",
        "original_name",
        "original_sha256",
        "opus_sha256",
        "mp3_sha256",
        "created_at",
        "created_by",
        "converted_at",
    ]
    readonly_fields = [
        "record_link",
        "state_display",
        "attempts",
        "length_display",
        "sizes_display",
        "files_display",
        "original_name",
        "original_sha256",
        "opus_sha256",
        "mp3_sha256",
        "created_at",
        "created_by",
        "converted_at",
    ]

    @admin.display(description=_("record"))
    def record_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        kind = obj.content_type
        label = f"{kind.name} {obj.object_id}"
        try:
            url = reverse(f"admin:{kind.app_label}_{kind.model}_change", args=[obj.object_id])
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    def has_add_permission(self, request):
        return False  # a recording is added on the page of its record (RecordingInline)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False  # unpublished first (services.recording_check_delete)
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one by one, so that a published recording is never deleted in bulk
        return actions

    @admin.action(description=_("Convert the failed recordings again"), permissions=["change"])
    def retry(self, request, queryset):
        recordings = list(queryset)
        retried = sum(services.recording_retry(recording=recording) for recording in recordings)
        skipped = len(recordings) - retried
        if retried:
            self.message_user(
                request,
                ngettext(
                    "%(count)d recording will be converted again.",
                    "%(count)d recordings will be converted again.",
                    retried,
                )
                % {"count": retried},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d recording had not failed and was left as it was.",
                    "%(count)d recordings had not failed and were left as they were.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
