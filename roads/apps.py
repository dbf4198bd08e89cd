from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RoadsConfig(AppConfig):
    name = "roads"
    verbose_name = _("Roads")

    def ready(self):
        """The page cache and the deletion guards; then what this app adds to the floors below it."""
        from conecta.extensions import (
            register_dashboard_items,
            register_map_layer,
            register_panel,
            register_published_files,
        )
        from feedback.contributions import register_contributions

        from . import dashboard, panels, roles, signals
        from .maplayer import road_works_layer
        from .request_services import ROAD_REQUESTS

        signals.connect()
        # The published works' lines and points on the territory map.
        register_map_layer(road_works_layer)
        # The staff's lines on the dashboard, and each role's rights on roads (roads.roles), after every migrate.
        register_dashboard_items(dashboard.dashboard_items)
        post_migrate.connect(roles.roads_roles_grant, sender=self, dispatch_uid="roads-roles")
        # Road requests count in the planners' daily digest, and their contact data follow the retention rule.
        register_contributions(ROAD_REQUESTS)
        # The commitment page's road works, the works the commitments' search finds, the way to report a road
        # problem on the participation page, and the published documents' files that verify_files checks.
        register_panel("commitments:detail", panels.commitment_works_panel)
        register_panel("commitments:list", panels.search_works_panel)
        register_panel("feedback:participate", panels.participate_panel)
        register_published_files(panels.published_document_files)
