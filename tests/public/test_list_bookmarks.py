"""Pages asked for by number deep in the public list start from the nearest bookmark
(``public.bookmarks``): the same rows as counting past every row before them, at the cost of
stepping over fewer than ``EVERY``; a change to the list is seen at once."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from public import bookmarks, listing
from tests.conftest import content_queries

LIST = "/api/v1/articles/"


@pytest.fixture(autouse=True)
def every_three(monkeypatch):
    monkeypatch.setattr(bookmarks, "EVERY", 3)


@pytest.fixture
def eight(publish, other_topic):
    titles = ["Same", "Alpha", "Same", "Zulu", "Same", "Mid", "Beta", "Same"]
    return [publish(title, on_topic=other_topic if n % 3 == 0 else None) for n, title in enumerate(titles)]


def listed_order(params: dict) -> list[str]:
    """The list's order as the ORM reads it, every row counted from the first."""
    filters = listing.PublicationFilter(params, queryset=listing.listed_publications())
    return list(filters.qs.values_list("slug", flat=True))


def by_number(client, params: dict, pages: int) -> list[str]:
    slugs = []
    for number in range(1, pages + 1):
        slugs += [row["slug"] for row in client.get(LIST, {**params, "page": number}).json()["results"]]
    return slugs


@pytest.mark.parametrize("ordering", [None, "last_reviewed", "title", "-title"])
@pytest.mark.parametrize("topic_filter", [None, "oncology"])
def test_every_page_by_number_holds_the_rows_counted_from_the_first(client, eight, ordering, topic_filter):
    params = (
        {} | ({"ordering": ordering} if ordering else {}) | ({"topic": topic_filter} if topic_filter else {})
    )
    expected = listed_order(params)

    assert len(expected) == (5 if topic_filter else 8)

    # Pages of 2 start at rows 0, 2, 4, 6: past the first bookmark (row 3) and the second (row 6).
    assert by_number(client, {**params, "page_size": 2}, pages=-(-len(expected) // 2)) == expected
    # Read again from the bookmarks now kept, in another page size.
    assert by_number(client, {**params, "page_size": 3}, pages=-(-len(expected) // 3)) == expected


def test_the_bookmarks_are_read_once_then_each_deep_page_is_one_statement(eight):
    listed = listing.PublicationListing()

    with CaptureQueriesContext(connection) as first:
        count, rows = listed.page(6, 2)
    with CaptureQueriesContext(connection) as again:
        assert listed.page(7, 1) == (count, rows[1:])

    assert count == 8 and len(rows) == 2
    reads = [query["sql"] for query in content_queries(first)]
    assert len(reads) == 2 and "bookmark_row" in reads[0]
    [page] = [query["sql"] for query in content_queries(again)]
    assert "bookmark_row" not in page
    # The page starts after a bookmark rather than counting from the first row.
    assert "(listed.last_reviewed_at, listed.id) <" in page


def test_a_publication_added_after_the_bookmarks_were_read_moves_every_page(client, eight, publish):
    assert by_number(client, {"page_size": 2}, pages=4) == listed_order({})

    newest = publish("Published after the bookmarks were read")

    slugs = by_number(client, {"page_size": 2}, pages=5)
    assert slugs == listed_order({}) and slugs[0] == newest.slug and len(slugs) == 9


def test_bookmarks_of_an_older_version_are_not_used(eight):
    listed = listing.PublicationListing()
    listed.page(6, 2)
    key = bookmarks.Bookmarks((), [], listing.DEFAULT_ORDERING).key
    version, marks = caches["local"].get(key)
    # Bookmarks kept under another version, pointing at the wrong rows, are read again.
    caches["local"].set(key, ("an older version", [marks[-1], marks[-1]]))

    count, whole = listing.PublicationListing().page(0, 8)
    assert listed.page(6, 2) == (count, whole[6:])
    assert caches["local"].get(key)[:2] == (version, marks)


def test_past_the_last_page_is_refused_as_before(client, eight):
    assert client.get(LIST, {"page_size": 2, "page": 40}).status_code == 404
    assert client.get("/articles/", {"page": 40}).status_code == 200

    # However far past the end, the page is read from the last bookmark with one small offset,
    # written in the statement: the statements stay few.
    with CaptureQueriesContext(connection) as reads:
        assert listing.PublicationListing().page(2 * 10**6, 2) == (8, [])
    [page] = [query["sql"] for query in content_queries(reads)]
    assert f"OFFSET {bookmarks.EVERY}" in page
