"""The staff admin of the e-mail alerts (issue 15). Everything here is read only: the portal writes these records
itself (alerts.services, alerts.digests), and staff change nothing by hand (alerts.roles says who sees what).

1. Who follows what, for planners only: the addresses, their subscriptions and the consent ledger. At the person's
   request (LOPDP) a planner ends subscriptions or anonymises an address, after a confirmation step, through
   alerts.services, which records it in the ledger as done by staff. The ledger's entries are never changed or
   deleted, by anyone.
2. How many follow each item, for planners, implementers and the monitor: counts per frequency and language, never
   an address (`followers_view`, linked from the subscriptions and the alert runs).
3. The consent ledger as a file for planners (alerts.ledger): the whole of it from the buttons on its list, or
   the entries selected, as CSV or XLSX.
4. How many alerts went out: the alert runs with their e-mails sent, skipped and failed (every role), and each
   alert e-mail with its error (planners: it names the address).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from commitments.staff import ReadOnlyAdminMixin

from . import ledger, roles, services
from .dashboard import FAILED_ATTEMPTS, confirmations_waiting, digests_failing
from .models import (
    AlertRun,
    Change,
    ConsentEvent,
    Digest,
    Frequency,
    Recipient,
    Subscription,
    SubscriptionState,
)

FOLLOWERS_PER_PAGE = 50
SEARCH_MAX = 100

# The counts of a run's alert e-mails (AlertRunAdmin's columns).
COUNTS = ["digests_count", "sent_count", "skipped_count", "failed_count"]


def sent_q(prefix: str = "") -> Q:
    """Alert e-mails sent (those with nothing left to send are claimed too, and counted apart)."""
    return Q(**{f"{prefix}sent_at__isnull": False, f"{prefix}skipped": False})


def failed_q(prefix: str = "") -> Q:
    """Alert e-mails not sent yet after one failed attempt or more (the sweep tries them again)."""
    return Q(**{f"{prefix}sent_at__isnull": True, f"{prefix}skipped": False, f"{prefix}attempts__gt": 0})


class PlannersOnlyMixin:
    """Who follows what is the planners' alone: anyone else has no access to the model at all, whatever
    permission they were given by hand."""

    def has_module_permission(self, request):
        return roles.sees_addresses(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return roles.sees_addresses(request.user) and super().has_view_permission(request, obj)


def confirmation_step(model_admin, request, queryset, *, action: str, title: str, warning: str):
    """The page that asks to confirm an action that cannot be undone, listing what it applies to."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "queryset": queryset[:50],
        "count": queryset.count(),
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "selected": queryset.values_list("pk", flat=True),
        "warning": warning,
    }
    return TemplateResponse(request, "alerts/admin/confirm_action.html", context)


# Who follows what (planners).


class FollowingFilter(admin.SimpleListFilter):
    """Addresses with at least one active subscription (alerts.dashboard counts them)."""

    title = _("receives alerts")
    parameter_name = "siguiendo"

    def lookups(self, request, model_admin):
        return [("si", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        active = Subscription.objects.filter(recipient=OuterRef("pk"), state=SubscriptionState.ACTIVE)
        if self.value() == "si":
            return queryset.filter(Exists(active))
        if self.value() == "no":
            return queryset.exclude(Exists(active))
        return queryset


class AnonymisedFilter(admin.SimpleListFilter):
    title = _("e-mail address")
    parameter_name = "anonimizada"

    def lookups(self, request, model_admin):
        return [("no", _("Kept")), ("si", _("Anonymised"))]

    def queryset(self, request, queryset):
        if self.value() in ("si", "no"):
            return queryset.filter(anonymised_at__isnull=self.value() == "no")
        return queryset


class ConfirmationFilter(admin.SimpleListFilter):
    """Subscriptions whose confirmation has waited more than a day (alerts.dashboard counts them)."""

    title = _("confirmation")
    parameter_name = "confirmacion"

    def lookups(self, request, model_admin):
        return [("atrasada", _("Awaiting it for more than a day"))]

    def queryset(self, request, queryset):
        if self.value() == "atrasada":
            return confirmations_waiting(queryset, timezone.now())
        return queryset


class SubscriptionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Subscription
    fields = ["subscription_link", "target", "language", "frequency", "state", "asked_at", "confirmed_at", "ended_at"]
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("name when followed"))
    def subscription_link(self, obj):
        url = reverse("admin:alerts_subscription_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.target_label)


class ConsentEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ConsentEvent
    fields = ["at", "kind", "how", "ip_hash", "detail"]
    readonly_fields = fields
    extra = 0


@admin.register(Recipient)
class RecipientAdmin(PlannersOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["address", "created_at", "active_count", "open_count", "anonymised_at"]
    list_filter = [FollowingFilter, AnonymisedFilter]
    search_fields = ["email"]
    fields = ["address", "created_at", "anonymised_at"]
    readonly_fields = fields
    inlines = [SubscriptionInline]
    actions = ["anonymise_selected"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active=Count("subscriptions", filter=Q(subscriptions__state=SubscriptionState.ACTIVE)),
                open=Count("subscriptions", filter=~Q(subscriptions__state=SubscriptionState.ENDED)),
            )
        )

    @admin.display(description=_("e-mail"), ordering="email")
    def address(self, obj):
        return obj.email or _("(anonymised address)")

    @admin.display(description=_("active subscriptions"), ordering="active")
    def active_count(self, obj):
        return obj.active

    @admin.display(description=_("not ended"), ordering="open")
    def open_count(self, obj):
        return obj.open

    def has_anonymise_permission(self, request):
        return roles.sees_addresses(request.user) and request.user.has_perm("alerts.change_recipient")

    @admin.action(description=_("Anonymise the selected addresses, at the person's request"), permissions=["anonymise"])
    def anonymise_selected(self, request, queryset):
        queryset = queryset.filter(anonymised_at__isnull=True)
        if not queryset.exists():
            self.message_user(request, _("The selected addresses are anonymised already."), messages.WARNING)
            return None
        if "apply" not in request.POST:
            return confirmation_step(
                self,
                request,
                queryset,
                action="anonymise_selected",
                title=_("Anonymise addresses at the person's request"),
                warning=_(
                    "Their subscriptions end now, and each address is wiped: the consent ledger keeps when and how "
                    "they were asked, confirmed and ended, without the address. This cannot be undone."
                ),
            )
        done = services.staff_anonymise(recipient_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)s address anonymised.", "%(count)s addresses anonymised.", done) % {"count": done},
            messages.SUCCESS,
        )
        return None


@admin.register(Subscription)
class SubscriptionAdmin(PlannersOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "recipient",
        "target_label",
        "target",
        "language",
        "frequency",
        "state",
        "asked_at",
        "confirmed_at",
        "ended_at",
    ]
    list_select_related = ["recipient"]
    list_filter = ["state", "frequency", "language", ConfirmationFilter]
    search_fields = ["target", "target_label", "recipient__email"]
    fields = [
        "recipient",
        "target_label",
        "target",
        "language",
        "frequency",
        "state",
        "asked_at",
        "confirmation_sent_at",
        "confirmed_at",
        "ended_at",
    ]
    readonly_fields = fields
    inlines = [ConsentEventInline]
    actions = ["end_selected"]
    change_list_template = "alerts/admin/subscription_change_list.html"

    def has_end_permission(self, request):
        return roles.sees_addresses(request.user) and request.user.has_perm("alerts.change_subscription")

    @admin.action(description=_("End the selected subscriptions, at the person's request"), permissions=["end"])
    def end_selected(self, request, queryset):
        queryset = queryset.exclude(state=SubscriptionState.ENDED)
        if not queryset.exists():
            self.message_user(request, _("The selected subscriptions have ended already."), messages.WARNING)
            return None
        if "apply" not in request.POST:
            return confirmation_step(
                self,
                request,
                queryset,
                action="end_selected",
                title=_("End subscriptions at the person's request"),
                warning=_(
                    "No more alerts are sent for them. The consent ledger records that staff ended them at the "
                    "person's request. To follow again, the person asks again and confirms by e-mail."
                ),
            )
        done = services.staff_end(subscription_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)s subscription ended.", "%(count)s subscriptions ended.", done) % {"count": done},
            messages.SUCCESS,
        )
        return None

    def get_urls(self):
        return [
            path("followers/", self.admin_site.admin_view(self.followers_view), name="alerts_subscription_followers"),
            *super().get_urls(),
        ]

    def followers_view(self, request):
        """How many follow each item, active and awaiting confirmation, per frequency and language: for the three
        roles, with no address. Three queries: the items' count, one page of them, the totals."""
        if not roles.sees_follower_counts(request.user):
            raise PermissionDenied
        search = request.GET.get("q", "").strip()[:SEARCH_MAX]
        subscriptions = Subscription.objects.exclude(state=SubscriptionState.ENDED)
        if search:
            subscriptions = subscriptions.filter(Q(target__icontains=search) | Q(target_label__icontains=search))
        columns = follower_columns()
        items = (
            subscriptions.values("target")
            .annotate(label=Max("target_label"), **{name: count for name, (_title, count) in columns.items()})
            .order_by("-active", "-pending", "target")
        )
        page = Paginator(items, FOLLOWERS_PER_PAGE).get_page(request.GET.get("p"))
        totals = subscriptions.aggregate(
            addresses=Count("recipient", distinct=True, filter=Q(state=SubscriptionState.ACTIVE)),
            **{name: count for name, (_title, count) in columns.items()},
        )
        names = list(columns)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Followers per item"),
            "opts": self.model._meta,
            "app_label": self.model._meta.app_label,
            "headings": [title for _name, (title, _count) in columns.items()],
            "group_width": len(names) // 2,
            "page": page,
            "rows": [{**item, "counts": [item[name] for name in names]} for item in page.object_list],
            "totals": [totals[name] for name in names],
            "addresses": totals["addresses"],
            "search": search,
            "sees_addresses": roles.sees_addresses(request.user),
            "search_max": SEARCH_MAX,
        }
        return TemplateResponse(request, "alerts/admin/followers.html", context)


def follower_columns() -> dict[str, tuple[str, Count]]:
    """The counts of the followers page, in the order of its columns: for the active subscriptions and then those
    awaiting confirmation, the total, each frequency and each language."""
    columns = {}
    for state in (SubscriptionState.ACTIVE, SubscriptionState.PENDING):
        columns[state.value] = (_("Total"), Count("pk", filter=Q(state=state)))
        for frequency in Frequency:
            columns[f"{state.value}_{frequency.value}"] = (
                FREQUENCY_HEADINGS[frequency],
                Count("pk", filter=Q(state=state, frequency=frequency)),
            )
        for code, name in settings.LANGUAGES:
            columns[f"{state.value}_{code}"] = (name, Count("pk", filter=Q(state=state, language=code)))
    return columns


FREQUENCY_HEADINGS = {Frequency.INSTANT: _("At once"), Frequency.DAILY: _("Daily"), Frequency.WEEKLY: _("Weekly")}


@admin.register(ConsentEvent)
class ConsentEventAdmin(PlannersOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The consent ledger: read, searched and exported; never changed or deleted, by anyone (superusers too)."""

    list_display = ["at", "subscription_link", "target_label", "kind", "how", "ip_hash", "detail"]
    list_select_related = ["subscription"]
    list_filter = ["kind", "how"]
    search_fields = ["subscription__target", "subscription__target_label", "subscription__recipient__email"]
    fields = ["subscription", "kind", "how", "at", "ip_hash", "detail"]
    readonly_fields = fields
    actions = ["export_csv", "export_xlsx"]
    change_list_template = "alerts/admin/consentevent_change_list.html"

    @admin.display(description=_("subscription"), ordering="subscription")
    def subscription_link(self, obj):
        url = reverse("admin:alerts_subscription_change", args=[obj.subscription_id])
        return format_html('<a href="{}">{}</a>', url, obj.subscription_id)

    @admin.display(description=_("name when followed"))
    def target_label(self, obj):
        return obj.subscription.target_label

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    @admin.action(description=_("Export the selected entries (CSV)"), permissions=["export"])
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    @admin.action(description=_("Export the selected entries (XLSX)"), permissions=["export"])
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, "xlsx")

    def get_urls(self):
        return [
            path(
                "export/<str:extension>/",
                self.admin_site.admin_view(self.export_view),
                name="alerts_consentevent_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request, extension: str):
        """The whole ledger as a file."""
        if extension not in ledger.FORMATS:
            raise Http404("no such format")
        if not self.has_export_permission(request):
            raise PermissionDenied
        return self._export(request, ConsentEvent.objects.all(), extension)

    def _export(self, request, queryset, extension: str):
        """The file, built whole before it is sent; if the database fails halfway, no file and a message."""
        build, content_type = ledger.FORMATS[extension]
        try:
            content = build(queryset)
        except DatabaseError:
            self.message_user(
                request,
                _("The consent ledger could not be read, and nothing was downloaded. Try again in a moment."),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:alerts_consentevent_changelist"))
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{ledger.filename(extension)}"'
        return response


# How many alerts went out.


@admin.register(Change)
class ChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["noticed_at", "kind", "object_id", "concerns", "silent"]
    list_filter = ["kind", "silent"]
    search_fields = ["kind"]
    fields = ["kind", "object_id", "targets", "noticed_at", "silent"]
    readonly_fields = fields

    @admin.display(description=_("concerns"))
    def concerns(self, obj):
        return ", ".join(obj.targets or [])


@admin.register(AlertRun)
class AlertRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every role reads the runs and how many e-mails each sent; the e-mails themselves (with the addresses) are the
    planners', whose counts link to them."""

    list_display = ["frequency", "window_start", "window_end", "built_at", "changes", *COUNTS]
    list_filter = ["frequency"]
    fields = ["frequency", "window_start", "window_end", "built_at", "changes", *COUNTS]
    readonly_fields = fields
    change_list_template = "alerts/admin/alertrun_change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent=Count("digest_set", filter=sent_q("digest_set__")),
                skipped=Count("digest_set", filter=Q(digest_set__skipped=True)),
                failed=Count("digest_set", filter=failed_q("digest_set__")),
            )
        )

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if not roles.sees_addresses(request.user):
            return columns
        return [f"{name}_link" if name in COUNTS else name for name in columns]

    @admin.display(description=_("e-mails"), ordering="digests")
    def digests_count(self, obj):
        return obj.digests

    @admin.display(description=_("sent"), ordering="sent")
    def sent_count(self, obj):
        return obj.sent

    @admin.display(description=_("nothing left to send"), ordering="skipped")
    def skipped_count(self, obj):
        return obj.skipped

    @admin.display(description=_("failed, not sent yet"), ordering="failed")
    def failed_count(self, obj):
        return obj.failed

    # The planners' columns: each count opens the run's e-mails it counts.

    @staticmethod
    def _digests(obj, count, state=None):
        params = {"run__id__exact": obj.pk}
        if state:
            params[DigestStateFilter.parameter_name] = state
        url = f"{reverse('admin:alerts_digest_changelist')}?{urlencode(params)}"
        return format_html('<a href="{}">{}</a>', url, count)

    @admin.display(description=_("e-mails"), ordering="digests")
    def digests_count_link(self, obj):
        return self._digests(obj, obj.digests)

    @admin.display(description=_("sent"), ordering="sent")
    def sent_count_link(self, obj):
        return self._digests(obj, obj.sent, DigestStateFilter.SENT)

    @admin.display(description=_("nothing left to send"), ordering="skipped")
    def skipped_count_link(self, obj):
        return self._digests(obj, obj.skipped, DigestStateFilter.SKIPPED)

    @admin.display(description=_("failed, not sent yet"), ordering="failed")
    def failed_count_link(self, obj):
        return self._digests(obj, obj.failed, DigestStateFilter.FAILING)


class DigestStateFilter(admin.SimpleListFilter):
    """Where an alert e-mail stands: sent, nothing left to send, failed (and retried by the sweep), failed
    FAILED_ATTEMPTS times or more (alerts.dashboard counts them), or waiting for its first try."""

    title = _("sending")
    parameter_name = "envio"
    SENT = "enviado"
    SKIPPED = "omitido"
    FAILING = "con_fallos"
    FAILED = "fallido"
    WAITING = "pendiente"

    def lookups(self, request, model_admin):
        return [
            (self.SENT, _("Sent")),
            (self.SKIPPED, _("Nothing left to send")),
            (self.FAILING, _("Failed, not sent yet")),
            (self.FAILED, _("Failed %(count)s times or more") % {"count": FAILED_ATTEMPTS}),
            (self.WAITING, _("Not tried yet")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.SENT:
            return queryset.filter(sent_q())
        if value == self.SKIPPED:
            return queryset.filter(skipped=True)
        if value == self.FAILING:
            return queryset.filter(failed_q())
        if value == self.FAILED:
            return digests_failing(queryset)
        if value == self.WAITING:
            return queryset.filter(sent_at__isnull=True, skipped=False, attempts=0)
        return queryset


@admin.register(Digest)
class DigestAdmin(PlannersOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "run", "recipient", "language", "change_count", "sent_at", "attempts", "last_error"]
    list_select_related = ["run", "recipient"]
    list_filter = [DigestStateFilter, "language", "run__frequency"]
    search_fields = ["recipient__email"]
    fields = [
        "run",
        "recipient",
        "language",
        "change_ids",
        "subscription_ids",
        "created_at",
        "sent_at",
        "skipped",
        "attempts",
        "last_error",
    ]
    readonly_fields = fields

    @admin.display(description=_("changes"))
    def change_count(self, obj):
        return len(obj.change_ids or [])
