from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "meadow.jobs"
    verbose_name = "Background jobs"
