from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "meadow.frameworks"
    verbose_name = "Frameworks"
