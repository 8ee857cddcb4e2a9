from django.apps import AppConfig


class StocktakeConfig(AppConfig):
    name = "meadow.stocktake"
    label = "meadow_stocktake"
    verbose_name = "Stocktake"
