from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The home page: the top floor, it reads from every domain app and nothing imports it."""

    name = "apps.home"
    label = "home"
