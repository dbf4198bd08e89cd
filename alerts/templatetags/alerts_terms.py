"""The terms of the e-mail alerts that public pages state (the privacy notice), read from the settings so that
the notice always says what the portal does."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def alerts_terms() -> dict[str, int]:
    """`{% alerts_terms as terms %}`: how many hours a request waits for its confirmation (ALERTS_CONFIRM_HOURS)
    and how many months an address is kept after its last alert ended (ALERTS_RETENTION_MONTHS)."""
    return {"confirm_hours": settings.ALERTS_CONFIRM_HOURS, "retention_months": settings.ALERTS_RETENTION_MONTHS}
