"""The queue of the Kichwa of published records, in the admin (Kichwa reviewers and planners).

The changelist of "Kichwa content reviews" is the queue: the translated fields of published records in one state
(awaiting review by default), of one kind of record or of all, with the Spanish and the Kichwa side by side and a
link to the public page. Each field has three forms (POST, with the CSRF token): approve it as it reads, correct
the Kichwa and approve it, or say what needs editing. The forms carry the fingerprints of the texts the reviewer
read: if a text changed meanwhile, the review is refused (kichwa.review).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from conecta.admin_messages import AdminMessagesMixin

from .models import ContentReview, ReviewState
from .review import (
    STATE_LABELS,
    UNTRANSLATED,
    ReviewRefused,
    content_approve,
    content_kinds,
    content_needs_editing,
    kind_by_label,
    queue_items,
    review_queue,
)

# The states a reviewer lists, in the order of the filter.
QUEUE_STATES = (ReviewState.AWAITING, ReviewState.NEEDS_EDITING, ReviewState.APPROVED, UNTRANSLATED)
APPROVE, CORRECT, NEEDS_EDITING = "approve", "correct", "needs_editing"
SHA256 = r"^[0-9a-f]{64}$"


class ReviewForm(forms.Form):
    """One review of one field of one record, as the queue's forms send it."""

    action = forms.ChoiceField(choices=[(APPROVE, APPROVE), (CORRECT, CORRECT), (NEEDS_EDITING, NEEDS_EDITING)])
    kind = forms.CharField(max_length=100)
    object_id = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    field = forms.CharField(max_length=64)
    spanish_sha256 = forms.RegexField(SHA256)
    kichwa_sha256 = forms.RegexField(SHA256)
    kichwa = forms.CharField(required=False, strip=True, max_length=100_000)
    comment = forms.CharField(required=False, strip=True, max_length=5_000)


@admin.register(ContentReview)
class ContentReviewAdmin(AdminMessagesMixin, admin.ModelAdmin):
    per_page = 20
    queue_template = "admin/kichwa/contentreview/queue.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("review/", self.admin_site.admin_view(self.review_view), name="kichwa_contentreview_review"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A review is read in the queue, beside its texts; its row alone says little.
        return HttpResponseRedirect(reverse("admin:kichwa_contentreview_changelist"))

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        state = request.GET.get("state", ReviewState.AWAITING)
        if state not in QUEUE_STATES:
            state = ReviewState.AWAITING
        kinds = content_kinds()
        kind = request.GET.get("kind", "")
        if kind and kind_by_label(kind) is None:
            kind = ""
        queue = review_queue(state=state, kind=kind)
        page = Paginator(queue.keys, self.per_page).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Kichwa of published records to review"),
            "items": queue_items(page.object_list, queue.reviews),
            "page": page,
            "state": state,
            "kind": kind,
            "states": [(value, STATE_LABELS[value]) for value in QUEUE_STATES],
            "kinds": [
                {
                    "label": each.label,
                    "name": each.model._meta.verbose_name_plural,
                    "counts": [queue.counts.get(each.label, {}).get(value, 0) for value in QUEUE_STATES],
                }
                for each in kinds
            ],
            "totals": [sum(queue.counts.get(each.label, {}).get(value, 0) for each in kinds) for value in QUEUE_STATES],
            "can_review": self.has_change_permission(request),
            "here": request.get_full_path(),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.queue_template, context)

    def review_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
            back = reverse("admin:kichwa_contentreview_changelist")
        form = ReviewForm(request.POST)
        obj = None
        if form.is_valid():
            data = form.cleaned_data
            kind = kind_by_label(data["kind"])
            if kind is not None and data["field"] in kind.fields:
                obj = kind.published_records().filter(pk=data["object_id"]).first()
        if obj is None:
            self.message_user(
                request, gettext("This text is no longer in the queue: read the queue again."), messages.ERROR
            )
            return HttpResponseRedirect(back)
        seen = (data["spanish_sha256"], data["kichwa_sha256"])
        try:
            if data["action"] == NEEDS_EDITING:
                content_needs_editing(obj=obj, field=data["field"], by=request.user, comment=data["comment"], seen=seen)
                done = gettext("Sent back to the staff: %(record)s, %(field)s.")
            else:
                kichwa = data["kichwa"] if data["action"] == CORRECT else None
                content_approve(
                    obj=obj, field=data["field"], by=request.user, kichwa=kichwa, comment=data["comment"], seen=seen
                )
                done = gettext("Approved: %(record)s, %(field)s.")
        except ReviewRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
        else:
            field_label = obj._meta.get_field(data["field"]).verbose_name
            self.message_user(request, done % {"record": obj, "field": field_label})
        return HttpResponseRedirect(back)
