from django.apps import AppConfig


class WagtailArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.AutoField"
    name = "wagtail_articles"
