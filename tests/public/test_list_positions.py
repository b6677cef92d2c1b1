"""Reading the public list by following its ``next`` links: each page starts after the last row of
the page before (``listing.Position``), so a client walking the whole list reads every article
once, in order, at the same cost on every page; what a client sends as ``after`` is checked."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from public.positions import Position
from reviews import workflow

LIST = "/api/v1/articles/"


def walk(client, params: dict) -> tuple[list[str], list[dict]]:
    """Every page from the first by its ``next`` links: the slugs in order, and the pages."""
    pages = [client.get(LIST, params).json()]
    while pages[-1]["next"]:
        assert len(pages) < 50, "the links go round in a circle"
        pages.append(client.get(pages[-1]["next"]).json())
    return [row["slug"] for page in pages for row in page["results"]], pages


def by_number(client, params: dict) -> list[str]:
    first = client.get(LIST, params).json()
    pages = -(-first["count"] // params["page_size"])
    slugs = [row["slug"] for row in first["results"]]
    for number in range(2, pages + 1):
        slugs += [row["slug"] for row in client.get(LIST, {**params, "page": number}).json()["results"]]
    return slugs


@pytest.fixture
def seven(publish, other_topic):
    # Three share a title, so the title ordering has ties that only the id breaks.
    titles = ["Same", "Alpha", "Same", "Zulu", "Same", "Mid", "Beta"]
    return [publish(title, on_topic=other_topic if n % 3 == 0 else None) for n, title in enumerate(titles)]


@pytest.mark.parametrize("ordering", [None, "-last_reviewed", "last_reviewed", "title", "-title"])
@pytest.mark.parametrize("topic_filter", [None, "oncology"])
def test_following_next_reads_every_article_once_in_the_lists_order(client, seven, ordering, topic_filter):
    params = (
        {"page_size": 2}
        | ({"ordering": ordering} if ordering else {})
        | ({"topic": topic_filter} if topic_filter else {})
    )

    followed, pages = walk(client, params)

    assert followed == by_number(client, params)
    assert len(set(followed)) == len(followed) == pages[0]["count"]
    for number, page in enumerate(pages, start=1):
        assert page["count"] == pages[0]["count"]
        if page["next"]:
            query = parse_qs(urlsplit(page["next"]).query)
            assert query["page"] == [str(number + 1)] and len(query["after"]) == 1
        # Back by number: the previous page's link never carries a position.
        if number > 1:
            assert "after=" not in page["previous"]
            assert (number == 2) == ("page=" not in page["previous"])


def test_a_publication_added_meanwhile_shifts_nothing_for_a_client_following_next(client, seven, publish):
    first = client.get(LIST, {"page_size": 3}).json()
    newest = publish("Published while the client reads")

    followed = [row["slug"] for row in first["results"]]
    page = first
    while page["next"]:
        page = client.get(page["next"]).json()
        followed += [row["slug"] for row in page["results"]]

    # Every article listed when the client began, once; by page number the third would repeat.
    assert followed == [article.slug for article in reversed(seven)]
    assert newest.slug not in followed
    assert (
        client.get(LIST, {"page_size": 3, "page": 2}).json()["results"][0]["slug"]
        == first["results"][2]["slug"]
    )


def test_a_page_after_a_position_is_one_statement(client, seven):
    second = client.get(LIST, {"page_size": 2}).json()["next"]
    cache.clear()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(second)

    assert response.status_code == 200
    # The page (with the count) and nothing else but the content version (public.freshness).
    assert len([q for q in queries if "articles_listedpublication" in q["sql"]]) == 1


def test_the_last_page_reached_by_position_has_no_next_link(client, seven, editor):
    *_, last = walk(client, {"page_size": 4})[1]
    assert last["next"] is None and len(last["results"]) == 3

    # A retraction after the client's last position: the page before the end now ends the list.
    slugs, pages = walk(client, {"page_size": 4})
    workflow.retract(actor=editor, article=seven[0], notice="Withdrawn.")
    assert client.get(pages[0]["next"]).json()["results"][-1]["slug"] == seven[1].slug
    assert client.get(pages[0]["next"]).json()["next"] is None


def token(*written) -> str:
    return base64.urlsafe_b64encode(json.dumps(written).encode()).decode().rstrip("=")


ORDER = "-last_reviewed_at,-pk"


@pytest.mark.parametrize(
    "after",
    [
        "not-a-position",
        "%%%",
        token("title,pk", "Alpha", 3),  # another ordering's position
        token(ORDER, "2026-01-01T00:00:00+00:00"),  # a value missing
        token(ORDER, "2026-01-01T00:00:00+00:00", 1, 2),  # one too many
        token(ORDER, "2026-01-01T00:00:00", 1),  # no time zone
        token(ORDER, "yesterday", 1),
        token(ORDER, "2026-01-01T00:00:00+00:00", 2**64),  # beyond the column's integers
        token(ORDER, "2026-01-01T00:00:00+00:00", None),
        token(ORDER, "0001-01-01T00:00:00+05:00", 1),  # before UTC's first instant
        token({"ordering": ORDER}),
        "A" * 3000,
    ],
)
def test_a_position_the_list_did_not_write_is_refused_by_name(client, seven, after):
    response = client.get(LIST, {"after": after})

    assert response.status_code == 400
    assert response.json() == {"after": [Position.INVALID]}


def test_a_title_position_with_a_nul_is_refused(client, seven):
    response = client.get(LIST, {"ordering": "title", "after": token("title,pk", "Al\x00pha", 1)})

    assert response.status_code == 400 and "after" in response.json()


def test_a_search_is_paged_by_number(client, seven):
    second = client.get(LIST, {"page_size": 2}).json()["next"]
    after = parse_qs(urlsplit(second).query)["after"][0]

    searched = client.get(LIST, {"q": "Same", "page_size": 2}).json()
    response = client.get(LIST, {"q": "Same", "after": after})

    assert "after=" not in (searched["next"] or "")
    assert response.status_code == 400 and "after" in response.json()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(after=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40))
def test_any_after_is_a_page_or_a_refusal(client, published, after):
    response = client.get(LIST, {"after": after})

    assert response.status_code in (200, 400)
