from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "meadow.commitments"
    label = "meadow_commitments"
    verbose_name = "Commitments"
