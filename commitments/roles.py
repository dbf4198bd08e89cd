"""The staff roles of the admin and what each may do.

- Planning Directorate (planners): everything on the plan.
- Implementers: a department's staff; they edit only what their institution leads (commitments/admin.py scopes
  their querysets through `StaffProfile.institution`).
- Monitor (FCD): reads everything, changes nothing of the government's.
"""

from django.contrib.auth.models import Group, Permission

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
]
IMPLEMENTER_MODELS = {
    "commitment": ["view", "change"],
    "milestone": ["view", "add", "change"],
    "progressupdate": ["view", "add", "change"],
    "evidence": ["view", "add", "change", "delete"],
    "changerecord": ["view"],
}


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
            PLANNER: {**{model: everything for model in PLAN_MODELS}, "changerecord": ["view"]},
            IMPLEMENTER: {
                **IMPLEMENTER_MODELS,
                **{model: ["view"] for model in ("institution", "canton", "parish", "ogpvalue")},
            },
            MONITOR: {model: ["view"] for model in [*PLAN_MODELS, "changerecord"]},
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
    """The institution an implementer is confined to, or None when the user sees the whole plan."""
    if is_planner(user) or in_group(user, MONITOR):
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.institution if profile else False
