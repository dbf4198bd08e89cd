"""{% contact_channels %}: the contact channels (conecta.contact) wherever a page or a PDF needs them.

    {% load contact %}
    {% contact_channels %}            a list with labels (the participation pages, the PDF)
    {% contact_channels "footer" %}   one compact line (every page's footer)

It reads the settings itself, so it works where no context processor runs (a PDF rendered by a worker). Nothing
is shown when no channel is set.
"""

from __future__ import annotations

from django import template

from conecta.contact import contact_channels as read_channels

register = template.Library()


@register.inclusion_tag("conecta/includes/_contact.html")
def contact_channels(style: str = "list"):
    return {"channels": read_channels(), "style": style}
