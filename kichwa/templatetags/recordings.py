"""The recordings of a record on its public page: `{% load recordings %}{% recordings commitment %}`.

Each published, converted recording, in the page's language first: a player that downloads nothing until it is
played (`preload="none"`) with the Opus and the MP3 as its sources (a browser takes the first it can play), the
length, both files to download with their sizes, and the transcript (or where the page says the same in writing).
No JavaScript.

One query for the record. In a loop, `{% recordings update among=updates %}` reads the recordings of the whole
list at the first row (one query for all); a view may also call kichwa.selectors.prefetch_recordings(objects).
"""

from __future__ import annotations

from django import template
from django.urls import translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kichwa import selectors
from kichwa.audio import clock

register = template.Library()

CAPTIONS = {"es": _("Listen in Spanish"), "qu": _("Listen in Kichwa")}
CACHE = "kichwa_recordings"


def _found(context, obj, among) -> list:
    prefetched = getattr(obj, "kichwa_recordings", None)
    if prefetched is not None:
        return prefetched
    key = (obj._meta.concrete_model, obj.pk)
    if among is None:
        return selectors.recordings_by_record([obj]).get(key, [])
    lists = context.render_context.get(CACHE)
    if lists is None:
        lists = context.render_context[CACHE] = {}
    if id(among) not in lists:
        # The list itself is kept with its recordings, so that its id cannot be reused by another list.
        lists[id(among)] = (among, selectors.recordings_by_record(among))
    return lists[id(among)][1].get(key, [])


@register.inclusion_tag("kichwa/includes/_recordings.html", takes_context=True)
def recordings(context, obj, among=None):
    page_language = get_language()
    request = context.get("request")
    items = []
    for recording in _found(context, obj, among) if obj is not None else []:
        seconds = round(recording.duration or 0)
        items.append(
            {
                "pk": recording.pk,
                "language": recording.language,
                "caption": CAPTIONS.get(recording.language, recording.get_language_display()),
                "title": recording.title,
                "transcript": recording.transcript,
                "clock": clock(seconds),
                "iso": f"PT{seconds // 60}M{seconds % 60}S",
                "files": selectors.public_files(recording),
                # Where the page says in writing what the recording says: this page in the recording's language.
                "page_url": (
                    translate_url(request.path, recording.language)
                    if request is not None and recording.language != page_language
                    else ""
                ),
            }
        )
    return {"items": items, "page_language": page_language}
