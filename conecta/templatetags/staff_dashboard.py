"""`{% staff_dashboard as dashboard %}`: the signed-in person's dashboard on the admin's home page
(templates/admin/index.html; conecta.dashboard)."""

from __future__ import annotations

from django import template

from conecta.dashboard import dashboard_for

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_dashboard(context):
    """Built once per request: the page's main column and its sidebar both read it."""
    request = context["request"]
    if not hasattr(request, "conecta_dashboard"):
        request.conecta_dashboard = dashboard_for(request)
    return request.conecta_dashboard
