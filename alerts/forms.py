"""The public forms of the alerts: following something (the double opt-in starts here) and the manage page's
change of one subscription. Every message is our own, in the visitor's language."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from feedback.forms import ParticipationForm

from .models import Frequency

EMAIL_MAX = 254


def language_choices() -> list[tuple[str, str]]:
    """Each language by its own name ("Español", "Kichwa"): a reader finds theirs whatever the page's."""
    choices = []
    for code, _name in settings.LANGUAGES:
        name = get_language_info(code)["name_local"]
        choices.append((code, name[:1].upper() + name[1:]))
    return choices


def _language_field(widget=forms.RadioSelect) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Language of the e-mails"),
        choices=language_choices,
        widget=widget,
        error_messages={
            "required": _("Choose the language of the e-mails."),
            "invalid_choice": _("Choose the language of the e-mails."),
        },
    )


def _frequency_field(widget=forms.RadioSelect) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("How often"),
        choices=Frequency.choices,
        widget=widget,
        help_text=_("Each e-mail lists everything new since the last one; nothing is sent when nothing happened."),
        error_messages={
            "required": _("Choose how often you want the e-mails."),
            "invalid_choice": _("Choose how often you want the e-mails."),
        },
    )


class FollowForm(ParticipationForm):
    """Follow one of `options` (alerts.targets.options of the page's key): the first is the page's own thing. With
    one option it is a hidden field and the page says what it is."""

    target = forms.ChoiceField(
        label=_("What do you want to follow?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what you want to follow."),
            "invalid_choice": _("Choose one of the listed items to follow."),
        },
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=EMAIL_MAX,
        help_text=_("We will send you an e-mail to confirm. It is never shown publicly."),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address like name@example.com."),
            "max_length": _("An e-mail address has at most 254 characters."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "maxlength": EMAIL_MAX}),
    )
    language = _language_field()
    frequency = _frequency_field()

    def __init__(self, data=None, *, options, language: str, **kwargs):
        super().__init__(data, **kwargs)
        field = self.fields["target"]
        field.choices = [(option.key, option.label) for option in options]
        if len(options) == 1:
            field.widget = forms.HiddenInput()
        self.initial.setdefault("target", options[0].key)
        self.initial.setdefault("language", language)
        self.initial.setdefault("frequency", Frequency.DAILY)


class ChangeForm(forms.Form):
    """The manage page's change of one subscription (its link is the credential: no CSRF token, no honeypot).
    Each row of the page has one, with its own ids (auto_id) and the same field names; its selects are described
    by the row's heading (id "s<pk>-h"), so that a screen reader tells which subscription each one changes."""

    subscription = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    language = _language_field(forms.Select)
    frequency = _frequency_field(forms.Select)

    def __init__(self, data=None, *, subscription=None, **kwargs):
        if subscription is not None:
            kwargs.setdefault("auto_id", f"s{subscription.pk}-%s")
            kwargs.setdefault(
                "initial",
                {
                    "subscription": subscription.pk,
                    "language": subscription.language,
                    "frequency": subscription.frequency,
                },
            )
        super().__init__(data, **kwargs)
        self.fields["frequency"].help_text = ""
        if subscription is not None:
            for name in ("language", "frequency"):
                self.fields[name].widget.attrs["aria-describedby"] = f"s{subscription.pk}-h"


class EndForm(forms.Form):
    """The manage page's end of one subscription."""

    subscription = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
