"""Participation's lines on the staff dashboard (conecta.dashboard).

- Planners: what awaits moderation, kind by kind, as the daily digest counts it (every kind of the registry in
  feedback.contributions, the survey responses included); the suggestions awaiting an answer, past their
  response deadline, with a new reply from the person, and those assigned to them.
- Implementers: the suggestions about the commitments their institution leads that await an answer (the ones
  the suggestion admin shows them).
- The monitor (FCD) reads participation but acts on none of it: no line.

Registered from FeedbackConfig.ready(). Two queries, plus one per kind of contribution for planners.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from commitments import roles
from conecta.extensions import DashboardItem

from . import deadlines
from .contributions import contribution_kinds
from .models import Moderation, Suggestion
from .selectors import suggestions_with_reply_state


def changelist(model, **params) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def moderation_items(user):
    """One line per kind of contribution the user moderates: how many are pending, since when."""
    for order, kind in enumerate(contribution_kinds(), start=100):
        opts = kind.model._meta
        if not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            continue
        found = kind.model.objects.pending().aggregate(count=Count("pk"), since=Min("created_at"))
        yield DashboardItem(
            group=_("Awaiting moderation"),
            label=capfirst(opts.verbose_name_plural),
            count=found["count"],
            url=changelist(kind.model, moderation=Moderation.PENDING),
            since=found["since"],
            order=order,
        )


def suggestion_items(user):
    from .admin import AnswerFilter, AssignedFilter, NewReplyFilter, suggestions_visible_to

    group = _("Suggestions, complaints and questions")
    visible = suggestions_visible_to(user, Suggestion.objects.all())
    late = Q(received_on__lte=deadlines.last_day_received_past_deadline(timezone.localdate()))
    mine = Q(assigned_to=user)
    found = visible.awaiting_answer().aggregate(
        count=Count("pk"),
        since=Min("received_on"),
        late=Count("pk", filter=late),
        late_since=Min("received_on", filter=late),
        mine=Count("pk", filter=mine),
        mine_since=Min("received_on", filter=mine),
    )
    answer = AnswerFilter.parameter_name
    yield DashboardItem(
        group=group,
        label=_("Past their response deadline"),
        count=found["late"],
        url=changelist(Suggestion, **{answer: AnswerFilter.LATE}),
        since=found["late_since"],
        severity="late",
        order=200,
    )
    yield DashboardItem(
        group=group,
        label=_("Awaiting an answer"),
        count=found["count"],
        url=changelist(Suggestion, **{answer: AnswerFilter.AWAITING}),
        since=found["since"],
        order=210,
    )
    yield DashboardItem(
        group=group,
        label=_("Assigned to you, awaiting an answer"),
        count=found["mine"],
        url=changelist(Suggestion, **{answer: AnswerFilter.AWAITING, AssignedFilter.parameter_name: AssignedFilter.ME}),
        since=found["mine_since"],
        order=220,
    )
    replied = suggestions_with_reply_state(visible).filter(has_new_reply=True)
    found = replied.aggregate(count=Count("pk"), since=Min("last_reply_at"))
    yield DashboardItem(
        group=group,
        label=_("With a new reply from the person"),
        count=found["count"],
        url=changelist(Suggestion, **{NewReplyFilter.parameter_name: NewReplyFilter.NEW}),
        since=found["since"],
        order=230,
    )


def dashboard_items(request):
    user = request.user
    if roles.is_planner(user):
        yield from moderation_items(user)
    elif not user.has_perm("feedback.change_suggestion"):
        return  # the monitor reads; staff without a role have nothing here
    yield from suggestion_items(user)
