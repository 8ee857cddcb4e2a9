from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "meadow.places"
    verbose_name = "Places"
