"""The purge keys of the public site: which responses a change can reach.

Every public response names, in ``Surrogate-Key`` (and ``Cache-Tag``), the things whose change
alters it; a change purges exactly the keys of what it changed, and a CDN or proxy drops every
response that carries one of them. Keys are short ASCII words, the same in every header and API:

- ``public``: every public response (a purge of everything after a deploy changes templates);
- ``article-<id>``: the article's page and API answer (live, retracted or pending);
- ``topic-<slug>``: the article's topic, on its pages and on lists filtered by that topic;
- ``source-<id>``: each library source an article's current publication cites;
- ``articles``: every list of articles (pages, API, filters, searches) and the feed;
- ``board``: the advisory board and its review policies (the editorial policy page, the board's
  pages; a member's page carries ``articles`` too, for the articles they signed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from articles.models import Publication, PublishedCitation

EVERYTHING = "public"
LISTS = "articles"
BOARD = "board"

# A topic key comes from a slug a visitor may type (``?topic=``): only a slug becomes a key.
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,120}")


def article(article_id: int) -> str:
    return f"article-{article_id}"


def topic(slug: str) -> str:
    return f"topic-{slug}"


def source(source_id: int) -> str:
    return f"source-{source_id}"


def publication_keys(*, article_id: int, topic_slug: str, source_ids: Iterable[int]) -> str:
    """The header value of a publication's page and API answer, stored with its document."""
    return joined(
        [EVERYTHING, article(article_id), topic(topic_slug), *(source(pk) for pk in sorted(set(source_ids)))]
    )


def list_keys(topic_slug: str | None = None) -> str:
    """The header value of a list page, filtered by ``topic_slug`` or not."""
    if topic_slug and _SLUG.fullmatch(topic_slug):
        return joined([EVERYTHING, LISTS, topic(topic_slug)])
    return LIST_KEYS


def joined(keys: Iterable[str]) -> str:
    """Keys as ``Surrogate-Key`` writes them: separated by single spaces."""
    return " ".join(keys)


LIST_KEYS = joined([EVERYTHING, LISTS])
BOARD_KEYS = joined([EVERYTHING, BOARD])


# What the documents store (``public.documents``) ---------------------------------------------


def cache_keys_of(publications) -> dict[int, str]:
    """The stored header value of each of ``publications`` (``Publication`` rows), by key; one
    query for their cited sources."""
    cited: dict[int, list[int]] = {publication.pk: [] for publication in publications}
    rows = (
        PublishedCitation.objects.filter(publication_id__in=list(cited))
        .order_by()
        .values_list("publication_id", "source_id")
    )
    for publication_id, source_id in rows:
        cited[publication_id].append(source_id)
    return {
        publication.pk: publication_keys(
            article_id=publication.article_id,
            topic_slug=publication.topic_slug,
            source_ids=cited[publication.pk],
        )
        for publication in publications
    }


def cache_keys_read(publication_id: int) -> str:
    """The header value of a publication that has no document yet: read now, one query, until
    ``render_public_documents`` stores it."""
    rows = list(
        Publication.objects.filter(pk=publication_id)
        .order_by()
        .values_list("article_id", "topic_slug", "published_citations__source_id")
    )
    article_id, topic_slug = rows[0][:2]
    return publication_keys(
        article_id=article_id,
        topic_slug=topic_slug,
        source_ids=[row[2] for row in rows if row[2] is not None],
    )
