from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        """The catalogue's datasets (opendata.datasets.register: the plan's, then the rest); the bundles' files in
        verify_files; the role groups' view of the bundles after each migrate."""
        from django.db.models.signals import post_migrate

        from conecta.extensions import register_published_files

        from . import other_datasets, plan_datasets  # noqa: F401
        from .bundle import published_bundle_files
        from .roles import opendata_roles_grant

        register_published_files(published_bundle_files)
        post_migrate.connect(opendata_roles_grant, sender=self, dispatch_uid="opendata-roles")
