"""The public API's reads cost a fixed number of queries, whatever the page's size or filters."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from reviews import workflow

LIST = "/api/v1/articles/"


def detail(slug: str) -> str:
    return f"/api/v1/articles/{slug}/"


@pytest.mark.parametrize("articles", [1, 20])
def test_a_list_page_costs_one_query_whatever_its_size(client, publish, articles, django_assert_num_queries):
    for n in range(articles):
        publish(f"Article {n}")

    with django_assert_num_queries(1):  # the page, with the count
        response = client.get(LIST, {"page_size": 20})

    assert len(response.json()["results"]) == articles


def test_a_page_past_the_end_is_404_in_one_query(client, publish, django_assert_num_queries):
    publish("Only article")

    with django_assert_num_queries(1):
        response = client.get(LIST, {"page": 2})

    assert response.status_code == 404
    assert response.json()["detail"] == "Invalid page."


@pytest.mark.parametrize("page", ["0", "-1", "two", str(2**31), str(10**30)])
def test_what_is_not_a_page_number_is_404_not_an_error(client, published, page):
    response = client.get(LIST, {"page": page})

    assert response.status_code == 404
    assert response.json()["detail"] == "Invalid page."


def test_filters_and_orderings_cost_no_query_more(client, publish, django_assert_num_queries):
    for n in range(3):
        publish(f"Article {n}")
    filters = {"topic": "oncology", "audience": "patient", "updated_since": "2020-01-01T00:00:00Z"}

    with django_assert_num_queries(1):
        response = client.get(LIST, {**filters, "ordering": "title", "page": 2, "page_size": 2})

    assert [r["title"] for r in response.json()["results"]] == ["Article 2"]


@pytest.mark.parametrize("references", [1, 10])
def test_a_detail_costs_one_query_whatever_its_references(
    client, publish, references, django_assert_num_queries
):
    article = publish(references=references)

    with django_assert_num_queries(1):  # the publication, and whether it cites a retracted source
        response = client.get(detail(article.slug))

    assert len(response.json()["references"]) == references


@pytest.mark.parametrize("references,retracted", [(1, 1), (10, 1), (10, 4)])
def test_a_detail_citing_retracted_sources_costs_two_queries(
    client, publish, references, retracted, django_assert_num_queries
):
    article = publish(references=references)
    for citation in article.citations.order_by("number")[:retracted]:
        citation.source.retracted_on = timezone.localdate()
        citation.source.save()

    with django_assert_num_queries(2):  # the publication, then its retracted sources
        response = client.get(detail(article.slug))

    assert sum(ref["retracted"] for ref in response.json()["references"]) == retracted
    assert len(response.json()["notices"]) >= retracted


@pytest.mark.postgres
def test_postgresql_plans_a_repeated_public_read_once_per_connection(client, published):
    for _ in range(8):
        cache.clear()
        assert client.get(detail(published.slug)).status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("p.slug = $" in statement for statement in prepared), prepared


def test_a_search_costs_two_queries(client, publish, django_assert_num_queries):
    publish("Nausea")

    with django_assert_num_queries(2):  # the page's keys with the count of all matches, its rows
        client.get(LIST, {"q": "nausea", "topic": "oncology"})


def test_404_and_410_cost_one_query(client, published, editor, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get(detail("unknown")).status_code == 404
    workflow.retract(actor=editor, article=published, notice="Withdrawn.")
    with django_assert_num_queries(1):
        assert client.get(detail(published.slug)).status_code == 410
