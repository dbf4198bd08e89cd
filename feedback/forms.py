"""The public participation forms. Every message is our own (not Django's generic ones), so that it says what to
do, names the field, and is translated with the portal's catalogue."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from commitments.models import Canton, Commitment, Parish

from .models import (
    COMMENT_TEXT_MAX,
    EVALUATION_COMMENT_MAX,
    NAME_MAX,
    PHONE_MAX,
    SUGGESTION_TEXT_MAX,
    Evaluation,
    Suggestion,
)
from .protection import PlainTextField, ProtectedForm

EMAIL_MAX = 254


class ParticipationForm(ProtectedForm):
    """A public form: after validation, a refused token is replaced by a fresh one for the next send.

    Django links each input to its hint (`<id>_helptext`) and error (`<id>_error`) through aria-describedby;
    templates/feedback/includes/_field.html gives those elements these ids.
    """

    def full_clean(self):
        super().full_clean()
        self.renew_token_if_invalid()


def email_field() -> forms.EmailField:
    return forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        max_length=EMAIL_MAX,
        help_text=_("Only to write to you about it. It is never shown publicly."),
        error_messages={
            "invalid": _("Enter an e-mail address like name@example.com, or leave it empty."),
            "max_length": _("An e-mail address has at most 254 characters."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


def consent_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("I have read the privacy notice and accept that my data are kept as it explains."),
        required=True,
        error_messages={"required": _("To send it, accept the privacy notice (tick the box).")},
    )


def text_field(*, label, limit: int, required: bool = True, help_text: str = "") -> PlainTextField:
    return PlainTextField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        error_messages={
            "required": _("Write your message."),
            "max_length": _("Write at most %(limit_value)s characters (you wrote %(show_value)s)."),
        },
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": limit}),
    )


def name_field(*, required: bool) -> PlainTextField:
    return PlainTextField(
        label=_("Name or pseudonym") if required else _("Name or pseudonym (optional)"),
        required=required,
        multiline=False,
        max_length=NAME_MAX,
        help_text=_("Shown with your comment. You may use a pseudonym.") if required else "",
        error_messages={
            "required": _("Write a name or a pseudonym."),
            "max_length": _("Write at most %(limit_value)s characters (you wrote %(show_value)s)."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": NAME_MAX}),
    )


class SuggestionForm(ParticipationForm):
    kind = forms.ChoiceField(
        label=_("What do you want to send?"),
        choices=Suggestion.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether it is a suggestion, a complaint or a question."),
            "invalid_choice": _("Choose whether it is a suggestion, a complaint or a question."),
        },
    )
    text = text_field(
        label=_("Your message"),
        limit=SUGGESTION_TEXT_MAX,
        help_text=_("In Spanish, Kichwa or any language. At most 4,000 characters."),
    )
    commitment = forms.ChoiceField(
        label=_("About a commitment (optional)"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the listed commitments, or none.")},
    )
    place = forms.ChoiceField(
        label=_("About a canton or parish (optional)"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the listed places, or none.")},
    )
    name = name_field(required=False)
    email = email_field()
    phone = PlainTextField(
        label=_("Phone (optional)"),
        required=False,
        multiline=False,
        max_length=PHONE_MAX,
        help_text=_("Only to call you about it. It is never shown publicly."),
        validators=[
            RegexValidator(
                r"^\+?[0-9 ()./-]{6,30}$",
                _("Enter a phone number with digits only, like 099 123 4567, or leave it empty."),
            )
        ],
        error_messages={"max_length": _("A phone number has at most %(limit_value)s characters.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "maxlength": PHONE_MAX}),
    )
    consent = consent_field()

    field_order = ["kind", "text", "commitment", "place", "name", "email", "phone", "consent"]

    def __init__(self, *args, commitments: list[Commitment], cantons: list[Canton], **kwargs):
        super().__init__(*args, **kwargs)
        self._commitments = {c.code: c for c in commitments}
        none = ("", _("None in particular"))
        self.fields["commitment"].choices = [none] + [(c.code, f"{c.code} · {c.title}") for c in commitments]
        self._cantons = {c.code: c for c in cantons}
        self._parishes = {p.code: p for c in cantons for p in c.parishes.all()}
        groups = [
            (
                canton.name,
                [(f"c{canton.code}", _("%(canton)s (the whole canton)") % {"canton": canton.name})]
                + [(f"p{parish.code}", parish.name) for parish in canton.parishes.all()],
            )
            for canton in cantons
        ]
        self.fields["place"].choices = [none, *groups]

    def clean_commitment(self) -> Commitment | None:
        return self._commitments.get(self.cleaned_data.get("commitment") or "")

    def clean_place(self) -> Canton | Parish | None:
        value = self.cleaned_data.get("place") or ""
        if value.startswith("c"):
            return self._cantons.get(value[1:])
        if value.startswith("p"):
            return self._parishes.get(value[1:])
        return None


class CommentForm(ParticipationForm):
    name = name_field(required=True)
    email = email_field()
    text = text_field(
        label=_("Your comment"),
        limit=COMMENT_TEXT_MAX,
        help_text=_("It is published once a moderator approves it. At most 2,000 characters."),
    )
    consent = consent_field()

    field_order = ["name", "email", "text", "consent"]


class EvaluationForm(ParticipationForm):
    score = forms.TypedChoiceField(
        label=_("How is this commitment progressing?"),
        choices=Evaluation.Score.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a score from 1 to 5."),
            "invalid_choice": _("Choose a score from 1 to 5."),
        },
    )
    comment = text_field(
        label=_("Why? (optional)"),
        limit=EVALUATION_COMMENT_MAX,
        required=False,
        help_text=_("Published once a moderator approves it. At most 1,000 characters."),
    )

    field_order = ["score", "comment"]


# What the person who holds a tracking code may write back: the replies are read by staff only.
REPLY_TEXT_MAX = 2000


class ReplyForm(ParticipationForm):
    text = text_field(
        label=_("Your reply"),
        limit=REPLY_TEXT_MAX,
        help_text=_(
            "Only the staff who answer you read it: it is not published, and this page shows only its date. "
            "At most 2,000 characters."
        ),
    )

    field_order = ["text"]
