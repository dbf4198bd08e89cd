"""Who reviews the Kichwa of the portal, in the role groups of the admin.

- Kichwa reviewers (group "Revisor kichwa"): a member of a Kichwa organisation or of the FCD, a staff account with
  a `ReviewerProfile` that names their organisation. They read and review the interface texts, the Kichwa of
  published records (content reviews) and the glossary; they add nothing to the catalogue and delete nothing.
- Planners (the Planning Directorate) review too, under the name of their directorate.
Everyone else sees none of it.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from .models import ReviewerProfile

KICHWA_REVIEWER = "Revisor kichwa"
# commitments.roles.PLANNER: kichwa stands under commitments (tests/conecta/test_layout.py), so it names the
# group instead of importing it (tests/kichwa/test_interface_review.py checks that the two agree).
PLANNER_GROUP = "Planificación"

# Interface texts come from the catalogue (kichwa.catalogue.sync_catalogue): nobody adds or deletes one. A content
# review is made when a reviewer first reviews a record's field; a glossary term when a reviewer writes one.
REVIEW_GRANTS = {
    "interfacestring": ["view", "change"],
    "contentreview": ["view", "add", "change"],
    "glossaryterm": ["view", "add", "change"],
}
ROLE_GRANTS = {
    KICHWA_REVIEWER: REVIEW_GRANTS,
    PLANNER_GROUP: {**REVIEW_GRANTS, "reviewerprofile": ["view", "add", "change", "delete"]},
}


def kichwa_roles_grant(**kwargs) -> None:
    """Make each group hold exactly ROLE_GRANTS on the review models (post_migrate receiver; idempotent).

    commitments.roles.sync_group_permissions does the same, out of this app's reach; this one leaves alone the
    group's rights on the models it does not list (the recordings' rights are another part's to give)."""
    managed = {model for grants in ROLE_GRANTS.values() for model in grants}
    for group_name, grants in ROLE_GRANTS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        codenames = [f"{action}_{model}" for model, actions in grants.items() for action in actions]
        wanted = set(Permission.objects.filter(content_type__app_label="kichwa", codename__in=codenames))
        current = set(group.permissions.filter(content_type__app_label="kichwa", content_type__model__in=managed))
        group.permissions.remove(*(current - wanted))
        group.permissions.add(*(wanted - current))


def reviewer_organisation(user) -> str:
    """The organisation a review by `user` is said to come from: their ReviewerProfile's, else the Planning
    Directorate (planners and superusers, who review for the government)."""
    organisation = ReviewerProfile.objects.filter(user=user).values_list("organisation", flat=True).first()
    return organisation or PLANNER_GROUP
