from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "meadow.demo"
    label = "meadow_demo"
    verbose_name = "Illustrative demo data"
