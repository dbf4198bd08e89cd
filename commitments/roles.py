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


def _perms(app_label: str, model: str, actions: list[str]) -> list[Permission]:
    codenames = [f"{action}_{model}" for action in actions]
    return list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def ensure_role_groups(app_label: str = "commitments") -> None:
    """Create or refresh the three role groups with their permissions (idempotent; runs after every migrate)."""
    planner, _ = Group.objects.get_or_create(name=PLANNER)
    planner_perms = []
    for model in PLAN_MODELS:
        planner_perms += _perms(app_label, model, ["view", "add", "change", "delete"])
    planner_perms += _perms(app_label, "changerecord", ["view"])
    planner.permissions.set(planner_perms)

    implementer, _ = Group.objects.get_or_create(name=IMPLEMENTER)
    implementer_perms = []
    for model, actions in IMPLEMENTER_MODELS.items():
        implementer_perms += _perms(app_label, model, actions)
    implementer_perms += _perms(app_label, "institution", ["view"]) + _perms(app_label, "canton", ["view"])
    implementer_perms += _perms(app_label, "parish", ["view"]) + _perms(app_label, "ogpvalue", ["view"])
    implementer.permissions.set(implementer_perms)

    monitor, _ = Group.objects.get_or_create(name=MONITOR)
    monitor_perms = []
    for model in [*PLAN_MODELS, "changerecord"]:
        monitor_perms += _perms(app_label, model, ["view"])
    monitor.permissions.set(monitor_perms)


def in_group(user, name: str) -> bool:
    if not user.is_authenticated:
        return False
    cache = getattr(user, "_conecta_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._conecta_groups = cache
    return name in cache


def is_planner(user) -> bool:
    return user.is_superuser or in_group(user, PLANNER)


def scoped_institution(user):
    """The institution an implementer is confined to, or None when the user sees the whole plan."""
    if is_planner(user) or in_group(user, MONITOR):
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.institution if profile else False
