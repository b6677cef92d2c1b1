"""The public reads' hand-written queries read exactly what the ORM reads.

``publications.PUBLISHED_PAGE_SQL`` (an article page), ``PublicationListing`` (a list page: its
count and its rows, for any filters and ordering but a search) and ``LIST_ROWS_SQL``
(the rows of a searched list page) replace ORM queries on the hottest public reads. These tests
define those ORM queries here, as the reference, and compare the two on every kind of page: live,
corrected, flagged for review, citing a retracted source, retracted, superseded and unknown, and
on lists over any combination of filters, orderings and pages.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict
from dataclasses import fields as dataclass_fields
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.db.models import Exists, F, OuterRef, Subquery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import services
from articles.models import (
    Article,
    ListedPublication,
    Publication,
    PublicationDocument,
    PublishedCitation,
    Source,
    Status,
)
from public import documents, publications
from public import listing as public_listing
from public.documents import store_documents
from reviews import workflow
from tests import factories, states


def published_pages_by_orm():
    retracted_citations = PublishedCitation.objects.filter(
        publication=OuterRef("pk"), source__retracted_on__isnull=False
    )
    counterpart = ListedPublication.objects.filter(article_id=OuterRef("article__audience_counterpart_id"))
    return (
        Publication.objects.current()
        .annotate(
            cites_retracted_source=Exists(retracted_citations),
            article_status=F("article__status"),
            review_due_reason=F("article__review_due_reason"),
            review_due_since=F("article__review_due_since"),
            article_updated_at=F("article__updated_at"),
            retraction_notice=F("article__retraction_notice"),
            retracted_at=F("article__retracted_at"),
            cache_keys=F("document__cache_keys"),
            counterpart_slug=Subquery(counterpart.values("slug")[:1]),
            counterpart_audience=Subquery(counterpart.values("audience")[:1]),
            own_audience=F("audience"),
        )
        .values(*(field.name for field in dataclass_fields(publications.PublishedPage)))
    )


def read_both_ways(slug: str):
    by_orm = published_pages_by_orm().filter(slug=slug).first()
    by_sql = publications.public_publication(slug)
    return by_orm, (asdict(by_sql) if by_sql else None)


def test_a_live_page_reads_the_same_by_sql_as_by_the_orm(published):
    by_orm, by_sql = read_both_ways(published.slug)

    assert by_sql == by_orm
    assert by_sql["cites_retracted_source"] is False
    assert [ref["number"] for ref in by_sql["references"]] == [1, 2, 3]
    assert timezone.is_aware(by_sql["approved_at"]) and timezone.is_aware(by_sql["article_updated_at"])
    assert by_sql["retracted_at"] is None


def test_flags_retractions_and_new_versions_read_the_same_both_ways(publish, author, editor, reviewers):
    cites_retracted = publish("Cites a retracted trial", references=2)
    source = cites_retracted.citations.order_by("number").first().source
    Source.objects.filter(pk=source.pk).update(retracted_on=timezone.localdate())

    flagged = publish("Flagged for review", references=1)
    workflow.flag_for_rereview(actor=editor, article=flagged, reason="New guideline published.")

    retracted = publish("Retracted article", references=1)
    workflow.retract(actor=editor, article=retracted, notice="Dosage error.")

    revised = workflow.revise(actor=author, article=publish("Revised article", references=1))
    revised = services.article_update_content(
        actor=author, article=revised, changes={"summary": "Corrected after review."}
    )
    states.submitted(revised, author)
    # The reviewers who approved are invited again, enough for the policy: the round starts.
    states.approved(revised, reviewers[:2])

    for article in (cites_retracted, flagged, retracted, revised):
        by_orm, by_sql = read_both_ways(article.slug)
        assert by_sql == by_orm, article.title

    assert read_both_ways(cites_retracted.slug)[1]["cites_retracted_source"] is True
    assert read_both_ways(flagged.slug)[1]["review_due_reason"] == "New guideline published."
    retracted_page = read_both_ways(retracted.slug)[1]
    assert retracted_page["retraction_notice"] == "Dosage error."
    assert timezone.is_aware(retracted_page["retracted_at"])
    # Only the current version of a re-published article is read.
    assert read_both_ways(revised.slug)[1]["version"] == 2


def test_an_unknown_slug_reads_nothing_both_ways(db):
    assert read_both_ways("never-published") == (None, None)


def listed_by_orm(publications):
    facts = {
        "article_status": F("article__status"),
        "review_due_reason": F("article__review_due_reason"),
        "article_updated_at": F("article__updated_at"),
    }
    return [
        {**row, "stored_row": None, "public_status": ""}
        for row in publications.annotate(**facts).values(*public_listing.LIST_FIELDS, *facts)
    ]


@pytest.mark.parametrize("ordering", ["-last_reviewed", "title", "-title"])
def test_list_pages_read_the_same_rows_in_the_same_order_both_ways(publish, editor, ordering):
    for n in range(7):
        publish(f"Article {n}", audience="professional" if n % 2 else "patient")
    flagged = publish("Flagged article")
    workflow.flag_for_rereview(actor=editor, article=flagged, reason="New guideline published.")

    listed = public_listing.PublicationFilter({"ordering": ordering}, public_listing.listed_publications()).qs
    professionals = public_listing.PublicationFilter({"audience": "professional"}, public_listing.listed_publications()).qs
    for page in (listed[0:3], listed[3:6], listed[6:9], professionals[0:10]):
        by_sql = [asdict(row) for row in public_listing.list_rows(page)]
        assert by_sql == listed_by_orm(page)
        assert all(timezone.is_aware(row["article_updated_at"]) for row in by_sql)

    assert [row.title for row in public_listing.list_rows(listed[20:30])] == []


START = timezone.make_aware(timezone.datetime(2026, 3, 1, 9, 30))


def moment(n: int):
    """Few distinct moments, some with microseconds, so that orderings have ties to break."""
    return START + timedelta(days=n % 4, microseconds=250_000 * (n % 3))


@pytest.fixture
def varied_publications(db):
    """Live, retracted and superseded publications with tied titles and review dates.

    Inserted directly, so that the test can choose every column the list filters and orders by.
    """
    topics = [factories.SpecialtyFactory(name=name, slug=name.lower()) for name in ("Oncology", "Cardiology")]
    articles = []
    for n in range(18):
        retracted = n in (4, 11)
        articles.append(
            Article.objects.create(
                title=f"Article {n}",
                slug=f"article-{n}",
                topic=topics[n % 2],
                status=Status.RETRACTED if retracted else Status.APPROVED,
                retracted_at=START if retracted else None,
                content_hash="x",
            )
        )
    rows = []
    for n, article in enumerate(articles):
        versions = (1, 2) if n in (2, 7) else (1,)  # an earlier version stays, superseded
        for version in versions:
            rows.append(
                Publication(
                    article=article,
                    version=version,
                    slug=article.slug,
                    title=f"Guide {n % 5}",
                    summary="Advice.",
                    body="Text.",
                    body_html="<p>Text.</p>",
                    audience="professional" if n % 3 == 0 else "patient",
                    topic_name=article.topic.name,
                    topic_slug=article.topic.slug,
                    content_hash="x",
                    article_history_id=1,
                    approved_at=moment(n + version),
                    created_at=START,
                    first_published_at=START,
                    last_modified_at=START,
                    last_reviewed_at=moment(n * 7),
                    next_review_due=START.date(),
                    superseded_at=START if version < len(versions) else None,
                )
            )
    Publication.objects.bulk_create(rows)


# A filter as a client would send it: the approval moments of the rows themselves (the boundary of
# "at or after"), also written in another time zone, and dates.
since = st.one_of(
    st.just(""),
    st.integers(0, 5).map(lambda n: moment(n).isoformat()),
    st.integers(0, 5).map(lambda n: moment(n).astimezone(ZoneInfo("America/New_York")).isoformat()),
    st.integers(0, 5).map(lambda n: (START + timedelta(days=n)).date().isoformat()),
)
list_filters = st.fixed_dictionaries(
    {
        "topic": st.sampled_from(["", "oncology", "cardiology", "unknown"]),
        "audience": st.sampled_from(["", "patient", "professional"]),
        "updated_since": since,
        "ordering": st.sampled_from(["", *public_listing.PublicationFilter.ORDERINGS]),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters=list_filters, start=st.integers(0, 20), size=st.integers(1, 25))
def test_a_listing_counts_and_pages_as_the_orm_filters(varied_publications, filters, start, size):
    filterset = public_listing.PublicationFilter(filters, public_listing.listed_publications())
    by_orm = filterset.qs
    listing = filterset.listing()

    assert isinstance(listing, public_listing.PublicationListing)
    count, rows = listing.page(start, size)
    assert count == by_orm.count()
    assert [asdict(row) for row in rows] == listed_by_orm(by_orm[start : start + size])


def test_the_varied_publications_have_what_the_listing_test_needs(varied_publications):
    # Guards the fixture above: ties to break, and rows that no list may show.
    listed = public_listing.listed_publications()
    assert listed.count() == 16  # 18 articles, 2 retracted; superseded versions not listed
    assert listed.values("title").distinct().count() < 16
    assert listed.values("last_reviewed_at").distinct().count() < 16
    assert Publication.objects.filter(superseded_at__isnull=False).count() == 2


def test_a_listing_ignores_invalid_filters_as_the_filter_set_does(varied_publications):
    filterset = public_listing.PublicationFilter(
        {"audience": "everyone", "topic": "oncology", "updated_since": "last tuesday"},
        public_listing.listed_publications(),
    )
    count, rows = filterset.listing().page(0, 20)

    assert count == filterset.qs.count() == 8
    assert {row.topic_slug for row in rows} == {"oncology"}


@pytest.mark.parametrize(
    "row_class,sql,params,extra",
    [
        (publications.PublishedPage, publications.PUBLISHED_PAGE_SQL, ["a-slug"], ()),
        (publications.PublishedPage, publications.PUBLISHED_PAGE_BY_ID_SQL, [1], ()),
        (publications.StoredArticle, publications.STORED_ARTICLE_SQL, ["format", "a-slug"], ()),
        (public_listing.ListRow, public_listing.LIST_ROWS_SQL.format(ids="%s"), [1], ()),
        (
            public_listing.ListRow,
            public_listing._listing_page_sql((), public_listing.DEFAULT_ORDERING, 5, vendor=connection.vendor),
            [None],
            ("listing_count",),
        ),
    ],
)
def test_each_public_statement_selects_its_row_class_fields_in_order(db, row_class, sql, params, extra):
    # The rows are built positionally, without reading the column names of each result.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = tuple(column[0] for column in cursor.description)

    fields = tuple(field.name for field in dataclass_fields(row_class))
    selected = columns[: len(columns) - len(extra)]
    assert selected == fields[: len(selected)]
    assert columns[len(selected) :] == extra
    # What a row class adds after the statement's columns has a default (a ListRow's stored row
    # and status).
    assert all(f.default is not MISSING for f in dataclass_fields(row_class)[len(selected) :])


def test_a_listing_page_is_one_query_and_past_the_end_is_empty(varied_publications):
    listing = public_listing.PublicationListing({"ordering": "title"})

    with CaptureQueriesContext(connection) as page:
        count, rows = listing.page(10, 20)
    assert len(page) == 1
    assert count == 16
    assert [row.title for row in rows] == sorted(row.title for row in rows)
    assert listing.page(40, 20) == (16, [])


def test_the_paginator_reads_each_page_of_a_listing_with_its_count(varied_publications):
    titles = [row.title for row in public_listing.PublicationListing({"ordering": "title"}).page(0, 20)[1]]
    paginator = public_listing.PublicationPaginator(public_listing.PublicationListing({"ordering": "title"}), 5)

    with CaptureQueriesContext(connection) as reads:
        page = paginator.page(3)
        assert (paginator.count, paginator.num_pages) == (16, 4)
    assert len(reads) == 1
    assert [row.title for row in page] == titles[10:15]
    assert [row.title for row in paginator.page(4)] == titles[15:]  # a shorter last page
    with pytest.raises(EmptyPage):
        paginator.page(5)
    with pytest.raises(EmptyPage):
        paginator.page(2**40)  # read from the start, for its count, then refused
    with pytest.raises(PageNotAnInteger):
        paginator.page("third")
    assert paginator.get_page("third").number == 1
    assert paginator.get_page(99).number == 4


def test_the_paginator_loads_the_rows_of_a_searched_page(varied_publications):
    searched = public_listing.PublicationFilter({"q": "Guide"}, public_listing.listed_publications()).qs
    paginator = public_listing.PublicationPaginator(searched, 5)

    with CaptureQueriesContext(connection) as reads:
        page = paginator.page(1)

    assert len(reads) == 2  # the page's keys with the count of every match, then its rows
    assert all(isinstance(row, public_listing.ListRow) for row in page)
    assert [asdict(row) for row in page] == listed_by_orm(searched[0:5])
    assert paginator.count == searched.count() > 5
    assert [asdict(row) for row in paginator.page(2)] == listed_by_orm(searched[5:10])
    with pytest.raises(EmptyPage):
        paginator.page(paginator.num_pages + 1)  # past the last match: counted apart, then refused


def test_a_listing_past_the_end_still_counts(varied_publications):
    assert public_listing.PublicationListing().page(100, 20) == (16, [])


def test_a_listing_rows_carry_their_stored_list_row_in_the_format_asked(varied_publications):
    store_documents(Publication.objects.current())
    document_format = documents.document_format()

    _count, rows = public_listing.PublicationListing(document_format=document_format).page(0, 20)
    _count, other = public_listing.PublicationListing(document_format="another format").page(0, 20)

    stored = dict(PublicationDocument.objects.values_list("publication_id", "list_row"))
    assert rows and all(row.stored_row == stored[row.id] for row in rows)
    assert all(row.stored_row is None for row in other)


@pytest.mark.postgres
def test_postgres_checks_an_article_against_the_retracted_sources_only(published):
    # The retracted-source check must use the partial index, not scan the whole library.
    Source.objects.bulk_create(
        Source(key=f"library{n}", title=f"Study {n}", doi=f"10.1000/library.{n}") for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(f"EXPLAIN {publications.PUBLISHED_PAGE_SQL}", [published.slug])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "source_retracted_idx" in plan, plan
