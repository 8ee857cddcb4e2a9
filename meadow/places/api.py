from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """Places routes are added with the places app's API."""
