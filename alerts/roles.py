"""Who sees what of the e-mail alerts, in the role groups of commitments.roles.

- Planning Directorate (planners): the addresses, their subscriptions and the consent ledger (read only), which
  they export (LOPDP); at the person's request they end a subscription or anonymise an address, and nothing else
  by hand. They see the alert runs and each alert e-mail, with its failures.
- Implementers and the monitor (FCD): how many follow each item (never who), the alert runs and how many e-mails
  each sent. No access at all to the addresses, the subscriptions, the ledger or the alert e-mails.
"""

from __future__ import annotations

from commitments.roles import IMPLEMENTER, MONITOR, PLANNER, in_group, is_planner, sync_group_permissions

# The ceiling of each role; the admins narrow it (nothing is added, changed or deleted by hand: see alerts.admin).
# Planners' "change" on subscriptions and recipients is the right to end a subscription and to anonymise an
# address at the person's request, each through alerts.services.
ROLE_GRANTS = {
    PLANNER: {
        "recipient": ["view", "change"],
        "subscription": ["view", "change"],
        "consentevent": ["view"],
        "change": ["view"],
        "alertrun": ["view"],
        "digest": ["view"],
    },
    IMPLEMENTER: {"alertrun": ["view"], "change": ["view"]},
    MONITOR: {"alertrun": ["view"], "change": ["view"]},
}


def alerts_roles_grant(**kwargs) -> None:
    """Give each role group its rights on this app's models (runs after every migrate; idempotent)."""
    sync_group_permissions("alerts", ROLE_GRANTS)


def sees_addresses(user) -> bool:
    """Whether `user` may see who follows what: planners (and superusers) only."""
    return user.is_active and is_planner(user)


def sees_follower_counts(user) -> bool:
    """Whether `user` may see how many follow each item: the three roles (and superusers)."""
    return user.is_active and (is_planner(user) or in_group(user, IMPLEMENTER) or in_group(user, MONITOR))
