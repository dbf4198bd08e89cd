"""The staff kit every app's admin builds on: role-scoped, read-only and protect-published admin mixins, and the
guard that keeps published records from being deleted by any path (connected by each app from its `ready()`).

The roles themselves, `visible_commitments` and `planner_emails` are in commitments.roles.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from . import roles


class PublishedRecordProtected(models.ProtectedError):
    """Raised when something tries to delete a published record (a commitment, milestone, update, evidence the
    public sees, a meeting...)."""

    @classmethod
    def of(cls, record) -> PublishedRecordProtected:
        message = _("“%(record)s” is published and cannot be deleted; unpublish it first.") % {"record": record}
        return cls(message, {record})


def guard_published_deletion(sender, instance, **kwargs):
    """pre_delete receiver for models with `is_published`, the last line of defence: the admin never offers the
    deletion (ProtectPublishedMixin), and nothing else may do it either."""
    if getattr(instance, "is_published", False):
        raise PublishedRecordProtected.of(instance)


def guard_public_evidence_deletion(sender, instance, **kwargs):
    """pre_delete receiver for evidence, which is published by default and public only with its milestone or
    update: what the public sees stays (a planner unpublishes it instead); evidence of a draft may go."""
    if instance.is_public:
        raise PublishedRecordProtected.of(instance)


class ProtectPublishedMixin:
    """Published records cannot be deleted from the admin, one by one or in bulk."""

    def has_delete_permission(self, request, obj=None):
        if obj is not None and getattr(obj, "is_published", False):
            return False
        return super().has_delete_permission(request, obj)


class ScopedMixin:
    """Implementers see and edit only what their institution leads (commitments.roles.scope_filter).

    `commitment_path` is the lookup path from the model to its commitment ("commitment__"); a model that names its
    commitment by code instead sets `commitment_code_field`.
    """

    commitment_path = ""
    commitment_code_field = ""

    def scope_filter(self, user) -> models.Q | None:
        if self.commitment_code_field:
            return roles.scope_filter_by_code(user, self.commitment_code_field)
        return roles.scope_filter(user, self.commitment_path)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        condition = self.scope_filter(request.user)
        return qs if condition is None else qs.filter(condition).distinct()


class ReadOnlyAdminMixin:
    """Records the portal writes itself (the change history, the daily digest, earlier answers): staff with the
    view permission read them; nobody adds, changes or deletes one in the admin. Fits admins and inlines alike."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
