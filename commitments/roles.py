"""The staff roles of the admin and what each may do.

- Planning Directorate (planners): everything on the plan.
- Implementers: a department's staff; they edit only what their institution leads (`StaffProfile.institution`;
  `scope_filter` and `visible_commitments` are the rule every admin, import and staff view reads).
- Monitor (FCD): reads everything, changes nothing of the government's; writes its own verdicts on measured
  indicator values (verified or disputed), which no government role may change.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q, QuerySet

from .models import Commitment, led_by_q

PLANNER = "Planificación"
IMPLEMENTER = "Implementador"
MONITOR = "Monitor (FCD)"

PLAN_MODELS = [
    "actionplan",
    "institution",
    "ogpvalue",
    "canton",
    "parish",
    "commitment",
    "milestone",
    "progressupdate",
    "evidence",
    "staffprofile",
    "indicator",
    "indicatorvalue",
]
IMPLEMENTER_MODELS = {
    "commitment": ["view", "change"],
    "milestone": ["view", "add", "change"],
    "progressupdate": ["view", "add", "change"],
    "evidence": ["view", "add", "change", "delete"],
    "changerecord": ["view"],
    "indicator": ["view", "add", "change"],
    "indicatorvalue": ["view", "add", "change"],
    "indicatorverification": ["view"],
}
# Histories the portal writes itself (a milestone's dated progress, a commitment's executed budget): every role
# reads them; they change only through the milestone, the progress update or the commitment they date.
HISTORY_MODELS = {"milestoneprogress": ["view"], "budgetexecution": ["view"]}
# The monitor's own records on the plan: its verdicts on measured values (only it writes them).
MONITOR_MODELS = {"indicatorverification": ["view", "add", "change"]}


def sync_group_permissions(app_label: str, grants: dict[str, dict[str, list[str]]]) -> None:
    """Make each role group hold exactly `grants[group][model]` actions on `app_label`'s models, leaving its
    permissions on other apps alone, so every app can keep its own part of the roles (idempotent)."""
    for group_name, models in grants.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        wanted = set(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        current = set(group.permissions.filter(content_type__app_label=app_label))
        group.permissions.remove(*(current - wanted))
        group.permissions.add(*(wanted - current))


def ensure_role_groups() -> None:
    """Create or refresh the three role groups' permissions on the plan (runs after every migrate)."""
    everything = ["view", "add", "change", "delete"]
    sync_group_permissions(
        "commitments",
        {
            PLANNER: {
                **{model: everything for model in PLAN_MODELS},
                "changerecord": ["view"],
                "indicatorverification": ["view"],
                **HISTORY_MODELS,
            },
            IMPLEMENTER: {
                **IMPLEMENTER_MODELS,
                **HISTORY_MODELS,
                **{model: ["view"] for model in ("institution", "canton", "parish", "ogpvalue")},
            },
            MONITOR: {
                **{model: ["view"] for model in [*PLAN_MODELS, "changerecord"]},
                **HISTORY_MODELS,
                **MONITOR_MODELS,
            },
        },
    )


def in_group(user, name: str) -> bool:
    if not user.is_authenticated:
        return False
    cache = getattr(user, "_conecta_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._conecta_groups = cache
    return name in cache


def planner_emails() -> list[str]:
    """The addresses of the active planners: who receives review notices, digests and file alerts."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=PLANNER)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def is_planner(user) -> bool:
    return user.is_superuser or in_group(user, PLANNER)


def scoped_institution(user):
    """The institution an implementer is confined to, None when the user sees the whole plan, False when they
    see none of it (staff without a staff profile)."""
    if is_planner(user) or in_group(user, MONITOR):
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.institution if profile else False


# Matches no row, and costs no query: Django answers an empty IN () without asking the database.
NOTHING = Q(pk__in=[])


def scope_filter(user, *through: str) -> Q | None:
    """The rows of a plan record `user` may see, as a filter, or None when they see every row (planners, the
    monitor, superusers). For an implementer, the rows of the commitments their institution leads; for staff
    without an institution, none (`NOTHING`).

    `through` is the lookup path from the filtered model to its commitment ("commitment__"; none for commitments);
    with several paths, a row reached through any of them is seen (evidence: through its milestone or update).
    """
    scope = scoped_institution(user)
    if scope is None:
        return None
    if scope is False:
        return NOTHING
    condition = Q()
    for path in through or ("",):
        condition |= led_by_q(scope, through=path)
    return condition


def scope_filter_by_code(user, field: str = "commitment_code") -> Q | None:
    """`scope_filter` for records that name their commitment by its code (change records, report narratives)."""
    condition = scope_filter(user)
    if condition is None:
        return None
    return Q(**{f"{field}__in": Commitment.objects.filter(condition).values("code")})


def visible_commitments(user, queryset: QuerySet[Commitment] | None = None) -> QuerySet[Commitment]:
    """The commitments `user` may see and work on in the admin: all of them for planners, the monitor and
    superusers; those their institution leads for an implementer; none otherwise. `queryset` narrows (or
    prepares, e.g. with select_related) the commitments to start from."""
    queryset = Commitment.objects.all() if queryset is None else queryset
    condition = scope_filter(user)
    return queryset if condition is None else queryset.filter(condition)
