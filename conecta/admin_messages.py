"""Whole sentences for the admin's messages after an add, a change or a delete.

Django builds them from fragments ("The {name} “{obj}” was added successfully."), which Spanish cannot agree in
gender ("El actualización … fue agregado"). Every project ModelAdmin takes `AdminMessagesMixin`, which says instead
the sentences its model registered here (`register`), written whole in English and translated whole: "The progress
update “%(obj)s” was added." -> "La actualización de avance “%(obj)s” se agregó.". A model with no sentence of its
own gets one that names no noun ("“%(obj)s” was added.").

Each app keeps its sentences in `<app>/admin_sentences.py`, found here as Django finds `admin.py`
(autodiscover_modules), so this module imports no app.

How the mixin hooks in (django/contrib/admin/options.py): response_add, response_change and response_delete each
send one success message through message_user; while one of them runs, the mixin says its sentence instead. The
bulk delete action (django/contrib/admin/actions.py) calls log_deletions just before it deletes and says
"Successfully deleted %(count)d %(items)s."; the mixin says the model's plural sentence instead.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import cache

from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import model_ngettext, quote
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.module_loading import autodiscover_modules
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

SAYING = "_conecta_admin_saying"

# Django's own message, as Django's catalogues translate it: passed to gettext through a name so that makemessages
# does not copy it, untranslated, into ours (which would then hide Django's translation).
DJANGO_BULK_DELETED = "Successfully deleted %(count)d %(items)s."


@dataclass(frozen=True)
class Sentences:
    """What to say about one model's records. `added`, `changed` and `deleted` have the placeholder %(obj)s (the
    record); `deleted_many` is an ngettext_lazy(singular, plural, "count") with %(count)d. One left out is said by
    the neutral sentences below."""

    added: str | None = None
    changed: str | None = None
    deleted: str | None = None
    deleted_many: str | None = None


NEUTRAL = Sentences(
    added=_("“%(obj)s” was added."),
    changed=_("The changes to “%(obj)s” were saved."),
    deleted=_("“%(obj)s” was deleted."),
    deleted_many=ngettext_lazy("%(count)d record was deleted.", "%(count)d records were deleted.", "count"),
)
# What follows the sentence after "Save and continue editing" or "Save and add another": said of no noun, so that it
# agrees with every model.
EDIT_AGAIN = _("You may go on editing below.")
ADD_ANOTHER = _("You may add another one below.")

_registry: dict[str, Sentences] = {}


def register(model, sentences: Sentences) -> None:
    """Say `sentences` about the records of `model` (a model class or its "app_label.model_name")."""
    label = model if isinstance(model, str) else model._meta.label_lower
    _registry[label.lower()] = sentences


@cache
def _discover() -> None:
    autodiscover_modules("admin_sentences")


def sentences_for(model) -> Sentences:
    _discover()
    return _registry.get(model._meta.label_lower, NEUTRAL)


def registered_models() -> set[str]:
    """The "app_label.model_name" of every model with sentences of its own."""
    _discover()
    return set(_registry)


def _say(sentence, obj_html) -> str:
    """The translated sentence, escaped, with the record (already safe HTML) in its place."""
    return mark_safe(escape(str(sentence)) % {"obj": obj_html})


class AdminMessagesMixin:
    """Whole, gender-correct sentences for a ModelAdmin's add, change and delete messages (module docstring).
    List it before the ModelAdmin class it extends."""

    def admin_sentence(self, action: str):
        own = getattr(sentences_for(self.model), action)
        return own if own is not None else getattr(NEUTRAL, action)

    @contextlib.contextmanager
    def _saying(self, request, message):
        setattr(request, SAYING, message)
        try:
            yield
        finally:
            if hasattr(request, SAYING):
                delattr(request, SAYING)

    def message_user(self, request, message, level=messages.INFO, extra_tags="", fail_silently=False):
        saying = getattr(request, SAYING, None)
        if saying is not None and level in (messages.SUCCESS, "success"):
            expected, sentence = saying
            if expected is None or str(message) == str(expected):
                delattr(request, SAYING)
                message = sentence
        return super().message_user(request, message, level, extra_tags, fail_silently)

    def response_add(self, request, obj, post_url_continue=None):
        if IS_POPUP_VAR in request.POST:
            return super().response_add(request, obj, post_url_continue)
        can_change = self.has_change_permission(request, obj)
        if can_change:
            url = reverse(
                f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change",
                args=(quote(obj.pk),),
                current_app=self.admin_site.name,
            )
            shown = format_html('<a href="{}">{}</a>', url, obj)
        else:
            shown = escape(str(obj))
        message = _say(self.admin_sentence("added"), shown)
        if "_continue" in request.POST or ("_saveasnew" in request.POST and self.save_as_continue and can_change):
            if can_change:
                message = format_html("{} {}", message, EDIT_AGAIN)
        elif "_addanother" in request.POST:
            message = format_html("{} {}", message, ADD_ANOTHER)
        with self._saying(request, (None, message)):
            return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if IS_POPUP_VAR in request.POST:
            return super().response_change(request, obj)
        message = _say(self.admin_sentence("changed"), format_html('<a href="{}">{}</a>', request.path, obj))
        if "_continue" in request.POST:
            message = format_html("{} {}", message, EDIT_AGAIN)
        elif "_addanother" in request.POST:
            message = format_html("{} {}", message, ADD_ANOTHER)
        with self._saying(request, (None, message)):
            return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        message = _say(self.admin_sentence("deleted"), escape(str(obj_display)))
        with self._saying(request, (None, message)):
            return super().response_delete(request, obj_display, obj_id)

    def log_deletions(self, request, queryset):
        # Called by the bulk delete action just before it deletes and says "Successfully deleted …" (the
        # message it will send is matched exactly, so that no other message is replaced).
        count = len(queryset)
        expected = gettext(DJANGO_BULK_DELETED) % {
            "count": count,
            "items": model_ngettext(self.opts, count),
        }
        setattr(request, SAYING, (expected, self.admin_sentence("deleted_many") % {"count": count}))
        return super().log_deletions(request, queryset)
