from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles and sources"

    def ready(self) -> None:
        from articles import caching

        caching.connect_signals()
