"""{% tagged_pdf_max %}: the number of commitments up to which a report's PDF is tagged (reports/pdf.py lays a
larger one out in parts, which loses the tags), for the accessibility statement to say it as configured."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def tagged_pdf_max() -> int:
    return settings.REPORTS_PDF_SINGLE_MAX
