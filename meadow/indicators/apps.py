from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "meadow.indicators"
    verbose_name = "Indicator data"
