from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from commitments.staff import ReadOnlyAdminMixin
from conecta.admin_messages import AdminMessagesMixin

from .models import Bundle


@admin.register(Bundle)
class BundleAdmin(AdminMessagesMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The nightly bundles, for staff to see what was published when: the portal makes and deletes them itself
    (opendata.bundle), so nobody adds, changes or deletes one here."""

    list_display = ["day", "download", "size", "datasets", "sha256", "created_at"]
    date_hierarchy = "day"
    fields = ["day", "download", "size", "datasets", "sha256", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj: Bundle):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.download_name)
