"""The glossary in the admin: Kichwa reviewers and planners write and judge terms; every other member of staff reads
it while writing (the public page, /kichwa/glosario/, shows the same terms)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from conecta.admin_messages import AdminMessagesMixin

from .glossary import glossary_term_approve, glossary_term_save
from .models import GlossaryTerm, ReviewState


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(AdminMessagesMixin, admin.ModelAdmin):
    list_display = ("spanish", "kichwa", "state", "organisation", "reviewed_at")
    list_filter = ("state",)
    search_fields = ("spanish", "kichwa", "meaning", "source")
    fields = ("spanish", "kichwa", "meaning", "source", "state", "reviewed_by", "organisation", "reviewed_at")
    readonly_fields = ("reviewed_by", "organisation", "reviewed_at")
    list_select_related = ("reviewed_by",)
    actions = ["approve_selected"]

    # Every member of staff reads the glossary when writing Kichwa; only reviewers and planners change it.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return (request.user.is_active and request.user.is_staff) or super().has_view_permission(request, obj)

    def save_model(self, request, obj, form, change):
        glossary_term_save(term=obj, by=request.user)

    @admin.action(description=_("Approve the selected terms"), permissions=["change"])
    def approve_selected(self, request, queryset):
        terms = [term for term in queryset if term.state != ReviewState.APPROVED]
        for term in terms:
            glossary_term_approve(term=term, by=request.user)
        if terms:
            self.message_user(
                request,
                ngettext("%(count)s term was approved.", "%(count)s terms were approved.", len(terms))
                % {"count": len(terms)},
            )
        else:
            self.message_user(request, gettext("The selected terms were already approved."), messages.WARNING)
