"""Who does what with road works and road requests, in the role groups of commitments.roles.

- Planning Directorate (planners): everything. Works, their progress and documents, publishing them; the
  moderation of road requests, their status and public notes, and the entry of requests gathered offline. Only
  planners see a request's personal data (name, e-mail, phone).
- Implementers: see every work, and add or change only the works of their institution (`RoadWork.institution`
  is their `StaffProfile.institution`; in practice the Public Works department), with their progress and
  documents; publishing stays with the planners. On road requests, they see the approved ones about, or answered
  by, their institution's works and change their status with a public note. They neither moderate nor enter
  requests, and never see personal data.
- Monitor (FCD): reads everything but personal data, changes nothing.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from commitments.roles import (
    IMPLEMENTER,
    MONITOR,
    NOTHING,
    PLANNER,
    is_planner,
    scoped_institution,
    sync_group_permissions,
)
from feedback.models import Moderation

from .models import RoadWork

EVERYTHING = ["view", "add", "change", "delete"]
# Published records are protected by the admins (a published work, observation or document is never deleted);
# these rights are the ceiling.
ROLE_GRANTS = {
    PLANNER: {
        "roadwork": EVERYTHING,
        "roadprogress": EVERYTHING,
        "roaddocument": EVERYTHING,
        # Rejected or hidden requests still count as received: nobody deletes one (feedback's rule).
        "roadrequest": ["view", "add", "change"],
        "roadrequestchange": ["view"],
    },
    IMPLEMENTER: {
        "roadwork": ["view", "add", "change"],
        "roadprogress": EVERYTHING,
        "roaddocument": EVERYTHING,
        "roadrequest": ["view", "change"],
        "roadrequestchange": ["view"],
    },
    MONITOR: {
        model: ["view"] for model in ("roadwork", "roadprogress", "roaddocument", "roadrequest", "roadrequestchange")
    },
}


def roads_roles_grant(**kwargs) -> None:
    """Give each role group its rights on this app's models (runs after every migrate; idempotent)."""
    sync_group_permissions("roads", ROLE_GRANTS)


def work_scope(user):
    """The institution whose works `user` may edit: None for all of them (planners, superusers), an Institution
    for an implementer, False for none (the monitor, staff without a staff profile)."""
    if is_planner(user):
        return None
    if not user.has_perm("roads.change_roadwork"):
        return False
    return scoped_institution(user) or False


def may_edit_work(user, work: RoadWork | None) -> bool:
    """Whether `user` may change `work` (None: some work), its progress and its documents."""
    scope = work_scope(user)
    if scope is None:
        return True
    if scope is False:
        return False
    return work is None or work.institution_id == scope.pk


def editable_works(user, queryset: QuerySet[RoadWork] | None = None) -> QuerySet[RoadWork]:
    """The works `user` may change: all for planners, their institution's for an implementer, none otherwise."""
    queryset = RoadWork.objects.all() if queryset is None else queryset
    scope = work_scope(user)
    if scope is None:
        return queryset
    return queryset.none() if scope is False else queryset.filter(institution=scope)


def request_scope(user) -> Q | None:
    """The road requests `user` may see, as a filter; None for all of them (planners, the monitor). An
    implementer sees the approved requests about, or answered by, a work of their institution."""
    if is_planner(user):
        return None
    if not user.has_perm("roads.view_roadrequest"):
        return NOTHING
    if not user.has_perm("roads.change_roadrequest"):
        return None  # the monitor reads them all (without personal data)
    scope = scoped_institution(user)
    if scope is None:
        return None
    if scope is False:
        return NOTHING
    return Q(moderation=Moderation.APPROVED) & (Q(work__institution=scope) | Q(answered_by_work__institution=scope))
