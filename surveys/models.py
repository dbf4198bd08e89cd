"""Surveys: staff build them in the admin; citizens answer them while they are open, once per browser; results are
public once they close (free-text answers only once moderators approve the response that holds them). A response
is a citizen contribution like the others of `feedback` (moderation, network-address hash, form token).

The tables keep the names they had when surveys were part of `feedback` (feedback_survey...): the app was split
without copying data (migrations/0001_initial.py).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import ActionPlan
from feedback.models import Contribution

# Surveys: staff build them in the admin; citizens answer them while they are open, once per browser; results are
# public once they close (free-text answers only once moderators approve the response that holds them).

SURVEY_TEXT_ANSWER_MAX = 2000


class SurveyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_at(self, when):
        return self.published().filter(opens_at__lte=when, closes_at__gt=when)

    def closed_at(self, when):
        return self.published().filter(closes_at__lte=when)


class Survey(models.Model):
    """A survey: its questions, when it is open, and what it is about (the plan, or one commitment)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        UPCOMING = "upcoming", _("Not open yet")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    slug = models.SlugField(
        _("address"), max_length=80, unique=True, help_text=_("The last part of its address: /participa/encuestas/…/")
    )
    plan = models.ForeignKey(
        ActionPlan, models.PROTECT, null=True, blank=True, related_name="surveys", verbose_name=_("action plan")
    )
    commitment = models.ForeignKey(
        "commitments.Commitment",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("about the commitment"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown on the portal, open to answers between its dates.")
    )
    is_illustrative = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("An example loaded with the demo data, not a real consultation: the portal says so."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        db_table = "feedback_survey"
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="survey_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("A survey must close after it opens.")})

    def state_at(self, when) -> str:
        if not self.is_published:
            return self.State.DRAFT
        if when < self.opens_at:
            return self.State.UPCOMING
        if when < self.closes_at:
            return self.State.OPEN
        return self.State.CLOSED


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SCALE = "scale", _("Scale from 1 to 5")
        TEXT = "text", _("Free text")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)

    survey = models.ForeignKey(Survey, models.PROTECT, related_name="questions", verbose_name=_("survey"))
    order = models.PositiveSmallIntegerField(_("number"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("an answer is required"), default=False)

    class Meta:
        db_table = "feedback_question"
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "order"], name="question_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"


class Choice(models.Model):
    question = models.ForeignKey(Question, models.PROTECT, related_name="choices", verbose_name=_("question"))
    order = models.PositiveSmallIntegerField(_("number"), default=1)
    text = models.CharField(_("option"), max_length=200)

    class Meta:
        db_table = "feedback_choice"
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="choice_unique_order"),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(Contribution):
    """One person's answers to a survey. Its choices and scores count at once (unless moderators reject it as
    abuse); its free-text answers are public only once it is approved. A response without free text has nothing
    to moderate and is approved as it is stored."""

    survey = models.ForeignKey(Survey, models.PROTECT, related_name="responses", verbose_name=_("survey"))

    class Meta:
        db_table = "feedback_surveyresponse"
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        if not self.created_at:
            return str(self.survey)
        return f"{self.survey} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class Answer(models.Model):
    """One answer within a response: a chosen option (one row per option chosen), a score 1-5, or a text."""

    response = models.ForeignKey(SurveyResponse, models.CASCADE, related_name="answers", verbose_name=_("response"))
    question = models.ForeignKey(Question, models.PROTECT, related_name="answers", verbose_name=_("question"))
    choice = models.ForeignKey(
        Choice, models.PROTECT, null=True, blank=True, related_name="answers", verbose_name=_("option")
    )
    scale = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        db_table = "feedback_answer"
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question__order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | (Q(scale__gte=1) & Q(scale__lte=5)), name="answer_scale_1_5"
            ),
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                name="answer_unique_choice",
                condition=Q(choice__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_unique_value", condition=Q(choice__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice_id or self.scale or self.text[:40]}"

