from django.apps import AppConfig


class ConectaConfig(AppConfig):
    name = "conecta"
    verbose_name = "Conecta Pastaza"
