from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "meadow.parties"
    label = "meadow_parties"
    verbose_name = "Parties and people"
