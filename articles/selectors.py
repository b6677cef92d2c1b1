"""Reads of articles, sources and publications, and what the public sees of them.

The public API, the public pages and the feed read through these functions only, so they cannot
disagree about what is live, what its status is or which notices it carries. Every public read
runs a fixed number of queries, whatever the page size or the number of references.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import django_filters
from django.apps import apps
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_filters.constants import EMPTY_VALUES

from articles.models import (
    Article,
    Audience,
    Citation,
    ListedPublicationCount,
    Publication,
    PublishedCitation,
    Source,
    Status,
)

# Pending content (SHOW_PENDING_CONTENT) is taken from articles in these states only: drafts and
# change requests are private to their authors, whatever the site setting.
PENDING_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW)

# The text search configuration of PostgreSQL full-text search. The GIN index of migration
# 0002_public_indexes is built on exactly ``search_vector()``; change both together.
SEARCH_CONFIG = "english"


# Public status and notices ---------------------------------------------------------------------


class PublicStatus:
    """What a reader is told about the review state of the content in front of them."""

    APPROVED = "approved"
    REVIEW_DUE = "review_due"

    LABELS = {APPROVED: Status.APPROVED.label, REVIEW_DUE: Status.REVIEW_DUE.label}
    CHOICES = list(LABELS.items())


@dataclass(frozen=True)
class Notice:
    """A message shown above an article's body: ``kind`` is stable for API clients."""

    kind: str
    message: str
    date: date | None = None

    RETRACTED = "retracted"
    RETRACTED_SOURCE = "retracted_source"
    REVIEW_OVERDUE = "review_overdue"
    CORRECTION = "correction"
    KINDS = (RETRACTED, RETRACTED_SOURCE, REVIEW_OVERDUE, CORRECTION)


def _is_overdue(publication: PublicRow, today: date) -> bool:
    return (
        publication.article_status == Status.REVIEW_DUE
        or bool(publication.review_due_reason)
        or publication.next_review_due < today
    )


def public_status(publication: PublicRow, today: date | None = None) -> str:
    """``review_due`` once the next review is due (by date or flagged), else ``approved``."""
    overdue = _is_overdue(publication, today or timezone.localdate())
    return PublicStatus.REVIEW_DUE if overdue else PublicStatus.APPROVED


def _day(value: date | datetime) -> str:
    # The pages show dates as "21 November 2026"; notices say them the same way.
    return date_format(value.date() if isinstance(value, datetime) else value, "j F Y")


def publication_notices(
    publication: PublicationFacts, retracted_sources: list[RetractedSource], today: date | None = None
) -> list[Notice]:
    """The notices a reader must see before the body, most serious first."""
    today = today or timezone.localdate()
    notices = [
        Notice(
            Notice.RETRACTED_SOURCE,
            _(
                "Reference %(number)s (%(title)s) was retracted on %(date)s, after this article was "
                "reviewed. Our medical advisory board is reviewing the article again."
            )
            % {"number": source.number, "title": source.title, "date": _day(source.retracted_on)},
            source.retracted_on,
        )
        for source in retracted_sources
    ]
    if _is_overdue(publication, today):
        reason = publication.review_due_reason
        notices.append(
            Notice(
                Notice.REVIEW_OVERDUE,
                _("This article is due for review: %(reason)s") % {"reason": reason}
                if reason
                else _(
                    "This article was due for review on %(date)s and is waiting for our medical "
                    "advisory board to review it again."
                )
                % {"date": _day(publication.next_review_due)},
                publication.next_review_due,
            )
        )
    if publication.last_modified_at > publication.first_published_at:
        # The content changed after the first publication (a routine re-review changes nothing).
        notices.append(
            Notice(
                Notice.CORRECTION,
                _(
                    "This article was corrected and reviewed again on %(date)s. It was first "
                    "published on %(first)s."
                )
                % {"date": _day(publication.approved_at), "first": _day(publication.first_published_at)},
                publication.approved_at.date(),
            )
        )
    return notices


def retraction_notice(publication: PublicationFacts) -> Notice:
    """The notice of a retracted article (answered with 410)."""
    notice = publication.retraction_notice or _("This article has been retracted.")
    retracted_at = publication.retracted_at
    return Notice(Notice.RETRACTED, notice, retracted_at.date() if retracted_at else None)


def last_modified(publication: PublicRow, retracted_sources=(), today: date | None = None) -> datetime:
    """When anything a reader sees of ``publication`` last changed (for ``Last-Modified``)."""
    moments = [publication.approved_at, publication.article_updated_at]
    moments += [source.updated_at for source in retracted_sources]
    today = today or timezone.localdate()
    if publication.next_review_due < today:
        # The overdue notice appeared when the due date passed, without any row changing.
        moments.append(timezone.make_aware(datetime.combine(publication.next_review_due, time.min)))
    return max(moments)


# Public publications ---------------------------------------------------------------------------

DEFAULT_ORDERING = ("-last_reviewed_at", "-pk")


@dataclass(slots=True)
class ListedPublication:
    """One row of the public list: the publication's list columns and its article's facts.

    Plain values rather than a model instance: nothing on a list page can load a column lazily,
    one query per row.
    """

    id: int
    slug: str
    title: str
    summary: str
    audience: str
    topic_slug: str
    topic_name: str
    approved_at: datetime
    last_reviewed_at: datetime
    next_review_due: date
    article_status: str
    review_due_reason: str
    article_updated_at: datetime
    # The row's JSON as stored at publication, in the current format (the API's list reads it).
    stored_row: str | None = None
    public_status: str = ""

    @property
    def pk(self) -> int:
        return self.id


# The publication's own columns that a list row shows (the body, its HTML and the references stay
# in the database: most of a row's bytes).
LIST_FIELDS = (
    "id",
    "slug",
    "title",
    "summary",
    "audience",
    "topic_slug",
    "topic_name",
    "approved_at",
    "last_reviewed_at",
    "next_review_due",
)


def listed_publications() -> QuerySet[Publication]:
    """Live publications, newest review first, with nothing but their own columns.

    Filter, order, count and slice this; then ``publication_page`` loads the rows of one page.
    """
    return _listed_publications().all()


@functools.cache
def _listed_publications() -> QuerySet[Publication]:
    # Built once per process and cloned per request: building the querysets of a public read
    # costs more than running them. Never evaluate it directly (it would cache its rows).
    # Retracted articles have a retraction date (a check constraint): unlike the status, that
    # condition has no parameter, so a prepared plan knows how few rows it selects.
    retracted = Article.objects.filter(retracted_at__isnull=False).order_by().values("pk")
    return Publication.objects.current().exclude(article_id__in=retracted).order_by(*DEFAULT_ORDERING)


def search_vector():
    """Weighted title (A), summary (B) and body (C): the expression the GIN index covers."""
    from django.contrib.postgres.search import SearchVector

    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


def search_publications(publications: QuerySet[Publication], q: str) -> QuerySet[Publication]:
    """Publications whose title, summary or body match ``q``.

    PostgreSQL: full-text search (stemmed, web-search syntax: quotes, ``or``, ``-word``) on an
    indexed vector. Elsewhere: every word must occur (case-insensitively) in one of the fields.
    """
    q = q.strip()
    if not q:
        return publications
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        return publications.annotate(search=search_vector()).filter(search=query)
    for word in q.split()[:10]:
        publications = publications.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    return publications


def publication_page(page: QuerySet[Publication]) -> list[ListedPublication]:
    """The rows of ``page`` (a filtered, ordered slice of ``listed_publications``), in two queries.

    The slice's primary keys come first, so the rows an OFFSET skips cost an index entry each,
    whatever the filters; then ``LISTED_PUBLICATIONS_SQL`` reads those rows with their articles'
    facts (hand-written for the reason given at ``PUBLISHED_PAGE_SQL``).
    """
    ids = list(page.values_list("pk", flat=True))
    if not ids:
        return []
    sql = LISTED_PUBLICATIONS_SQL.format(ids=", ".join(["%s"] * len(ids)))
    rows = {row.id: row for row in _read(ListedPublication, sql, ids)}
    return [rows[pk] for pk in ids if pk in rows]


# A list row: the publication's list columns and its article's facts.
_LISTED_COLUMNS = ", ".join(
    [
        *(f"p.{field}" for field in LIST_FIELDS),
        "a.status AS article_status",
        "a.review_due_reason",
        "a.updated_at AS article_updated_at",
    ]
)

LISTED_PUBLICATIONS_SQL = f"""
    SELECT {_LISTED_COLUMNS}
    FROM articles_publication p
    JOIN articles_article a ON a.id = p.article_id
    WHERE p.id IN ({{ids}})
"""

# What ``listed_publications`` selects, as a condition on the alias ``listed``; like the ORM's, it
# excludes retracted articles by their date (see ``_listed_publications``).
_LIVE_CONDITION = (
    "listed.superseded_at IS NULL AND listed.article_id NOT IN "
    "(SELECT retracted.id FROM articles_article retracted WHERE retracted.retracted_at IS NOT NULL)"
)

# One page of a listing and the listing's count, in one statement. The page's keys come from the
# list index (the rows an OFFSET skips cost an index entry each), then those rows with their
# articles' facts and their stored list rows in the format asked for, in the same order. The
# count is joined to them, so it arrives even when the page is empty (its row is then all NULL).
# Without filters, PostgreSQL reads the count its triggers keep (``ListedPublicationCount``):
# counting every live publication was a third of the statement's time, and grows with the site.
# The page size is written in the statement, not bound: PostgreSQL plans a prepared statement
# once only if that plan costs no more than one planned for the values, and with an unknown
# limit it costs the plan for a tenth of the rows. Planning this statement again on every
# execution took twice as long as running it. There are few page sizes.
LISTING_PAGE_SQL = f"""
    SELECT page.*, total.listing_count
    FROM ({{count}}) total
    LEFT JOIN (
        SELECT {_LISTED_COLUMNS}, d.list_row AS stored_row
        FROM articles_publication p
        JOIN articles_article a ON a.id = p.article_id
        LEFT JOIN articles_publicationdocument d ON d.publication_id = p.id AND d.format = %s
        WHERE p.id IN (
            SELECT listed.id FROM articles_publication listed
            WHERE {{where}}
            ORDER BY {{listed_order}}
            LIMIT {{limit:d}} OFFSET %s
        )
    ) page ON 1 = 1
    ORDER BY {{order}}
"""


class PublicationListing:
    """Live publications, filtered and ordered as ``PublicationFilter`` says, counted and paged in SQL.

    It reads what ``PublicationFilter(filters).qs`` would (tests hold the two equal), without
    building ORM queries: on an uncached list page, building and compiling the count and the
    page's keys cost several times what the database took to answer them. The SQL comes from the
    filter set's own declarations (each filter's column and lookup, and ``ORDERINGS``), so a
    filter is declared once. Searches stay with the ORM (``PublicationFilter.listing``).

    A paginator counts and slices it like a queryset. Told which page will be asked for
    (``expect_page``, as ``PublicationPaginator`` does), it reads that page with the count, in
    one statement. Rows carry their stored list row in ``document_format`` when there is one.
    """

    def __init__(self, filters: Mapping[str, Any] | None = None, *, document_format: str | None = None):
        filters = filters or {}
        conditions, self._params = _filter_conditions(filters)
        ordering = PublicationFilter.ORDERINGS.get(filters.get("ordering"), DEFAULT_ORDERING)
        self._sql = functools.partial(
            _listing_page_sql, tuple(conditions), ordering, vendor=connection.vendor
        )
        self._document_format = document_format
        self._expected = (0, 0)
        self._counted_page: tuple[int, int, list[ListedPublication]] | None = None

    def expect_page(self, offset: int, limit: int) -> None:
        """Read the ``limit`` rows from ``offset`` with the count, when it is counted."""
        self._expected = (offset, limit)

    def count(self) -> int:
        offset, limit = self._expected
        count, rows = self._read_page(offset, limit)
        self._counted_page = (offset, limit, rows)
        return count

    def __getitem__(self, page: slice) -> list[ListedPublication]:
        offset = page.start or 0
        size = page.stop - offset
        if self._counted_page and self._counted_page[0] == offset and size <= self._counted_page[1]:
            return self._counted_page[2][:size]
        return self._read_page(offset, size)[1]

    def _read_page(self, offset: int, limit: int) -> tuple[int, list[ListedPublication]]:
        params = [*self._params, self._document_format, *self._params, offset]
        rows = _fetch(self._sql(limit), params)
        # The count is the last column of every row; an empty page is one row of NULLs with it.
        page = [row[:-1] for row in rows if row[0] is not None]
        return rows[0][-1], _rows_as(ListedPublication, page)


_COUNTED = "SELECT COUNT(*) AS listing_count FROM articles_publication listed WHERE {where}"
_KEPT_COUNT = (
    f"SELECT COALESCE(MAX(kept.count), 0) AS listing_count FROM {ListedPublicationCount._meta.db_table} kept"
)


@functools.lru_cache(maxsize=256)
def _listing_page_sql(
    conditions: tuple[str, ...], ordering: tuple[str, ...], limit: int, *, vendor: str
) -> str:
    """``LISTING_PAGE_SQL`` for filter ``conditions``, an ORM ``ordering``, a page size and a
    database (a few of each: the text is written once per combination, not per request)."""
    where = " AND ".join([_LIVE_CONDITION, *conditions])
    kept = vendor == "postgresql" and not conditions
    return LISTING_PAGE_SQL.format(
        count=_KEPT_COUNT if kept else _COUNTED.format(where=where),
        where=where,
        listed_order=_order_sql(ordering, "listed"),
        order=_order_sql(ordering, "page"),
        limit=limit,
    )


# The SQL operator of each lookup the filter set declares on a column.
_FILTER_OPERATORS = {"exact": "=", "gte": ">="}


def _filter_conditions(filters: Mapping[str, Any]) -> tuple[list[str], list]:
    """The SQL conditions (on ``listed``) and parameters of the column filters among ``filters``.

    Empty values are skipped, as django-filter skips them; values are adapted for the database
    by their model field, as the ORM adapts them (on SQLite, a datetime becomes naive UTC text).
    """
    conditions, params = [], []
    for name, value in filters.items():
        declared = PublicationFilter.base_filters[name]
        if name in PublicationFilter.NOT_COLUMN_FILTERS or value in EMPTY_VALUES:
            continue
        field = Publication._meta.get_field(declared.field_name)
        conditions.append(f"listed.{field.column} {_FILTER_OPERATORS[declared.lookup_expr]} %s")
        params.append(field.get_db_prep_value(value, connection))
    return conditions, params


def _order_sql(ordering: tuple[str, ...], alias: str) -> str:
    """``ORDER BY`` terms for an ORM ordering of publications (``("-title", "-pk")``)."""
    terms = []
    for name in ordering:
        field_name = name.removeprefix("-")
        field = Publication._meta.pk if field_name == "pk" else Publication._meta.get_field(field_name)
        terms.append(f"{alias}.{field.column} {'DESC' if name.startswith('-') else 'ASC'}")
    return ", ".join(terms)


_LAST_PAGE_READ_WITH_COUNT = 2**31


class PublicationPaginator(Paginator):
    """Counts and pages a ``PublicationListing`` (the page read with the count), or a searched
    ``listed_publications`` queryset (whose page it loads with ``publication_page``)."""

    def validate_number(self, number):
        # ``page`` and ``get_page`` validate a number before anything else, and validating
        # counts: tell a listing which page comes first, so that counting it reads that page
        # too. For what is not a page number (the count then decides between 404 and the first
        # page), the first page: an offset past the database's integers would be an error.
        if isinstance(self.object_list, PublicationListing):
            try:
                index = int(number)
            except (TypeError, ValueError, OverflowError):
                index = 1
            if not 1 <= index <= _LAST_PAGE_READ_WITH_COUNT:
                index = 1
            self.object_list.expect_page((index - 1) * self.per_page, self.per_page)
        return super().validate_number(number)

    def _get_page(self, object_list, number, paginator):
        if isinstance(object_list, QuerySet):
            object_list = publication_page(object_list)
        return super()._get_page(object_list, number, paginator)


def public_topics() -> list[tuple[str, str]]:
    """``(slug, name)`` of the topics that have live publications, by name (for filters)."""
    return list(
        listed_publications()
        .order_by("topic_name", "topic_slug")
        .values_list("topic_slug", "topic_name")
        .distinct()
    )


@dataclass(slots=True)
class PublicationFacts:
    """What decides a current publication's status, notices and validators on each request.

    Plain values, like ``ListedPublication``: nothing can load a column lazily.
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
    article_updated_at: datetime
    retraction_notice: str
    retracted_at: datetime | None

    @property
    def pk(self) -> int:
        return self.id


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


# What the public status, notices and validators are computed from: a list row or a page.
PublicRow = ListedPublication | PublicationFacts


def public_publication(slug: str) -> PublishedPage | None:
    """The current publication at ``slug`` with what its page needs, in one query.

    Retracted articles are included (their page answers 410 with the notice), so callers check
    ``article_status``. ``cites_retracted_source`` says whether ``retracted_cited_sources`` has
    anything to find.
    """
    return _read_one(PublishedPage, PUBLISHED_PAGE_SQL, [slug])


def published_page(pk: int) -> PublishedPage | None:
    """``public_publication`` by the publication's key (to render its stored document)."""
    return _read_one(PublishedPage, PUBLISHED_PAGE_BY_ID_SQL, [pk])


# The article page is the hottest public read and its query never changes shape, so it is written
# out once in portable SQL: building and compiling the same query with the ORM took several times
# longer than the database took to answer it. Tests hold it (and LISTED_PUBLICATIONS_SQL) to the
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
    a.status AS article_status, a.review_due_reason, a.updated_at AS article_updated_at,
    a.retraction_notice, a.retracted_at
"""
_PUBLISHED_PAGE = f"""
    SELECT {_PUBLICATION_FACTS},
           p.article_id, p.version, p.summary, p.body_html, p.audience, p.topic_name, p.topic_slug,
           p.authors, p.reviewers, p."references", p.created_at, p.last_reviewed_at
    FROM articles_publication p
    JOIN articles_article a ON a.id = p.article_id
"""
PUBLISHED_PAGE_SQL = _PUBLISHED_PAGE + "WHERE p.slug = %s AND p.superseded_at IS NULL"
PUBLISHED_PAGE_BY_ID_SQL = _PUBLISHED_PAGE + "WHERE p.id = %s"
# The detail API reads the snapshot already rendered, in the format it asks for (or none).
STORED_ARTICLE_SQL = f"""
    SELECT {_PUBLICATION_FACTS}, d.json AS document
    FROM articles_publication p
    JOIN articles_article a ON a.id = p.article_id
    LEFT JOIN articles_publicationdocument d ON d.publication_id = p.id AND d.format = %s
    WHERE p.slug = %s AND p.superseded_at IS NULL
"""


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


# Columns of the hand-written reads that the ORM would have converted on loading. The adapters
# already give dates and datetimes (SQLite's by declared type, but naive, in the database's time
# zone); JSON arrives as text, and EXISTS as 0 or 1 on SQLite. Other columns are used as they come.
_JSON_COLUMNS = frozenset({"authors", "reviewers", "references"})
_BOOLEAN_COLUMNS = frozenset({"cites_retracted_source"})
_DATETIME_COLUMNS = frozenset(
    {
        "approved_at",
        "created_at",
        "first_published_at",
        "last_modified_at",
        "last_reviewed_at",
        "article_updated_at",
        "retracted_at",
    }
)


def _read(row_class, sql: str, params: list) -> list:
    """The rows of a hand-written public read, as ``row_class`` instances loaded as the ORM would.

    The statement selects ``row_class``'s fields in their declared order
    (``tests/public/test_public_sql.py`` checks each statement against its row class): reading the
    column names of every result cost more than building its rows.
    """
    return _rows_as(row_class, _fetch(sql, params))


def _fetch(sql: str, params: list) -> list[tuple]:
    """The rows of a hand-written public read."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _load_timestamps_natively(cursor)
        cursor.execute(sql, params)
        return cursor.fetchall()


def _rows_as(row_class, rows: list[tuple]) -> list:
    conversions = _conversions(row_class, connection.vendor)
    if not conversions:
        return [row_class(*row) for row in rows]
    loaded = []
    for row in rows:
        values = list(row)
        for i, convert in conversions:
            values[i] = convert(values[i])
        loaded.append(row_class(*values))
    return loaded


def _read_one(row_class, sql: str, params: list):
    rows = _read(row_class, sql, params)
    return rows[0] if rows else None


def _load_timestamps_natively(cursor) -> None:
    # Django loads timestamptz with a Python subclass of psycopg's loader, so psycopg cannot use
    # its C loader: on a list page that was an eighth of the request. psycopg's own loader gives
    # the same moments, aware in the connection's time zone (UTC, set by Django); only this
    # cursor's reads are affected.
    from psycopg.types.datetime import TimestamptzLoader

    cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)


@functools.cache
def _conversions(row_class, vendor: str) -> list[tuple[int, Any]]:
    converters = dict.fromkeys(_JSON_COLUMNS, _json)
    if vendor != "postgresql":
        # psycopg gives booleans, and aware datetimes (``_load_timestamps_natively``).
        converters |= dict.fromkeys(_BOOLEAN_COLUMNS, bool) | dict.fromkeys(_DATETIME_COLUMNS, _aware)
    fields = dataclasses.fields(row_class)
    return [(i, converters[field.name]) for i, field in enumerate(fields) if field.name in converters]


def _aware(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=connection.timezone)


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
    stored = _read_one(StoredArticle, STORED_ARTICLE_SQL, [document_format, slug])
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


def feed_publications(limit: int = 50) -> QuerySet[Publication]:
    """The newest approvals first, for the Atom feed."""
    return (
        listed_publications()
        .only(*LIST_FIELDS, "authors", "first_published_at")
        .order_by("-approved_at", "-pk")[:limit]
    )


class PublicationFilter(django_filters.FilterSet):
    """The public list's filters and ordering, shared by the API and the HTML list."""

    ORDERINGS = {
        "-last_reviewed": DEFAULT_ORDERING,
        "last_reviewed": ("last_reviewed_at", "pk"),
        "title": ("title", "pk"),
        "-title": ("-title", "-pk"),
    }

    q = django_filters.CharFilter(
        method="filter_q",
        max_length=200,
        help_text="Words to find in the title, summary or body (full-text search on PostgreSQL).",
    )
    topic = django_filters.CharFilter(field_name="topic_slug", help_text="Topic (specialty) slug.")
    audience = django_filters.ChoiceFilter(choices=Audience.choices)
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="approved_at",
        lookup_expr="gte",
        help_text="Only articles approved (published or re-reviewed) at or after this ISO 8601 time.",
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(value, value) for value in ORDERINGS],
        method="filter_ordering",
        empty_label=None,
        help_text="Sort order: -last_reviewed (default, newest review first) or title.",
    )

    # The filters that are not a lookup on one column (``PublicationListing`` writes the others).
    NOT_COLUMN_FILTERS = frozenset({"q", "ordering"})

    class Meta:
        model = Publication
        fields = ["q", "topic", "audience", "updated_since", "ordering"]

    def listing(self, document_format: str | None = None) -> PublicationListing | QuerySet[Publication]:
        """What a list page with these filters counts and pages through; a filter that is not
        valid is left out (the API answers 400 for it first). ``document_format``: see
        ``PublicationListing``.

        A search is the filtered queryset: PostgreSQL's must be the very expression its GIN index
        covers (``search_vector``), and it costs far more in the database than the ORM's work.
        Anything else is a ``PublicationListing``.
        """
        if not self.is_bound:
            return PublicationListing(document_format=document_format)
        self.form.is_valid()  # cleaning leaves the valid filters only in cleaned_data
        filters = self.form.cleaned_data
        if filters.get("q"):
            return self.qs
        return PublicationListing(filters, document_format=document_format)

    def filter_q(self, queryset, name, value):
        return search_publications(queryset, value)

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*self.ORDERINGS[value])


# Pending content (SHOW_PENDING_CONTENT) -------------------------------------------------------


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


# The editorial board ---------------------------------------------------------------------------


def editorial_board():
    """Active board members with their specialties, by name (two queries).

    The models belong to ``reviews``, which builds on this app; they are looked up through the
    app registry so that ``articles`` never imports ``reviews``.
    """
    board_member = apps.get_model("reviews", "BoardMember")
    return list(board_member.objects.filter(active=True).prefetch_related("specialties"))


def review_policies():
    """``(site_wide, by_specialty)``: the default policy (built-in if none saved) and overrides."""
    review_policy = apps.get_model("reviews", "ReviewPolicy")
    policies = list(review_policy.objects.select_related("specialty").order_by("specialty__name"))
    site_wide = next((p for p in policies if p.specialty_id is None), None) or review_policy()
    return site_wide, [p for p in policies if p.specialty_id is not None]


# Sources ---------------------------------------------------------------------------------------


def articles_citing(source: Source) -> QuerySet[Article]:
    """Articles whose current content cites ``source`` (one indexed query on the citation rows)."""
    return Article.objects.filter(citations__source=source).order_by("title", "pk")


def publications_citing(source: Source) -> QuerySet[Publication]:
    """Live publications whose reference list includes ``source`` (one indexed query).

    A live publication cites what the board signed, which differs from the working draft while
    the article is being revised: its ``PublishedCitation`` rows say, not the article's citations.
    """
    return (
        Publication.objects.current()
        .exclude(article__status=Status.RETRACTED)
        .filter(published_citations__source=source)
        .only("pk", "slug", "title", "article_id", "approved_at")
        .order_by("title", "pk")
    )
