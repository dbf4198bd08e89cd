"""Plain text as the portal stores it: no control characters, whatever the entry point (a public form, an admin
form, a spreadsheet import, a script).

`clean_text` is what public forms apply to what a visitor typed; `strip_control_characters` is the part every
save applies (`connect_text_cleaning`, from ConectaConfig.ready): a pre_save receiver on the project's own models
that removes control characters from every CharField and TextField (translation fields included, JSON fields
never), keeping the line break and the tab. One stored control character (`\\x01`) used to make every XLSX
export of its table fail (openpyxl refuses it) and can hide text from a reader; nothing the portal shows needs one.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

# The characters a person may write: every Unicode letter, mark, number, symbol, emoji sequence and format
# character (Kichwa, Spanish, right-to-left scripts, zero-width joiners inside emoji) stay; control characters
# (category Cc: NUL, escape, bell...) go, except the line break and the tab.
KEPT_CONTROLS = frozenset({"\n", "\t"})


def _is_kept(ch: str) -> bool:
    return ch in KEPT_CONTROLS or unicodedata.category(ch) != "Cc"


def strip_control_characters(value: str) -> str:
    """The text with line breaks normalised to "\\n" and every other control character removed (the tab stays).
    Nothing else changes: no trimming, so a value without control characters comes back identical."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if text.isprintable():  # the common case, in C: no control character at all (nor line break or tab)
        return text
    return "".join(ch for ch in text if _is_kept(ch))


def clean_text(value: str | None, *, multiline: bool = True) -> str:
    """Plain text as stored: line breaks normalised to "\\n", control characters (NUL included) removed, outer
    whitespace trimmed. A one-line field also turns line breaks and tabs into spaces."""
    if not value:
        return ""
    text = strip_control_characters(str(value))
    if not multiline:
        text = " ".join(text.replace("\t", " ").split("\n"))
    return text.strip()


@cache
def _text_fields(model) -> tuple[str, ...]:
    from django.db import models

    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    )


def clean_text_fields(sender, instance, **kwargs) -> None:
    """pre_save: remove control characters from every text field of `instance` (see the module's docstring)."""
    for attname in _text_fields(sender):
        value = instance.__dict__.get(attname)
        if isinstance(value, str) and value and not value.isprintable():
            instance.__dict__[attname] = strip_control_characters(value)


def project_models(base_dir) -> list:
    """The models of the project's own apps (those whose code lives under `base_dir`, not in the virtualenv)."""
    from django.apps import apps

    root = Path(base_dir).resolve()
    installed = {".venv", "venv", "site-packages", "dist-packages"}
    own = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(root) and not installed & set(path.relative_to(root).parts):
            own += list(config.get_models())
    return own


def connect_text_cleaning(base_dir) -> None:
    """Clean the text fields of every model of the project's own apps before each save (idempotent)."""
    from django.db.models.signals import pre_save

    for model in project_models(base_dir):
        pre_save.connect(clean_text_fields, sender=model, dispatch_uid=f"conecta-clean-text-{model._meta.label}")
