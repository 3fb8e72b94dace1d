from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (seed_demo): the top floor, it writes through every domain app and nothing imports it."""

    name = "apps.demo"
    label = "demo"
