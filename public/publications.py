"""One publication as the public reads it: the article page and the API's article.

Each is one hand-written statement (``PUBLISHED_PAGE_SQL``, ``STORED_ARTICLE_SQL``) that never
changes shape, and a second only while a source it cites has been retracted since. Tests hold
each statement to the ORM's reading of the same rows (``tests/public/test_public_sql.py``) and,
on PostgreSQL, to its index plan.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from articles.models import Audience, PublishedCitation, Status
from public.notices import (
    Notice,
    PublicStatus,
    last_modified,
    public_status,
    publication_notices,
    retraction_notice,
)
from public.purging.keys import cache_keys_read
from public.sql import read_one


@dataclass(slots=True)
class PublicationFacts:
    """What decides a current publication's status, notices and validators on each request.

    Plain values, like ``public.listing.ListRow``: nothing can load a column lazily.
    """

    id: int
    slug: str
    title: str
    approved_at: datetime
    first_published_at: datetime
    last_modified_at: datetime
    next_review_due: date
    cites_retracted_source: bool
    article_status: str
    review_due_reason: str
    review_due_since: datetime | None
    article_updated_at: datetime
    retraction_notice: str
    retracted_at: datetime | None
    # The purge keys stored with its document (public.purging.keys); None until it is rendered.
    cache_keys: str | None
    counterpart_slug: str | None
    counterpart_audience: str | None
    own_audience: str

    @property
    def pk(self) -> int:
        return self.id

    @property
    def surrogate_keys(self) -> str:
        """Its responses' ``Surrogate-Key``: stored with its document, read now when there is none."""
        return self.cache_keys or cache_keys_read(self.id)

    @property
    def audience_variants(self) -> list[dict]:
        """This article and its listed version for the other audience, patients first; ``[]``
        when it has none."""
        if not self.counterpart_slug:
            return []
        variants = [
            {"audience": self.counterpart_audience, "slug": self.counterpart_slug},
            {"audience": self.own_audience, "slug": self.slug},
        ]
        return sorted(variants, key=lambda variant: variant["audience"] != Audience.PATIENT)


@dataclass(slots=True)
class PublishedPage(PublicationFacts):
    """What an article page shows of a current publication: its snapshot and its article's facts.

    The body's Markdown source and the bookkeeping columns are never read.
    """

    article_id: int
    version: int
    summary: str
    body_html: str
    audience: str
    topic_name: str
    topic_slug: str
    authors: list
    reviewers: list
    references: list
    created_at: datetime
    last_reviewed_at: datetime


@dataclass(slots=True)
class StoredArticle(PublicationFacts):
    """A current publication as the detail API reads it: its facts, and the rest as the JSON
    document stored for it (``PublicationDocument``) when there is one in the format asked."""

    document: str | None


def public_publication(slug: str) -> PublishedPage | None:
    """The current publication at ``slug`` with what its page needs, in one query.

    Retracted articles are included (their page answers 410 with the notice), so callers check
    ``article_status``. ``cites_retracted_source`` says whether ``retracted_cited_sources`` has
    anything to find.
    """
    return read_one(PublishedPage, PUBLISHED_PAGE_SQL, [slug])


def published_page(pk: int) -> PublishedPage | None:
    """``public_publication`` by the publication's key (to render its stored document)."""
    return read_one(PublishedPage, PUBLISHED_PAGE_BY_ID_SQL, [pk])


# The article page is the hottest public read and its query never changes shape, so it is written
# out once in portable SQL: building and compiling it with the ORM cost more than running it
# (bench/README.md). Tests hold it (and ``LIST_ROWS_SQL``) to the
# ORM's reading of the same rows (tests/public/test_public_sql.py) and, on PostgreSQL, to its
# index plan. ``references`` is quoted: it is an SQL keyword.
_PUBLICATION_FACTS = """
    p.id, p.slug, p.title, p.approved_at, p.first_published_at, p.last_modified_at,
    p.next_review_due,
    EXISTS (
        SELECT 1
        FROM articles_publishedcitation c
        JOIN articles_source s ON s.id = c.source_id
        WHERE c.publication_id = p.id AND s.retracted_on IS NOT NULL
    ) AS cites_retracted_source,
    a.status AS article_status, a.review_due_reason, a.review_due_since, a.updated_at AS article_updated_at,
    a.retraction_notice, a.retracted_at, d.cache_keys,
    (SELECT v.slug FROM articles_listedpublication v WHERE v.article_id = a.audience_counterpart_id)
        AS counterpart_slug,
    (SELECT v.audience FROM articles_listedpublication v WHERE v.article_id = a.audience_counterpart_id)
        AS counterpart_audience,
    p.audience AS own_audience
"""
_PUBLISHED_PAGE = f"""
    SELECT {_PUBLICATION_FACTS},
           p.article_id, p.version, p.summary, p.body_html, p.audience, p.topic_name, p.topic_slug,
           p.authors, p.reviewers, p."references", p.created_at, p.last_reviewed_at
    FROM articles_publication p
    JOIN articles_article a ON a.id = p.article_id
    LEFT JOIN articles_publicationdocument d ON d.publication_id = p.id
"""
PUBLISHED_PAGE_SQL = _PUBLISHED_PAGE + "WHERE p.slug = %s AND p.superseded_at IS NULL"
PUBLISHED_PAGE_BY_ID_SQL = _PUBLISHED_PAGE + "WHERE p.id = %s"
# The detail API reads the snapshot already rendered, in the format it asks for (or none).
STORED_ARTICLE_SQL = f"""
    SELECT {_PUBLICATION_FACTS}, CASE WHEN d.format = %s THEN d.json END AS document
    FROM articles_publication p
    JOIN articles_article a ON a.id = p.article_id
    LEFT JOIN articles_publicationdocument d ON d.publication_id = p.id
    WHERE p.slug = %s AND p.superseded_at IS NULL
"""


@dataclass(frozen=True)
class RetractedSource:
    """A retracted source behind reference ``number`` (read as plain values: no model instances)."""

    number: int
    title: str
    retracted_on: date
    updated_at: datetime

    FIELDS = ("number", "source__title", "source__retracted_on", "source__updated_at")


def retracted_cited_sources(publication: PublicationFacts) -> list[RetractedSource]:
    """The references of ``publication`` whose sources are retracted now (looked up live).

    One query, and none when ``public_publication`` found no retracted source to look up.
    """
    if not publication.cites_retracted_source:
        return []
    rows = (
        PublishedCitation.objects.filter(publication_id=publication.id, source__retracted_on__isnull=False)
        .order_by("source__retracted_on", "number")
        .values_list(*RetractedSource.FIELDS)
    )
    return [RetractedSource(*row) for row in rows]


def public_references(references: list[dict], retracted_sources: list[RetractedSource]) -> list[dict]:
    """A publication's ``references``, ``retracted`` also true for sources retracted since."""
    retracted_numbers = {source.number for source in retracted_sources}
    return [
        {**ref, "retracted": bool(ref.get("retracted")) or ref["number"] in retracted_numbers}
        for ref in references
    ]


@dataclass(frozen=True)
class PublicArticle:
    """Everything a public page or the detail API shows of one live publication.

    ``publication`` is a ``PublishedPage`` (the pages) or a ``StoredArticle`` (the detail API,
    which has only its stored document and the live facts).
    """

    publication: PublishedPage | StoredArticle
    status: str
    notices: list[Notice]
    retracted_sources: list[RetractedSource]
    last_modified: datetime

    @property
    def status_label(self) -> str:
        return PublicStatus.LABELS[self.status]

    @property
    def is_retracted(self) -> bool:
        return self.publication.article_status == Status.RETRACTED

    @functools.cached_property
    def references(self) -> list[dict]:
        """The numbered references, each ``retracted`` if its source is retracted now (pages only)."""
        return public_references(self.publication.references, self.retracted_sources)


def public_article(slug: str, today: date | None = None) -> PublicArticle | None:
    """The live (or retracted) article at ``slug``; ``None`` when nothing was ever approved there.

    One query, and a second only when a source it cites is retracted now (for the notice). A
    retracted article carries only its retraction notice.
    """
    publication = public_publication(slug)
    return _public_article(publication, today) if publication else None


def stored_public_article(slug: str, document_format: str, today: date | None = None) -> PublicArticle | None:
    """``public_article`` for the detail API: the live facts and the stored document, if any.

    One query, like ``public_article``; the document is ``None`` unless it was rendered in
    ``document_format``.
    """
    stored = read_one(StoredArticle, STORED_ARTICLE_SQL, [document_format, slug])
    return _public_article(stored, today) if stored else None


def _public_article(publication: PublicationFacts, today: date | None) -> PublicArticle:
    today = today or timezone.localdate()
    if publication.article_status == Status.RETRACTED:
        return PublicArticle(
            publication=publication,
            status=Status.RETRACTED,
            notices=[retraction_notice(publication)],
            retracted_sources=[],
            last_modified=max(publication.approved_at, publication.article_updated_at),
        )
    retracted = retracted_cited_sources(publication)
    return PublicArticle(
        publication=publication,
        status=public_status(publication, today),
        notices=publication_notices(publication, retracted, today),
        retracted_sources=retracted,
        last_modified=last_modified(publication, retracted, today),
    )
