"""The staff admin's forms of road works and road requests (roads.admin): what a form checks before anything is
saved, so that what the services and the models would refuse is said next to its field, never as a server error.

1. A work's line: a GPS track (GPX, KML, GeoJSON) or a start and an end typed in decimal degrees, read by
   roads.geometry (which refuses a bad file, or a point outside Pastaza, with its own message).
2. Its monthly progress and documents, inline: an amount paid beyond the budget, a published observation or
   document deleted, or the file of a published document replaced, are refused on the form.
3. A request gathered offline (roads.services.request_save_offline), and a change of a request's status with its
   public note (roads.services.request_status_change).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminDateWidget, AdminFileWidget
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from conecta.published_files import file_would_change
from feedback.models import NAME_MAX, PHONE_MAX
from feedback.protection import PlainTextField

from . import geometry, services
from .forms import CoordinateField, inside_pastaza
from .models import (
    NOTE_MAX,
    PLACE_MAX,
    REQUEST_TEXT_MAX,
    GeometrySource,
    RoadDocument,
    RoadProgress,
    RoadRequest,
    RoadWork,
)

LONGITUDE_INVALID = _("Write the longitude in decimal degrees, like -78.00310, or leave it empty.")
LATITUDE_INVALID = _("Write the latitude in decimal degrees, like -1.49270, or leave it empty.")
PAID_BEYOND_BUDGET = _("The amount paid cannot exceed the work's budget.")


def paid_beyond_budget(paid, work: RoadWork | None) -> bool:
    """What roads.services.road_progress_save refuses: an amount paid above the work's budget."""
    return paid is not None and work is not None and bool(work.budget) and paid > work.budget


def _messages(error: ValidationError) -> list[str]:
    return list(error.messages)


# Road works.

GEOMETRY_INPUTS = ["track", "start_longitude", "start_latitude", "end_longitude", "end_latitude", "clear_geometry"]


class RoadWorkAdminForm(forms.ModelForm):
    """The work's fields, and its line: a GPS track, or a start (and an end) in decimal degrees, or removing it.
    `line` holds what to store, (coordinates, source), once the form is valid; None leaves the line as it is."""

    track = forms.FileField(
        label=_("GPS track"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".gpx,.kml,.geojson,.json"}),
    )
    start_longitude = CoordinateField(label=_("Start: longitude"), limit=180, invalid=LONGITUDE_INVALID)
    start_latitude = CoordinateField(label=_("Start: latitude"), limit=90, invalid=LATITUDE_INVALID)
    end_longitude = CoordinateField(label=_("End: longitude"), limit=180, invalid=LONGITUDE_INVALID)
    end_latitude = CoordinateField(label=_("End: latitude"), limit=90, invalid=LATITUDE_INVALID)
    clear_geometry = forms.BooleanField(label=_("Remove the line drawn now"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = None
        if "track" in self.fields:
            self.fields["track"].help_text = gettext(
                "A GPX, KML or GeoJSON file recorded along the road (at most %(limit)s MB), from a GPS, a phone or a "
                "map program. It replaces the line drawn now; the portal keeps a simplified copy."
            ) % {"limit": round(settings.ROAD_TRACK_MAX_BYTES / 1048576, 1)}
        if "start_longitude" in self.fields:
            self.fields["start_longitude"].help_text = _(
                "Or, without a track: where the work starts and ends, in decimal degrees (WGS84), as a phone or a map "
                "gives them. A start alone marks a point (a bridge)."
            )

    def clean(self):
        cleaned = super().clean()
        if "track" not in self.fields or any(self.has_error(name) for name in GEOMETRY_INPUTS):
            return cleaned
        track = cleaned.get("track")
        start = (cleaned.get("start_longitude"), cleaned.get("start_latitude"))
        end = (cleaned.get("end_longitude"), cleaned.get("end_latitude"))
        typed = any(value is not None for value in (*start, *end))
        if track and typed:
            self.add_error("track", _("Upload a GPS track or type the start and end, not both."))
        elif track:
            try:
                self.line = (geometry.read_track(track), GeometrySource.TRACK)
            except ValidationError as error:
                self.add_error("track", _messages(error))
        elif typed:
            self.line = self._typed_line(start, end)
        elif cleaned.get("clear_geometry"):
            self.line = ([], GeometrySource.NONE)
        return cleaned

    def _typed_line(self, start, end):
        if None in start:
            self.add_error("start_longitude", _("Give both the longitude and the latitude of the start."))
            return None
        if None in end and end != (None, None):
            self.add_error("end_longitude", _("Give both the longitude and the latitude of the end, or neither."))
            return None
        try:
            return (geometry.points_line(start, None if end == (None, None) else end), GeometrySource.POINTS)
        except ValidationError as error:
            self.add_error("start_longitude", _messages(error))
            return None


class RoadProgressAdminForm(forms.ModelForm):
    """An observation entered on its own page (RoadProgressAdmin): its work chosen among those the user may edit."""

    def clean(self):
        cleaned = super().clean()
        work = cleaned.get("work") or (self.instance.work if self.instance.work_id else None)
        if paid_beyond_budget(cleaned.get("paid_amount"), work):
            self.add_error("paid_amount", PAID_BEYOND_BUDGET)
        return cleaned


class RoadProgressFormSet(BaseInlineFormSet):
    """A work's observations on its form: a published one stays (it is unpublished instead, and the note says why);
    an amount paid stays within the budget the work's form gives."""

    def clean(self):
        super().clean()
        stored = [form.instance.pk for form in self.initial_forms if form.instance.pk]
        published = set(RoadProgress.objects.filter(pk__in=stored, is_published=True).values_list("pk", flat=True))
        deleted = False
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            if self.can_delete and self._should_delete_form(form):
                # The errors of a form marked for deletion are not shown: the refusal is the formset's.
                deleted = deleted or form.instance.pk in published
            elif paid_beyond_budget(form.cleaned_data.get("paid_amount"), self.instance):
                form.add_error("paid_amount", PAID_BEYOND_BUDGET)
        if deleted:
            raise ValidationError(_("Published progress is not deleted: unpublish it, and say why in its note."))


class RoadDocumentFormSet(BaseInlineFormSet):
    """A work's documents: the file of a published document is never replaced nor removed (the model's own
    refusal, said on the field), and a published document is not deleted (a planner unpublishes it)."""

    def clean(self):
        super().clean()
        published = RoadDocument.objects.published()
        stored = [form.instance.pk for form in self.initial_forms if form.instance.pk]
        public = set(published.filter(pk__in=stored).values_list("pk", flat=True))
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.instance.pk is None:
                continue
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk in public:
                    # The errors of a form marked for deletion are not shown: the refusal is the formset's.
                    raise ValidationError(
                        _("“%(record)s” is published and cannot be deleted; unpublish it first."),
                        params={"record": form.initial.get("title_es") or form.instance.title},
                    )
            elif (
                "file" in form.changed_data
                and form.instance.pk in public
                and file_would_change(form.instance, "file", published)
            ):
                form.add_error(
                    "file",
                    _(
                        "“%(title)s” is published: its file is never replaced nor removed. Add the new file as a new "
                        "document; to withdraw this one, unpublish it."
                    )
                    % {"title": form.instance.title},
                )


class StoredDocumentFile:
    """A stored document as the file widget shows it: under the name it was uploaded with, linked to the staff
    download (its storage has no address of its own)."""

    def __init__(self, document: RoadDocument):
        self.url = reverse("admin:roads_roadwork_document", args=[document.pk])
        self.name = document.original_name or document.file.name.rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return self.name


class DocumentFileWidget(AdminFileWidget):
    def is_initial(self, value):
        return bool(value) and getattr(getattr(value, "instance", None), "pk", None) is not None

    def format_value(self, value):
        return StoredDocumentFile(value.instance) if self.is_initial(value) else None


# Road requests.


def _photo(form: forms.Form):
    """The photo, refused at once if it is too large or cannot be kept as a photo without its metadata (as
    roads.services.request_save_offline will keep it)."""
    photo = form.cleaned_data.get("photo")
    if not photo or getattr(photo, "_committed", False):
        return photo
    try:
        services.request_photo_prepare(photo)
    except ValidationError as error:
        raise ValidationError(_messages(error)) from None
    photo.seek(0)
    return photo


def check_position(form: forms.Form, cleaned: dict) -> None:
    """A request's position, when the form has it: both coordinates or neither (the model's constraint), and
    inside Pastaza, as the public form checks it."""
    if "latitude" not in form.fields or form.has_error("latitude") or form.has_error("longitude"):
        return
    latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
    if (latitude is None) != (longitude is None):
        form.add_error(
            "latitude" if latitude is None else "longitude",
            _("Give both the latitude and the longitude, or neither."),
        )
    elif latitude is not None and not inside_pastaza(latitude, longitude):
        form.add_error(
            "latitude",
            _(
                "This position is outside the province of Pastaza. Check the numbers (the latitude comes first, "
                "and both are negative), or leave them empty."
            ),
        )


class OfflineRequestForm(forms.ModelForm):
    """A road request gathered through a traditional channel (an assembly, WhatsApp, a phone call, the office):
    what, where, when and through which channel; the contact only if the person gave it."""

    class Meta:
        model = RoadRequest
        fields = [
            "kind",
            "parish",
            "community",
            "road_name",
            "work",
            "description",
            "photo",
            "latitude",
            "longitude",
            "channel",
            "language",
            "received_on",
            "name",
            "email",
            "phone",
        ]

    description = PlainTextField(
        label=capfirst(_("description")),
        max_length=REQUEST_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write what the person reported.")},
    )
    community = PlainTextField(
        label=capfirst(_("community or sector")), max_length=PLACE_MAX, required=False, multiline=False
    )
    road_name = PlainTextField(label=capfirst(_("road")), max_length=PLACE_MAX, required=False, multiline=False)
    name = PlainTextField(label=capfirst(_("name or pseudonym")), max_length=NAME_MAX, required=False, multiline=False)
    phone = PlainTextField(label=capfirst(_("phone")), max_length=PHONE_MAX, required=False, multiline=False)
    latitude = CoordinateField(label=capfirst(_("latitude")), limit=90, invalid=LATITUDE_INVALID)
    longitude = CoordinateField(label=capfirst(_("longitude")), limit=180, invalid=LONGITUDE_INVALID)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [c for c in RoadRequest.Channel.choices if c[0] != RoadRequest.Channel.WEB]
        self.fields["channel"].initial = RoadRequest.Channel.ASSEMBLY
        self.fields["received_on"].initial = timezone.localdate
        self.fields["work"].queryset = RoadWork.objects.order_by("code")

    def clean_photo(self):
        return _photo(self)

    def clean_received_on(self):
        day = self.cleaned_data.get("received_on")
        if day and day > timezone.localdate():
            raise ValidationError(_("The date received cannot be in the future."))
        return day

    def clean(self):
        cleaned = super().clean()
        check_position(self, cleaned)
        return cleaned


STATUS_CHANGE_FIELDS = ["change_status", "change_note_es", "change_note_qu", "change_fixed_on", "change_work"]


class RequestAdminForm(forms.ModelForm):
    """A request's page: what staff may correct, and a change of its status with a public note in Spanish and
    Kichwa (each change is kept in the request's public history). `works` are the works it may be linked to."""

    works = RoadWork.objects.none()

    change_status = forms.ChoiceField(label=_("New status"), choices=RoadRequest.Status.choices, required=False)
    change_note_es = PlainTextField(
        label=_("Public note (Spanish)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the request's public page with the change: what was done or will be done, and when."),
    )
    change_note_qu = PlainTextField(
        label=_("Public note (Kichwa)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    change_fixed_on = forms.DateField(
        label=_("Fixed on"), required=False, widget=AdminDateWidget, help_text=_("Needed for “Fixed”.")
    )
    change_work = forms.ModelChoiceField(
        label=_("Answered by the road work"),
        queryset=RoadWork.objects.none(),
        required=False,
        help_text=_("The work that will fix it, or fixed it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.instance
        if "change_status" in self.fields:
            self.fields["change_status"].initial = request.status
            self.fields["change_fixed_on"].initial = request.fixed_on
            # The work it is linked to stays offered, even one of another institution: leaving the choice as it is
            # must not unlink it.
            self.fields["change_work"].queryset = RoadWork.objects.filter(
                Q(pk__in=self.works.values("pk")) | Q(pk=request.answered_by_work_id)
            ).order_by("code")
            self.fields["change_work"].initial = request.answered_by_work_id

    def clean(self):
        cleaned = super().clean()
        check_position(self, cleaned)
        if "change_status" not in self.fields or self.has_error("change_fixed_on"):
            return cleaned
        request = self.instance
        status = cleaned.get("change_status") or request.status
        if status != RoadRequest.Status.FIXED:
            return cleaned
        day = cleaned.get("change_fixed_on") or request.fixed_on
        if day is None:
            self.add_error("change_fixed_on", _("Give the date it was fixed."))
        elif day < request.received_on:
            self.add_error("change_fixed_on", _("It cannot be fixed before it was received."))
        elif day > timezone.localdate():
            self.add_error("change_fixed_on", _("The date it was fixed cannot be in the future."))
        return cleaned

    def status_change(self) -> dict | None:
        """The arguments of roads.services.request_status_change this form asks for; None when it asks none."""
        if "change_status" not in self.fields:
            return None
        cleaned = self.cleaned_data
        linked = cleaned.get("change_work") if "change_work" in self.changed_data else False
        status = cleaned.get("change_status") or self.instance.status
        notes = (cleaned.get("change_note_es") or "", cleaned.get("change_note_qu") or "")
        if status == self.instance.status and not any(notes) and linked is False:
            return None
        return {
            "status": status,
            "note_es": notes[0],
            "note_qu": notes[1],
            "fixed_on": cleaned.get("change_fixed_on"),
            "answered_by_work": linked,
        }
