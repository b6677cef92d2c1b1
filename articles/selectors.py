"""Reads of articles, sources and publications."""

from __future__ import annotations

from django.db.models import QuerySet

from articles.models import Article, Publication, Status


def live_publications() -> QuerySet[Publication]:
    """Current publications of articles that are not retracted: what the public may read."""
    return Publication.objects.current().exclude(article__status=Status.RETRACTED).select_related("article")


def retracted_article_for_slug(slug: str) -> Article | None:
    """A retracted article that was once published under ``slug``, for its 410 notice."""
    return Article.objects.filter(status=Status.RETRACTED, publications__slug=slug).distinct().first()
