from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "meadow.site"
    label = "meadow_site"
    verbose_name = "Web site"
