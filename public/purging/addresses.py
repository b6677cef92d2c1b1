"""The addresses that carry purge keys, for a proxy that can only refresh addresses (nginx).

A CDN purges by key; open-source nginx stores each answer under its address alone. So the nginx
backend turns keys back into the addresses whose answers carry them: an article's page and API
answer, the pages of the articles citing a source, the lists' first pages (the deeper and
filtered ones are kept by nginx for a second only, ``deploy/nginx.conf``), the feed and the
editorial policy.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from django.urls import reverse

from articles.models import Article, Publication
from public.purging import keys as purge_keys


def article_addresses(slug: str) -> list[str]:
    return [
        reverse("public:article-detail", kwargs={"slug": slug}),
        reverse("public-article-detail", kwargs={"slug": slug}),
    ]


def list_addresses(topic_slug: str | None = None) -> list[str]:
    query = f"?{urlencode({'topic': topic_slug})}" if topic_slug else ""
    pages = [reverse("public:article-list") + query, reverse("public-article-list") + query]
    return pages if topic_slug else [*pages, reverse("public:articles-feed")]


def addresses_of(keys: Iterable[str]) -> list[str]:
    """The addresses whose answers carry any of ``keys``, in a stable order (two queries at most)."""
    article_ids, source_ids, paths = [], [], []
    for key in keys:
        kind, _, value = key.partition("-")
        if kind == "article" and value.isdigit():
            article_ids.append(int(value))
        elif kind == "source" and value.isdigit():
            source_ids.append(int(value))
        elif kind == "topic" and value:
            paths += list_addresses(value)
        elif key in (purge_keys.LISTS, purge_keys.EVERYTHING):
            paths += list_addresses()
        if key in (purge_keys.BOARD, purge_keys.EVERYTHING):
            paths.append(reverse("public:editorial-policy"))
    slugs = (
        set(Article.objects.filter(pk__in=article_ids).values_list("slug", flat=True))
        if article_ids
        else set()
    )
    if source_ids:
        citing = Publication.objects.current().filter(published_citations__source_id__in=source_ids)
        slugs.update(citing.values_list("slug", flat=True))
    for slug in sorted(slugs):
        paths += article_addresses(slug)
    return list(dict.fromkeys(paths))
