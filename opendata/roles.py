"""What each staff role may do with the open-data records: read the bundles (the portal makes and deletes them
itself, opendata.bundle). commitments.roles names the groups; each app keeps its own part of them."""

from commitments.roles import IMPLEMENTER, MONITOR, PLANNER, sync_group_permissions

ROLE_GRANTS = {role: {"bundle": ["view"]} for role in (PLANNER, IMPLEMENTER, MONITOR)}


def opendata_roles_grant(**kwargs) -> None:
    """Give each role group its rights on this app's models (runs after every migrate; idempotent)."""
    sync_group_permissions("opendata", ROLE_GRANTS)
