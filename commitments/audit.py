"""Change records for commitments, milestones, progress updates and their evidence: who, when, what (old -> new).

Signals catch every path that writes (admin forms, spreadsheet imports, commands, tasks); the actor comes from
conecta.audit (the request's user, or whoever a command says it acts as).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy, ngettext
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
    ProgressSource,
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


# Reading the records back (the admin's change history): each change as a person reads it, in the admin's language
# and time zone. The records keep what the save wrote (attnames, ids, ISO dates); only the reading changes.

AUDITED_BY_NAME = {model._meta.model_name: model for model in AUDITED}
# What each related model's __str__ reads besides its own row, so that naming them all costs one query per model.
NAMED_WITH = {
    Milestone: ["commitment"],
    ProgressUpdate: ["commitment"],
    Indicator: ["commitment"],
    IndicatorValue: ["indicator__commitment"],
}
CLIP = 80
# Through what a change was made (conecta.audit.Actor.source), as staff read it.
SOURCES = {
    "admin": ProgressSource.ADMIN.label,
    "import": ProgressSource.IMPORT.label,
    "load_demo": ProgressSource.LOADED.label,
    "command": gettext_lazy("Server command"),
    "task": gettext_lazy("Automatic task"),
    "web": gettext_lazy("Public website"),
    "system": gettext_lazy("The portal itself"),
}


def source_label(code: str) -> str:
    return str(SOURCES.get(code, code))


def record_type_label(model_name: str) -> str:
    """What kind of record a change record is about ("Progress update"), from the name it stores ("progressupdate")."""
    model = AUDITED_BY_NAME.get(model_name)
    return str(capfirst(model._meta.verbose_name)) if model is not None else model_name


@dataclass(frozen=True)
class ReadableChange:
    """One changed field: its label and its values as read (`old` is None where only the new value is told: a
    creation, or a list's additions and removals)."""

    label: str
    old: str | None
    new: str


def read_changes(records) -> dict[int, list[ReadableChange]]:
    """The changes of each record (by its pk), labelled and read: related records by name (one query per related
    model for all the records, "#5 (deleted)" for one that is gone), choices by their labels, yes/no, dates as
    dates, times in the portal's time zone, lists as sentences, nothing as "—"."""
    records = list(records)
    names = _related_names(records)
    return {record.pk: _read(record, names) for record in records}


def _fields_of(model) -> dict:
    if model is None:
        return {}
    fields = {field.attname: field for field in model._meta.concrete_fields}
    fields.update({field.name: field for field in model._meta.many_to_many})
    return fields


def _related_names(records) -> dict:
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for record in records:
        fields = _fields_of(AUDITED_BY_NAME.get(record.model))
        for key, pair in (record.changes or {}).items():
            field = fields.get(key)
            if field is None or not field.many_to_one:
                continue
            wanted[field.related_model].update(v for v in pair if isinstance(v, int) and not isinstance(v, bool))
    names = {}
    for model, ids in wanted.items():
        rows = model._base_manager.filter(pk__in=ids).select_related(*NAMED_WITH.get(model, []))
        names[model] = {row.pk: str(row) for row in rows}
    return names


def _read(record, names) -> list[ReadableChange]:
    fields = _fields_of(AUDITED_BY_NAME.get(record.model))
    created = record.action == ChangeRecord.Action.CREATED
    read = []
    for key, pair in (record.changes or {}).items():
        old, new = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        field = fields.get(key)
        label = _label(field, key)
        if field is not None and field.many_to_many:
            read.append(ReadableChange(label, None, _list_change(old, new)))
        elif created and old in (None, ""):
            read.append(ReadableChange(label, None, _value(field, new, names)))
        else:
            read.append(ReadableChange(label, _value(field, old, names), _value(field, new, names)))
    return sorted(read, key=lambda change: change.label.casefold())


def _label(field, key: str) -> str:
    if field is None:
        return key  # a field the model no longer has
    original = getattr(field, "translated_field", None)
    if original is not None:  # a modeltranslation column: "Title (kichwa)"
        language = dict(settings.LANGUAGES).get(field.language, field.language)
        return f"{capfirst(original.verbose_name)} ({str(language).lower()})"
    return str(capfirst(field.verbose_name))


def _value(field, value, names) -> str:
    if value in (None, ""):
        return "—"
    if field is None:
        return _clip(str(value))
    if field.many_to_one:
        name = names.get(field.related_model, {}).get(value)
        return name if name is not None else gettext("#%(id)s (deleted)") % {"id": value}
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return gettext("yes") if value else gettext("no")
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is None:
            return str(value)
        return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        day = parse_date(str(value)[:10])
        return date_format(day, "DATE_FORMAT") if day else str(value)
    if isinstance(field, models.DecimalField):
        return number_format(Decimal(str(value)), use_l10n=True, force_grouping=True)
    if isinstance(field, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    return _clip(str(value))


def _list_change(old, new) -> str:
    if isinstance(new, dict) and new.get("added"):
        added = new["added"]
        return ngettext("Added: %(names)s", "Added: %(names)s", len(added)) % {"names": ", ".join(added)}
    if isinstance(old, dict) and old.get("removed"):
        removed = old["removed"]
        return ngettext("Removed: %(names)s", "Removed: %(names)s", len(removed)) % {"names": ", ".join(removed)}
    if old == "cleared":
        return gettext("List emptied")
    return _clip(f"{old} → {new}")


def _clip(text: str) -> str:
    return text if len(text) <= CLIP else text[: CLIP - 1] + "…"
