from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "meadow.reports"
    label = "meadow_reports"
    verbose_name = "National reports"
