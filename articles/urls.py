"""Public pages: the article list, article pages, the editorial policy and feeds."""

from django.urls import path  # noqa: F401

app_name = "public"

urlpatterns: list = []
