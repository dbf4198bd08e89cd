"""factory_boy factories for what citizens send."""

from __future__ import annotations

import factory
from django.utils import timezone

from feedback.models import Comment, Evaluation, Moderation, Suggestion
from feedback.protection import email_hash, phone_hash
from feedback.services import tracking_code_new

from ..factories import CommitmentFactory


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    tracking_code = factory.LazyFunction(tracking_code_new)
    kind = Suggestion.Kind.SUGGESTION
    text = factory.Sequence(lambda n: f"Sugerencia ciudadana {n}")
    received_on = factory.LazyFunction(timezone.localdate)
    name = "Rosa Gualinga"
    email = "rosa@example.org"
    email_hash = factory.LazyAttribute(lambda s: email_hash(s.email))
    phone = ""
    phone_hash = factory.LazyAttribute(lambda s: phone_hash(s.phone))
    ip_hash = "ip-hash-rosa"
    submission_token = factory.Sequence(lambda n: f"suggestion-token-{n:06d}-xxxxxxxx")


class AnsweredSuggestionFactory(SuggestionFactory):
    moderation = Moderation.APPROVED
    status = Suggestion.Status.ANSWERED
    answer_es = "Lo incorporamos al plan de trabajo."
    answered_at = factory.LazyFunction(timezone.now)
    is_public = True


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    commitment = factory.SubFactory(CommitmentFactory)
    text = factory.Sequence(lambda n: f"Comentario ciudadano {n}")
    name = "Kuri"
    email = "kuri@example.org"
    email_hash = factory.LazyAttribute(lambda c: email_hash(c.email))
    ip_hash = "ip-hash-kuri"
    submission_token = factory.Sequence(lambda n: f"comment-token-{n:06d}-xxxxxxxxxx")


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    commitment = factory.SubFactory(CommitmentFactory)
    score = 4
    comment = ""
    moderation = Moderation.APPROVED
    moderated_at = factory.LazyFunction(timezone.now)
    ip_hash = "ip-hash-evaluator"
    submission_token = factory.Sequence(lambda n: f"evaluation-token-{n:06d}-xxxxxxx")
