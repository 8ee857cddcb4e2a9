from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "meadow.core"
    label = "meadow_core"
    verbose_name = "Meadow core"
