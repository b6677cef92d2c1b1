"""The editorial web app: dashboards for authors, reviewers and editors."""

from django.urls import path  # noqa: F401

app_name = "editorial"

urlpatterns: list = []
