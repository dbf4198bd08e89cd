"""Every signal receiver of the plan, connected in one place (`connect`, from CommitmentsConfig.ready()).

Receivers only record and keep derived things in step, never change the plan themselves:

- the change history (commitments.audit);
- cached public pages, dropped as soon as anything they show changes (conecta.cache);
- the folded search text of commitments (commitments.search), which holds the names of their supporting
  institutions and cantons: kept up to date when those links change (from either side) and when an institution
  or canton is renamed, by bulk updates, so no change record and no other signal follows;
- the guard that refuses to delete what the public sees (commitments.staff).
"""

from __future__ import annotations

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from conecta.cache import connect_invalidation

from . import audit
from .models import (
    ActionPlan,
    Canton,
    Commitment,
    Evidence,
    Indicator,
    IndicatorValue,
    IndicatorVerification,
    Institution,
    Milestone,
    OgpValue,
    Parish,
    ProgressUpdate,
    led_by_q,
)
from .search import search_text_refresh
from .staff import guard_public_evidence_deletion, guard_published_deletion

# Everything a public page, feed or sitemap reads. Commitment's many-to-many links (OGP values, supporting
# institutions, cantons, parishes) are connected with it.
PUBLIC_MODELS = (
    ActionPlan,
    Institution,
    Canton,
    Parish,
    OgpValue,
    Commitment,
    Milestone,
    ProgressUpdate,
    Evidence,
    Indicator,
    IndicatorValue,
    IndicatorVerification,
)
PUBLISHED_MODELS = (Commitment, Milestone, ProgressUpdate, Indicator, IndicatorValue)
SEARCHED_NAMES = {Institution: ("name_es", "name_qu", "acronym"), Canton: ("name_es", "name_qu")}


def search_text_after_link_change(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":
        # After a clear from the institution's (or canton's) side nothing says which commitments it touched.
        links = sender.objects.filter(**{type(instance)._meta.model_name: instance})
        instance._search_cleared = list(links.values_list("commitment_id", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        pks = [instance.pk]
    elif action == "post_clear":
        pks = getattr(instance, "_search_cleared", [])
    else:
        pks = list(pk_set or [])
    if pks:
        search_text_refresh(Commitment.objects.filter(pk__in=pks))


def search_names_before_save(sender, instance, raw=False, **kwargs):
    instance._searched_names = None
    if not raw and instance.pk and not instance._state.adding:
        instance._searched_names = sender.objects.filter(pk=instance.pk).values_list(*SEARCHED_NAMES[sender]).first()


def search_text_after_rename(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_searched_names", None)
    if raw or created or before is None:
        return
    if before == tuple(getattr(instance, name) for name in SEARCHED_NAMES[sender]):
        return
    if sender is Institution:
        supported = Commitment.supporting_institutions.through.objects.filter(institution=instance)
        touched = led_by_q(instance)
    else:
        supported = Commitment.cantons.through.objects.filter(canton=instance)
        touched = Q(pk__in=[])
    search_text_refresh(Commitment.objects.filter(touched | Q(pk__in=supported.values("commitment_id"))))


def connect() -> None:
    for through, uid in (
        (Commitment.supporting_institutions.through, "search-m2m-supporters"),
        (Commitment.cantons.through, "search-m2m-cantons"),
    ):
        m2m_changed.connect(search_text_after_link_change, sender=through, dispatch_uid=uid)
    for model in SEARCHED_NAMES:
        name = model._meta.model_name
        pre_save.connect(search_names_before_save, sender=model, dispatch_uid=f"search-names-before-{name}")
        post_save.connect(search_text_after_rename, sender=model, dispatch_uid=f"search-names-after-{name}")
    for model in PUBLISHED_MODELS:
        pre_delete.connect(guard_published_deletion, sender=model, dispatch_uid=f"guard-published-{model.__name__}")
    pre_delete.connect(guard_public_evidence_deletion, sender=Evidence, dispatch_uid="guard-published-Evidence")
    audit.connect()
    connect_invalidation(*PUBLIC_MODELS)
