from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KichwaConfig(AppConfig):
    name = "kichwa"
    verbose_name = _("Kichwa and audio")

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate

        from conecta.cache import connect_invalidation
        from conecta.extensions import register_published_files

        from . import services
        from .models import Recording
        from .selectors import published_recording_files

        # Recordings: their pages drop from the cache when one changes; their public files are checked daily
        # (verify_files); their files go when they are deleted.
        connect_invalidation(Recording)
        register_published_files(published_recording_files)
        post_delete.connect(services.recording_files_delete, sender=Recording, dispatch_uid="kichwa-recording-files")
        post_migrate.connect(services.recording_roles_grant, sender=self, dispatch_uid="kichwa-recording-roles")

        # The community's review of the interface texts (kichwa.catalogue): the review groups' rights and the
        # catalogue's messages after every migrate; a saved review reaches every process and drops the cached
        # pages; each Celery task, as each request (kichwa.middleware), uses the corrections in force.
        from celery.signals import task_prerun
        from django.db.models.signals import post_migrate, post_save

        from . import catalogue, roles
        from .models import InterfaceString

        post_migrate.connect(roles.kichwa_roles_grant, sender=self, dispatch_uid="kichwa-roles")
        post_migrate.connect(catalogue.sync_after_migrate, sender=self, dispatch_uid="kichwa-catalogue-sync")
        connect_invalidation(InterfaceString)
        post_save.connect(catalogue.corrections_changed, sender=InterfaceString, dispatch_uid="kichwa-corrections-save")
        post_delete.connect(
            catalogue.corrections_changed, sender=InterfaceString, dispatch_uid="kichwa-corrections-delete"
        )
        task_prerun.connect(catalogue.refresh_before_task, weak=False, dispatch_uid="kichwa-corrections-task")

        # The review of the Kichwa of records and the glossary: a page that says "Kichwa reviewed by...", the share
        # reviewed on the accessibility page and the glossary's page drop from the cache when one changes.
        from .models import ContentReview, GlossaryTerm

        connect_invalidation(ContentReview, GlossaryTerm)
