"""Change records for commitments, milestones, progress updates and their evidence: who, when, what (old -> new).

Signals catch every path that writes (admin forms, spreadsheet imports, commands, tasks); the actor comes from
conecta.audit (the request's user, or whoever a command says it acts as).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from modeltranslation.translator import NotRegistered, translator

from conecta.audit import current_actor

from .models import (
    ChangeRecord,
    Commitment,
    Evidence,
    Indicator,
    IndicatorValue,
    IndicatorVerification,
    Milestone,
    ProgressUpdate,
)

AUDITED = (Commitment, Milestone, ProgressUpdate, Evidence, Indicator, IndicatorValue, IndicatorVerification)
IGNORED_FIELDS = {"id", "created_at", "updated_at", "staff_notified_at", "search_text"}


def _plain(value):
    if isinstance(value, FieldFile):
        return value.name or None  # the stored name: a new file is a new name (they are random and written once)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def _snapshot(instance: models.Model) -> dict:
    # A translated field's own column mirrors the default language's, which is recorded as <field>_es.
    try:
        translated = set(translator.get_options_for_model(type(instance)).all_fields)
    except NotRegistered:  # a model with no translated field (the monitor's verdicts)
        translated = set()
    return {
        field.attname: _plain(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.name not in IGNORED_FIELDS and field.name not in translated
    }


def _differs(old, new) -> bool:
    # An empty text and a missing translation (NULL) read the same: not a change.
    if old in ("", None) and new in ("", None):
        return False
    return old != new


def _commitment_code(instance) -> str:
    if isinstance(instance, Commitment):
        return instance.code
    if isinstance(instance, Evidence):
        subject = instance.milestone if instance.milestone_id else instance.update if instance.update_id else None
        return _commitment_code(subject) if subject is not None else ""
    if isinstance(instance, IndicatorValue):
        return _commitment_code(instance.indicator) if instance.indicator_id else ""
    if isinstance(instance, IndicatorVerification):
        return _commitment_code(instance.value) if instance.value_id else ""
    return getattr(instance.commitment, "code", "") if instance.commitment_id else ""


def _record(instance, action: str, changes: dict) -> None:
    actor = current_actor()
    user = actor.user if actor.user is not None and getattr(actor.user, "pk", None) else None
    ChangeRecord.objects.create(
        user=user,
        user_display=user.get_username() if user else "",
        source=actor.source,
        action=action,
        model=instance._meta.model_name,
        object_id=instance.pk,
        object_repr=str(instance)[:300],
        commitment_code=_commitment_code(instance),
        changes=changes,
    )


def remember_previous(sender, instance, raw=False, using=None, **kwargs):
    # The row as this instance read it (models.RemembersLoadedRow) spares reading it again, for this save only:
    # once saved, the row holds what the save wrote, and a second save reads it.
    loaded = instance.__dict__.pop("_loaded_row", None)
    if raw or not instance.pk:
        instance._audit_before = None
        return
    if loaded is not None and loaded.db == using and loaded.pk == instance.pk:
        previous = sender.from_db(loaded.db, loaded.field_names, loaded.values)
    else:
        previous = sender.objects.filter(pk=instance.pk).first()
    instance._audit_before = _snapshot(previous) if previous else None


def record_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    after = _snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        _record(instance, ChangeRecord.Action.CREATED, {k: [None, v] for k, v in after.items() if v not in (None, "")})
        return
    changes = {k: [before.get(k), v] for k, v in after.items() if _differs(before.get(k), v)}
    if changes:
        _record(instance, ChangeRecord.Action.CHANGED, changes)


def record_delete(sender, instance, **kwargs):
    _record(instance, ChangeRecord.Action.DELETED, {})


def record_m2m(sender, instance, action, model, pk_set, reverse=False, **kwargs):
    if reverse or action not in {"post_add", "post_remove", "post_clear"} or not isinstance(instance, Commitment):
        return
    field = next(f for f in Commitment._meta.many_to_many if f.remote_field.through is sender)
    names = sorted(str(obj) for obj in model.objects.filter(pk__in=pk_set or []))
    if action == "post_add" and names:
        _record(instance, ChangeRecord.Action.CHANGED, {field.name: [None, {"added": names}]})
    elif action == "post_remove" and names:
        _record(instance, ChangeRecord.Action.CHANGED, {field.name: [{"removed": names}, None]})
    elif action == "post_clear":
        _record(instance, ChangeRecord.Action.CHANGED, {field.name: ["cleared", None]})


def connect() -> None:
    for model in AUDITED:
        pre_save.connect(remember_previous, sender=model, dispatch_uid=f"audit-pre-{model.__name__}")
        post_save.connect(record_save, sender=model, dispatch_uid=f"audit-post-{model.__name__}")
        post_delete.connect(record_delete, sender=model, dispatch_uid=f"audit-del-{model.__name__}")
    for field in Commitment._meta.many_to_many:
        m2m_changed.connect(record_m2m, sender=field.remote_field.through, dispatch_uid=f"audit-m2m-{field.name}")
