"""The public list of articles: listed publications, filtered, ordered, counted and paged.

What is listed is defined once, by the database view behind ``ListedPublication`` (current
publications of articles that are not retracted). The API's list, the HTML list, the feed and
the topics read it through this module, so they cannot disagree. A list page is one statement
(``PublicationListing``: its rows and the list's count); a search is two (the page's keys with
the count of all matches, then the rows).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import django_filters
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import Count, Q, QuerySet, Window
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import IsoDateTimeField

from articles.models import Audience, ListedPublication, ListedPublicationCount, ListedTopicCount
from public import bookmarks
from public.positions import KeysetPage, Position, after_sql, order_sql
from public.sql import fetch, read, rows_as

# The text search configuration of PostgreSQL full-text search. The GIN index of migration
# 0002_public_indexes is built on exactly ``search_vector()``; change both together.
SEARCH_CONFIG = "english"

DEFAULT_ORDERING = ("-last_reviewed_at", "-pk")

LISTED = ListedPublication._meta.db_table


@dataclass(slots=True)
class ListRow:
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


def listed_publications() -> QuerySet[ListedPublication]:
    """Listed publications, newest review first: filter, order, count and slice this, then
    ``list_rows`` loads the rows of one page."""
    return ListedPublication.objects.order_by(*DEFAULT_ORDERING)


def search_vector():
    """Weighted title (A), summary (B) and body (C): the expression the GIN index covers."""
    from django.contrib.postgres.search import SearchVector

    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


def search_publications(publications: QuerySet[ListedPublication], q: str) -> QuerySet[ListedPublication]:
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


def list_rows(page: QuerySet[ListedPublication] | list[int]) -> list[ListRow]:
    """The rows of ``page`` (a filtered, ordered slice of ``listed_publications``, or its keys in
    order) with their articles' facts (``LIST_ROWS_SQL``).

    The slice's keys come first, so the rows an OFFSET skips cost an index entry each, whatever
    the filters.
    """
    ids = page if isinstance(page, list) else list(page.values_list("pk", flat=True))
    if not ids:
        return []
    sql = LIST_ROWS_SQL.format(ids=", ".join(["%s"] * len(ids)))
    rows = {row.id: row for row in read(ListRow, sql, ids)}
    return [rows[pk] for pk in ids if pk in rows]


# A list row: the publication's list columns and its article's facts.
_ROW_COLUMNS = ", ".join(
    [
        *(f"p.{field}" for field in LIST_FIELDS),
        "a.status AS article_status",
        "a.review_due_reason",
        "a.updated_at AS article_updated_at",
    ]
)

LIST_ROWS_SQL = f"""
    SELECT {_ROW_COLUMNS}
    FROM articles_publication p
    JOIN articles_article a ON a.id = p.article_id
    WHERE p.id IN ({{ids}})
"""

# One page of a listing and the listing's count, in one statement. The page's keys come from the
# list index (the rows an OFFSET skips cost an index entry each), then those rows with their
# articles' facts and their stored list rows in the format asked for, in the same order. The
# count is joined to them, so it arrives even when the page is empty (its row is then all NULL).
# Without filters, PostgreSQL reads the count its triggers keep (``ListedPublicationCount``). The
# page size and the offset are written in the statement rather than bound, so that PostgreSQL
# keeps one plan for each prepared statement: with the offset bound, its generic plan looked
# dearer than a custom one at 100,000 articles and every execution was planned again
# (bench/README.md). There are few of each: past ``bookmarks.EVERY`` rows a page starts from a
# bookmark, so an offset is under that.
LISTING_PAGE_SQL = f"""
    SELECT page.*, total.listing_count
    FROM ({{count}}) total
    LEFT JOIN (
        SELECT {_ROW_COLUMNS}, d.list_row AS stored_row
        FROM articles_publication p
        JOIN articles_article a ON a.id = p.article_id
        LEFT JOIN articles_publicationdocument d ON d.publication_id = p.id AND d.format = %s
        WHERE p.id IN (
            SELECT listed.id FROM {LISTED} listed
            WHERE {{where}}
            ORDER BY {{listed_order}}
            LIMIT {{limit:d}} OFFSET {{offset:d}}
        )
    ) page ON 1 = 1
    ORDER BY {{order}}
"""
_COUNTED = f"SELECT COUNT(*) AS listing_count FROM {LISTED} listed WHERE {{where}}"
_KEPT_COUNT = (
    f"SELECT COALESCE(MAX(kept.count), 0) AS listing_count FROM {ListedPublicationCount._meta.db_table} kept"
)
# A topic's list on PostgreSQL reads its topic's kept count (``ListedTopicCount``).
_TOPIC_CONDITION = "listed.topic_slug = %s"
_KEPT_TOPIC_COUNT = (
    f"SELECT COALESCE(MAX(kept.count), 0) AS listing_count FROM {ListedTopicCount._meta.db_table} kept "
    "WHERE kept.topic_slug = %s"
)


class PublicationListing:
    """Listed publications, filtered and ordered as ``PublicationFilter`` says, read a page at a time
    with their count, in one statement (``page``).

    It reads what ``PublicationFilter(filters).qs`` would (tests hold the two equal), in SQL
    written from the filter set's own declarations (each filter's column and lookup, and
    ``ORDERINGS``), so a filter is declared once; building and compiling the ORM's count and page
    cost more than the database took to answer them. Searches stay with the ORM
    (``PublicationFilter.listing``). Rows carry their stored list row in ``document_format`` when
    there is one.
    """

    def __init__(
        self,
        filters: Mapping[str, Any] | None = None,
        *,
        document_format: str | None = None,
        after: str | None = None,
    ):
        filters = filters or {}
        conditions, self._params = _filter_conditions(filters)
        self._conditions = tuple(conditions)
        self.ordering = PublicationFilter.ORDERINGS.get(filters.get("ordering"), DEFAULT_ORDERING)
        # The rows after a position (a keyset): a page read at any depth costs as much as the first.
        self.after = Position.parse(after, self.ordering) if after else None
        self._document_format = document_format

    def count(self) -> int:
        """How many publications the listing holds (a paginator counts with this)."""
        return self.page(0, 1)[0]

    def page(self, offset: int, limit: int) -> tuple[int, list[ListRow]]:
        """The listing's count and its ``limit`` rows from ``offset``, or after its position
        (``offset`` is then ignored). A deep offset starts from the nearest bookmark before it."""
        start, skip = (self.after, 0) if self.after else (None, offset)
        if start is None and offset >= bookmarks.EVERY:
            marks = bookmarks.Bookmarks(self._conditions, self._params, self.ordering)
            start, skip = marks.before(offset)
        keyset = start.database_values() if start else []
        sql = _listing_page_sql(
            self._conditions, self.ordering, limit, skip, vendor=connection.vendor, keyset=start is not None
        )
        rows = fetch(sql, [*self._params, self._document_format, *self._params, *keyset])
        # The count is the last column of every row; an empty page is one row of NULLs with it.
        page = [row[:-1] for row in rows if row[0] is not None]
        return rows[0][-1], rows_as(ListRow, page)


@functools.lru_cache(maxsize=1024)
def _listing_page_sql(
    conditions: tuple[str, ...],
    ordering: tuple[str, ...],
    limit: int,
    offset: int = 0,
    *,
    vendor: str,
    keyset: bool = False,
) -> str:
    """``LISTING_PAGE_SQL`` for filter ``conditions``, an ORM ``ordering``, a page size, an
    offset, a database, and whether the page starts after a position (a few of each: the text is
    written once per combination, not per request)."""
    where = " AND ".join(conditions) or "1 = 1"
    page_where = f"{where} AND {after_sql(ordering)}" if keyset else where
    if vendor == "postgresql" and not conditions:
        count = _KEPT_COUNT
    elif vendor == "postgresql" and conditions == (_TOPIC_CONDITION,):
        count = _KEPT_TOPIC_COUNT
    else:
        count = _COUNTED.format(where=where)
    return LISTING_PAGE_SQL.format(
        count=count,
        where=page_where,
        listed_order=order_sql(ordering, "listed"),
        order=order_sql(ordering, "page"),
        limit=limit,
        offset=offset,
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
        field = ListedPublication._meta.get_field(declared.field_name)
        conditions.append(f"listed.{field.column} {_FILTER_OPERATORS[declared.lookup_expr]} %s")
        params.append(field.get_db_prep_value(value, connection))
    return conditions, params


# Beyond this page number an offset would overflow the database's integers: such a request reads
# the first page, for its count, and is then refused as past the last page.
_LAST_PAGE_READ = 2**31


class PublicationPaginator(Paginator):
    """Pages a ``PublicationListing`` with one statement per page (its rows and the count), or a
    searched ``listed_publications`` queryset with two (its keys and the count, then its rows)."""

    def page(self, number) -> Page:
        index = self._page_number(number)
        offset = (index - 1) * self.per_page if index <= _LAST_PAGE_READ else 0
        if not isinstance(self.object_list, PublicationListing):
            return self._searched_page(index, offset)
        if self.object_list.after is not None:
            # One row more than the page tells whether another follows it.
            self.count, rows = self.object_list.page(0, self.per_page + 1)
            if not rows and index > 1:
                raise EmptyPage(self.error_messages["no_results"])
            return KeysetPage(rows[: self.per_page], index, self, more=len(rows) > self.per_page)
        # The page's statement brings the count, so validating the number costs no query.
        self.count, rows = self.object_list.page(offset, self.per_page)
        return Page(rows, self.validate_number(index), self)

    def _searched_page(self, index: int, offset: int) -> Page:
        """A page of a searched queryset: its keys with the count of all matches, in one pass over
        them (the count rides on each key), then its rows (``list_rows``). Only a page past the
        last match counts apart."""
        counted = self.object_list.annotate(listing_count=Window(Count("pk")))
        keys = list(counted.values_list("pk", "listing_count")[offset : offset + self.per_page])
        self.count = keys[0][1] if keys else self.object_list.count()
        number = self.validate_number(index)
        return Page(list_rows([pk for pk, _count in keys]), number, self)

    def get_page(self, number) -> Page:
        """The page ``number``: the first for what is not a number and the last for what is out of
        range, as Django answers, with the page read before its number is checked."""
        if not isinstance(self.object_list, PublicationListing):
            return super().get_page(number)
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def _page_number(self, number) -> int:
        """``number`` as a page number, refused as ``validate_number`` refuses it before counting."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            index = int(number)
        except (TypeError, ValueError, OverflowError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if index < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return index


def public_topics() -> list[tuple[str, str]]:
    """``(slug, name)`` of the topics that have listed publications, by name (for filters)."""
    return list(
        ListedPublication.objects.order_by("topic_name", "topic_slug")
        .values_list("topic_slug", "topic_name")
        .distinct()
    )


def feed_publications(limit: int = 50) -> QuerySet[ListedPublication]:
    """The newest approvals first, for the Atom feed."""
    return ListedPublication.objects.only(*LIST_FIELDS, "authors", "first_published_at").order_by(
        "-approved_at", "-pk"
    )[:limit]


class MomentField(IsoDateTimeField):
    """An ISO 8601 moment, as a moment the database can compare with.

    A valid moment may lie beyond what UTC can hold (year 1 at +00:29 is before its first
    instant): such a moment is the first or the last one UTC holds, so "updated since" it lists
    everything or nothing, as the schema's ``date-time`` promises an answer for it.
    """

    def to_python(self, value):
        moment = super().to_python(value)
        try:
            if moment is not None:
                moment.astimezone(UTC)
        except OverflowError:
            return (datetime.min if moment.year == 1 else datetime.max).replace(tzinfo=UTC)
        return moment


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = MomentField


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
    updated_since = MomentFilter(
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
        model = ListedPublication
        fields = ["q", "topic", "audience", "updated_since", "ordering"]

    def listing(
        self, document_format: str | None = None, *, after: str | None = None
    ) -> PublicationListing | QuerySet[ListedPublication]:
        """What a list page with these filters counts and pages through; a filter that is not
        valid is left out (the API answers 400 for it first). ``document_format`` and ``after``:
        see ``PublicationListing`` (a search pages by number and ignores ``after``).

        A search is the filtered queryset: PostgreSQL's must be the very expression its GIN index
        covers (``search_vector``), and it costs far more in the database than the ORM's work.
        Anything else is a ``PublicationListing``.
        """
        if not self.is_bound:
            return PublicationListing(document_format=document_format, after=after)
        self.form.is_valid()  # cleaning leaves the valid filters only in cleaned_data
        filters = self.form.cleaned_data
        if filters.get("q"):
            return self.qs
        return PublicationListing(filters, document_format=document_format, after=after)

    def filter_q(self, queryset, name, value):
        return search_publications(queryset, value)

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*self.ORDERINGS[value])
