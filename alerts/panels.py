"""The "Follow by e-mail" panel of the pages that can be followed (conecta.extensions): a small GET form to
alerts:follow carrying only the page's target key (alerts.targets). It holds no CSRF token, so the cached public
pages stay cacheable (conecta.cache); and no e-mail field, so that no address ever travels in a URL (access logs,
browser history, the follow page's language links). The follow page asks the address and the rest (language,
frequency, what exactly) in its POST form, and subscribes.

The panel reads only what the page already shows: it costs no query."""

from __future__ import annotations

from commitments.models import Canton, Commitment
from conecta.extensions import Panel
from feedback.models import Moderation, Suggestion
from reports.models import Report
from roads.models import RoadRequest, RoadWork

from . import targets

# The pages that show the panel (the names they call conecta.extensions.panels_for with, their URL names).
FOLLOWABLE_PAGES: tuple[str, ...] = (
    "commitments:detail",
    "commitments:canton",
    "roads:work",
    "roads:request",
    "roads:request_track",
    "reports:list",
    "reports:detail",
    "feedback:participate",
    "feedback:track",
)

# The pages about no one thing (their views give panels_for no object): what following them follows.
PAGE_TARGETS = {
    "reports:list": targets.REPORTS,
    "feedback:participate": targets.PARTICIPATION,
}

# A message moderators rejected or hid cannot be followed (alerts.targets.resolve refuses its code).
_NOT_FOLLOWED = (Moderation.REJECTED, Moderation.HIDDEN)


def target_key(request, obj) -> str | None:
    """The target key of what the page shows: `obj` (the page's commitment, canton, road work, report, road
    request or suggestion), or, for a page about no one thing, the page itself. None for nothing to follow (a
    tracking page whose code was not found)."""
    if isinstance(obj, Commitment):
        return targets.key("commitment", obj.code)
    if isinstance(obj, Canton):
        return targets.key("canton", obj.code)
    if isinstance(obj, RoadWork):
        return targets.key("work", obj.code)
    if isinstance(obj, Report):
        return targets.REPORTS
    if isinstance(obj, (RoadRequest, Suggestion)):
        return None if obj.moderation in _NOT_FOLLOWED else targets.key("code", obj.tracking_code)
    if obj is None:
        match = getattr(request, "resolver_match", None)
        return PAGE_TARGETS.get(match.view_name) if match is not None else None
    return None


def follow_panel(request, obj) -> Panel | None:
    key = target_key(request, obj)
    return None if key is None else Panel("alerts/includes/_follow.html", {"key": key})
