"""Pending content for sites that opt in (``SHOW_PENDING_CONTENT``): submitted and under review."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from articles.models import Article, Citation, Publication, Status

# Pending content (SHOW_PENDING_CONTENT) is taken from articles in these states only: drafts and
# change requests are private to their authors, whatever the site setting.
PENDING_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW)

def pending_articles() -> QuerySet[Article]:
    """Submitted and under-review articles that have never been published."""
    live = Publication.objects.current().filter(article=OuterRef("pk"))
    return Article.objects.filter(status__in=PENDING_STATUSES).exclude(Exists(live)).select_related("topic")


def search_pending_articles(articles: QuerySet[Article], q: str) -> QuerySet[Article]:
    """Pending articles matching every word of ``q`` in title, summary or body."""
    for word in q.split()[:10]:
        articles = articles.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    return articles


def pending_article(slug: str) -> Article | None:
    """A pending article with its topic, authors and cited sources (three queries)."""
    citations = Citation.objects.select_related("source").order_by("number")
    return (
        pending_articles()
        .filter(slug=slug)
        .prefetch_related("authors", Prefetch("citations", queryset=citations))
        .first()
    )

