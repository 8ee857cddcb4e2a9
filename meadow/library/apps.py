from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "meadow.library"
    label = "meadow_library"
    verbose_name = "Library"
