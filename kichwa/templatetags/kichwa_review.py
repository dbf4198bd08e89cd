"""What the public pages say about the community review of their Kichwa (kichwa.review).

    {% load kichwa_review %}
    {% block review_note %}{% kichwa_review commitment milestones updates fallback=block.super %}{% endblock %}
    {% kichwa_share_reviewed %}      on the accessibility page: how many Kichwa texts are reviewed

base.html shows the general note ("These Kichwa texts are awaiting review...") on /qu/ pages in a block
`review_note`; a record's page overrides it with `{% kichwa_review %}`, which says "Kichwa reviewed by
<organisation>, <date>" when every Kichwa text of the records given is approved, and otherwise gives back the
general note (`fallback=block.super`). One query on a Kichwa page, none on a Spanish one.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from conecta.fallbacks import KICHWA, active_language

from ..review import page_review, share_reviewed

register = template.Library()


@register.simple_tag
def kichwa_review(*objects, fallback=""):
    """The reviewed line of a page showing `objects` (records, or lists of them), or `fallback` when one of their
    Kichwa texts is not approved (or the page is not in Kichwa)."""
    if active_language() != KICHWA:
        return fallback
    review = page_review(*objects)
    if not review.reviewed:
        return fallback
    day = timezone.localdate(review.reviewed_at) if review.reviewed_at else timezone.localdate()
    return format_html(
        '<p class="note" role="note">{} <a href="{}">{}</a>.</p>',
        gettext("Kichwa reviewed by %(organisation)s, %(date)s.")
        % {"organisation": review.organisation, "date": formats.date_format(day, "DATE_FORMAT")},
        settings.TRANSLATION_FEEDBACK_URL,
        gettext("Tell us about any error"),
    )


@register.simple_tag
def kichwa_share_reviewed():
    """ "N of M Kichwa texts reviewed (P %)", of the published content, as it reads now (the page is cached only
    until the next change of a record or of a review)."""
    reviewed, total = share_reviewed()
    if not total:
        return gettext("No published content is written in Kichwa yet.")
    if reviewed == total:
        return ngettext(
            "The %(total)s Kichwa text of the published content has been reviewed by the community.",
            "All %(total)s Kichwa texts of the published content have been reviewed by the community.",
            total,
        ) % {"total": total}
    # Rounded down: never "100 %" while a text awaits review.
    percent = reviewed * 100 // total
    return ngettext(
        "%(reviewed)s of %(total)s Kichwa text of the published content has been reviewed by the community "
        "(%(percent)s %%); the others are awaiting review and may contain errors.",
        "%(reviewed)s of %(total)s Kichwa texts of the published content have been reviewed by the community "
        "(%(percent)s %%); the others are awaiting review and may contain errors.",
        total,
    ) % {"reviewed": reviewed, "total": total, "percent": percent}
