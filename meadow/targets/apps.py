from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "meadow.targets"
    label = "meadow_targets"
    verbose_name = "National targets"
