"""The public survey form, built from the survey's questions: one field per question, named after its number
(`q<number>`). Option values are the options' ids, so an id of another question (or a made-up one) is simply not
among the choices and is refused with the question's own message."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from conecta.fallbacks import text_in
from feedback.forms import ParticipationForm
from feedback.protection import PlainTextField

from .models import SURVEY_TEXT_ANSWER_MAX, Question
from .selectors import SCALE, scale_label
from .services import Given


def field_name(question: Question) -> str:
    return f"q{question.order}"


def _question_field(question: Question) -> forms.Field:
    number = {"number": question.order}
    common = {"label": question.text, "required": question.required, "help_text": question.help_text}
    if question.kind == Question.Kind.SINGLE:
        message = _("Choose one of the options of question %(number)s.") % number
        return forms.ChoiceField(
            choices=[(str(c.pk), text_in(c, "text")) for c in question.choices.all()],
            widget=forms.RadioSelect,
            error_messages={"required": message, "invalid_choice": message},
            **common,
        )
    if question.kind == Question.Kind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=[(str(c.pk), text_in(c, "text")) for c in question.choices.all()],
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": _("Choose at least one option of question %(number)s.") % number,
                "invalid_choice": _("Choose only among the options of question %(number)s.") % number,
                "invalid_list": _("Choose only among the options of question %(number)s.") % number,
            },
            **common,
        )
    if question.kind == Question.Kind.SCALE:
        message = _("Choose a number from 1 to 5 for question %(number)s.") % number
        return forms.TypedChoiceField(
            choices=[(str(value), scale_label(value)) for value in SCALE],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            error_messages={"required": message, "invalid_choice": message},
            **common,
        )
    # %%(show_value)s stays a placeholder for Django's length validator, which fills it in.
    too_long = _("Write at most %(limit)s characters in question %(number)s (you wrote %%(show_value)s).") % {
        **number,
        "limit": SURVEY_TEXT_ANSWER_MAX,
    }
    return PlainTextField(
        max_length=SURVEY_TEXT_ANSWER_MAX,
        # Its name is the question, the legend of its fieldset (templates/surveys/_question.html).
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "maxlength": SURVEY_TEXT_ANSWER_MAX,
                "aria-labelledby": f"id_{field_name(question)}_legend",
            }
        ),
        error_messages={
            "required": _("Write an answer to question %(number)s.") % number,
            "max_length": too_long,
        },
        **common,
    )


class SurveyForm(ParticipationForm):
    """One field per question, in order; `answers()` gives what was answered, as `Given` rows."""

    WIDGET_GROUPS = ("radioselect", "checkboxselectmultiple")

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[field_name(question)] = _question_field(question)
        self.order_fields([field_name(q) for q in questions])

    def question_fields(self):
        """(question, bound field) pairs, in order, for the template."""
        return [(question, self[field_name(question)]) for question in self.questions]

    def error_list(self) -> list[dict]:
        """The summary's links go to the first input of each question (its first option for a choice)."""
        errors = super().error_list()
        for item in errors:
            name = item["target"].removeprefix("id_")
            if name in self.fields and self[name].widget_type in self.WIDGET_GROUPS:
                item["target"] = f"id_{name}_0"
        return errors

    def answers(self) -> list[Given]:
        data = self.cleaned_data
        given = []
        for question in self.questions:
            value = data.get(field_name(question))
            if question.kind in Question.CHOICE_KINDS:
                chosen = {str(v) for v in (value if isinstance(value, list) else [value] if value else [])}
                choices = tuple(c for c in question.choices.all() if str(c.pk) in chosen)
                given.append(Given(question=question, choices=choices))
            elif question.kind == Question.Kind.SCALE:
                given.append(Given(question=question, scale=value))
            else:
                given.append(Given(question=question, text=value or ""))
        return [g for g in given if not g.empty]
