"""The public form of a road request: the suggestion form's protections, fields and messages (feedback.forms), with
the road's problem, place, an optional photo and an optional position."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments.models import Canton, Parish
from conecta.uploads import detect
from feedback.forms import ParticipationForm, SuggestionForm, consent_field, email_field, name_field, text_field
from feedback.protection import PlainTextField

from . import geometry
from .models import PLACE_MAX, REQUEST_TEXT_MAX, RoadRequest, RoadWork

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
# The stored precision of a position (RoadRequest.latitude/longitude): five decimals, about a metre.
COORDINATE_STEP = Decimal("0.00001")


def inside_pastaza(latitude: Decimal, longitude: Decimal) -> bool:
    """Whether the position is inside the province, as roads.geometry checks a road work's line (the union of
    its cantons' boundaries, with its margin)."""
    try:
        geometry.checked([(float(longitude), float(latitude))])
    except ValidationError:
        return False
    return True


class CoordinateField(forms.Field):
    """Decimal degrees as a phone or a map application gives them ("-1.492736", "-1,49"), rounded to the stored
    five decimals; None when empty."""

    MAX_CHARS = 30

    def __init__(self, *, limit: int, invalid, **kwargs):
        self.limit = Decimal(limit)
        super().__init__(
            required=False,
            error_messages={"invalid": invalid},
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": self.MAX_CHARS}),
            **kwargs,
        )

    def to_python(self, value):
        text = str(value or "").strip().replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text) if len(text) <= self.MAX_CHARS else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) > self.limit:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number.quantize(COORDINATE_STEP)


class RoadRequestForm(ParticipationForm):
    kind = forms.ChoiceField(
        label=_("What is the problem?"),
        choices=RoadRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what the problem is (or “Other”)."),
            "invalid_choice": _("Choose what the problem is (or “Other”)."),
        },
    )
    parish = forms.ChoiceField(
        label=_("Parish"),
        help_text=_("The parish where the problem is, listed by canton."),
        error_messages={
            "required": _("Choose the parish where the problem is."),
            "invalid_choice": _("Choose one of the listed parishes."),
        },
    )
    community = PlainTextField(
        label=_("Community or sector (optional)"),
        required=False,
        multiline=False,
        max_length=PLACE_MAX,
        error_messages={"max_length": _("Write at most %(limit_value)s characters (you wrote %(show_value)s).")},
        widget=forms.TextInput(attrs={"maxlength": PLACE_MAX}),
    )
    road_name = PlainTextField(
        label=_("Road (optional)"),
        required=False,
        multiline=False,
        max_length=PLACE_MAX,
        help_text=_("Its name, or where it goes, e.g. “vía Puyo – Canelos, km 12”."),
        error_messages={"max_length": _("Write at most %(limit_value)s characters (you wrote %(show_value)s).")},
        widget=forms.TextInput(attrs={"maxlength": PLACE_MAX}),
    )
    work = forms.ChoiceField(
        label=_("Road work it is about (optional)"),
        required=False,
        help_text=_("If the problem is on a road the provincial government is building or maintaining."),
        error_messages={"invalid_choice": _("Choose one of the listed road works, or none.")},
    )
    description = text_field(
        label=_("Describe the problem"),
        limit=REQUEST_TEXT_MAX,
        help_text=_(
            "Where exactly, since when, and how it affects people. It is published once a moderator approves it, "
            "without your contact data. In Spanish, Kichwa or any language. At most 2,000 characters."
        ),
    )
    description.error_messages["required"] = _("Describe the problem.")
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        error_messages={
            "invalid": _("The photo could not be read. Choose it again."),
            "empty": _("The photo is empty. Choose another one."),
            "missing": _("The photo could not be read. Choose it again."),
        },
        widget=forms.FileInput(attrs={"accept": ",".join(PHOTO_TYPES)}),
    )
    latitude = CoordinateField(
        label=_("Latitude (optional)"),
        limit=90,
        invalid=_("Write the latitude in decimal degrees, like -1.49270, or leave it empty."),
    )
    longitude = CoordinateField(
        label=_("Longitude (optional)"),
        limit=180,
        invalid=_("Write the longitude in decimal degrees, like -78.00310, or leave it empty."),
    )
    name = name_field(required=False)
    email = email_field()
    # The suggestion form's own field (its check, messages and hint), not a copy of it.
    phone = SuggestionForm.base_fields["phone"]
    consent = consent_field()

    field_order = [
        "kind",
        "parish",
        "community",
        "road_name",
        "work",
        "description",
        "photo",
        "latitude",
        "longitude",
        "name",
        "email",
        "phone",
        "consent",
    ]

    def __init__(self, *args, cantons: list[Canton], works: list[RoadWork], **kwargs):
        super().__init__(*args, **kwargs)
        self._parishes = {parish.code: parish for canton in cantons for parish in canton.parishes.all()}
        self.fields["parish"].choices = [("", _("Choose a parish"))] + [
            (canton.name, [(parish.code, parish.name) for parish in canton.parishes.all()]) for canton in cantons
        ]
        self.fields["photo"].help_text = gettext(
            "A JPEG, PNG or WebP photo of at most %(limit)s MB. We keep it without its hidden data (such as the place "
            "where it was taken); a moderator decides whether it can be published. If the form shows an error, "
            "choose it again."
        ) % {"limit": round(settings.ROAD_REQUEST_PHOTO_MAX_BYTES / 1048576, 1)}
        self._works = {work.code: work for work in works}
        self.fields["work"].choices = [("", _("None, or I do not know"))] + [
            (work.code, f"{work.code} · {work.name}") for work in works
        ]

    def clean_parish(self) -> Parish:
        return self._parishes[self.cleaned_data["parish"]]

    def clean_work(self) -> RoadWork | None:
        return self._works.get(self.cleaned_data.get("work") or "")

    def clean_photo(self):
        """Refuse at once what is too large or not a photo, from its bytes; roads.services.request_submit decodes
        it and keeps it without its metadata (and refuses it if it cannot be decoded)."""
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        limit = settings.ROAD_REQUEST_PHOTO_MAX_BYTES
        if photo.size > limit:
            raise ValidationError(
                _("The photo is too large (%(size)s MB); the limit is %(limit)s MB. Send a smaller one."),
                code="too_large",
                params={"size": round(photo.size / 1048576, 1), "limit": round(limit / 1048576, 1)},
            )
        try:
            kind = detect(photo)
        except ValidationError:
            kind = None
        if kind is None or kind.content_type not in PHOTO_TYPES:
            raise ValidationError(_("The photo must be a JPEG, PNG or WebP image."), code="not_photo")
        photo.seek(0)
        return photo

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if self.has_error("latitude") or self.has_error("longitude"):
            return data
        if (latitude is None) != (longitude is None):
            missing = "latitude" if latitude is None else "longitude"
            self.add_error(missing, _("Give both the latitude and the longitude, or neither."))
        elif latitude is not None and not inside_pastaza(latitude, longitude):
            self.add_error(
                "latitude",
                _(
                    "This position is outside the province of Pastaza. Check the numbers (the latitude comes first, "
                    "and both are negative), or leave them empty."
                ),
            )
        return data
