from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo content and the commands that load and serve it (``seed_demo``, ``serve_demo``)."""

    name = "demo"
    verbose_name = "Demo content"
