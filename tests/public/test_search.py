"""Search: PostgreSQL full-text search on an indexed vector; LIKE on other databases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Publication, Status
from public import listing as public_listing

LIST = "/api/v1/articles/"


def found(client, q: str) -> list[str]:
    return [r["title"] for r in client.get(LIST, {"q": q, "ordering": "title"}).json()["results"]]


@pytest.mark.postgres
def test_postgres_search_is_stemmed_and_understands_web_search_syntax(client, publish):
    publish("Back spasms during chemotherapy", summary="Cramping muscles.")
    publish("Sleeping through treatment", summary="Rest and fatigue.", body="Naps help some patients.")
    publish("Nausea", summary="Feeling sick.", body="Ginger may reduce nausea and vomiting.")

    assert found(client, "spasm") == ["Back spasms during chemotherapy"]  # stemmed
    assert found(client, "nap") == ["Sleeping through treatment"]  # in the body
    assert found(client, "spasm or nausea") == ["Back spasms during chemotherapy", "Nausea"]
    assert found(client, "treatment -naps") == []
    assert found(client, '"reduce nausea"') == ["Nausea"]
    assert found(client, "the") == []  # a stop word alone matches nothing


def bulk_publications(count: int, topic) -> None:
    """``count`` live publications inserted directly (the workflow would take minutes)."""
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(title=f"Article {n}", slug=f"bulk-{n}", topic=topic, status=Status.APPROVED, content_hash="x")
        for n in range(count)
    )
    Publication.objects.bulk_create(
        Publication(
            article=article,
            version=1,
            slug=article.slug,
            title=f"Living with condition {n}",
            summary="Practical advice for everyday life.",
            body=f"Paragraph about treatment options number {n}. " * 20,
            body_html="<p>...</p>",
            audience="patient",
            topic_name=topic.name,
            topic_slug=topic.slug,
            content_hash="x",
            article_history_id=1,
            approved_at=now,
            created_at=now,
            first_published_at=now,
            last_modified_at=now,
            last_reviewed_at=now,
            next_review_due=now.date(),
        )
        for n, article in enumerate(articles)
    )


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_index(publish, topic):
    publish("Back spasms during chemotherapy")
    bulk_publications(3000, topic)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Publication._meta.db_table}")

    plan = public_listing.search_publications(public_listing.listed_publications(), "spasms").explain()

    assert "publication_search_idx" in plan, plan


@pytest.mark.postgres
def test_the_search_index_exists(db):
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Publication._meta.db_table)

    assert indexes["publication_search_idx"]["type"] == "gin"


def test_other_databases_match_each_word_case_insensitively(client, publish):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL uses full-text search")
    publish("Back SPASMS during chemotherapy")
    publish("Nausea", summary="Feeling sick.", body="Ginger may help.")

    assert found(client, "spasms") == ["Back SPASMS during chemotherapy"]
    assert found(client, "GINGER help") == ["Nausea"]
    assert found(client, "ginger spasms") == []


def test_on_sqlite_the_list_counts_and_pages_from_its_index_alone(topic):
    # Publications are wide rows (body, HTML, references); counting them row by row made an
    # uncached list page several times slower once ANALYZE had run.
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner")
    bulk_publications(300, topic)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    listing = public_listing.PublicationListing()
    with CaptureQueriesContext(connection) as queries:
        listing.page(40, 20)
    plans = []
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            plans.append(str(cursor.fetchall()))

    assert len(plans) == 1
    for plan in plans:
        assert "COVERING INDEX publication_list_idx" in plan, plan


@pytest.mark.django_db(transaction=True)
def test_the_html_lists_topics_come_from_their_index_alone(topic):
    # Listing the topics had read every live publication's wide row on each uncached page
    # (PostgreSQL, 1,000 articles: 1.7 ms, and 0.13 ms from the index).
    bulk_publications(300, topic)
    with connection.cursor() as cursor:
        # Outside a transaction, so that PostgreSQL can VACUUM: an index-only scan is priced by
        # the pages known to be all-visible, as autovacuum leaves a live database.
        cursor.execute("VACUUM ANALYZE articles_publication" if connection.vendor == "postgresql" else "ANALYZE")
    with CaptureQueriesContext(connection) as queries:
        topics = public_listing.public_topics()
    assert len(queries) == 1 and topics
    explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {queries[0]['sql']}")
        plan = str(cursor.fetchall())
    if connection.vendor == "sqlite":
        assert "COVERING INDEX publication_topics_idx" in plan, plan
    else:
        assert "Index Only Scan using publication_topics_idx" in plan, plan


@pytest.mark.postgres
def test_on_postgres_a_list_page_reads_its_keys_from_the_list_index(topic):
    # The page's keys come from the index alone; only the page's own rows are read, by key.
    bulk_publications(3000, topic)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as queries:
        public_listing.PublicationListing().page(40, 20)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {queries[0]['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Only Scan using publication_list_idx" in plan, plan
    # Then the page's rows by key (an index or a bitmap scan of the primary key).
    assert "Index Scan using articles_publication_pkey" in plan or "on articles_publication_pkey" in plan, plan
