"""Bodies the API refuses before acting on them: JSON nested too deeply, bodies too large.

Each is a 4xx naming the problem, never a 500, and changes nothing.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from articles.models import Article
from editorial.parsers import nested_deeper_than
from tests.api import API, EDITORIAL, article_url

pytestmark = pytest.mark.django_db

TOO_DEEP = {"detail": "JSON parse error - nested deeper than 100 levels.", "code": "parse_error"}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def post_json(client: APIClient, path: str, body: str, method: str = "post"):
    return getattr(client, method)(path, body, content_type="application/json")


# JSON nested too deeply ----------------------------------------------------------------------


@pytest.mark.parametrize("depth", [101, 5_000, 50_000])
def test_the_token_endpoint_refuses_json_nested_too_deeply(depth):
    response = post_json(APIClient(), f"{API}/auth/token/", f'{{"username": {nested(depth)}}}')

    assert response.status_code == 400
    assert response.json() == TOO_DEEP


def test_json_nested_up_to_the_limit_is_read(author):
    # 99 levels inside the object: 100 in all, read and then refused by the serializer.
    response = post_json(APIClient(), f"{API}/auth/token/", f'{{"username": {nested(99)}}}')

    assert response.status_code == 400
    assert response.json()["username"] == ["Not a valid string."]


@pytest.mark.parametrize("depth", [101, 50_000])
def test_creating_an_article_refuses_json_nested_too_deeply(clients, topic, depth):
    body = f'{{"title": "Nausea", "body": "Text.", "audience": "patient", "topic": {nested(depth)}}}'

    response = post_json(clients["alice"], EDITORIAL, body)

    assert response.status_code == 400
    assert response.json() == TOO_DEEP
    assert not Article.objects.exists()


@pytest.mark.parametrize("depth", [101, 50_000])
def test_editing_an_article_refuses_json_nested_too_deeply(clients, article, depth):
    body_before = article.body

    response = post_json(clients["alice"], article_url(article.pk), f'{{"body": {nested(depth)}}}', "patch")

    assert response.status_code == 400
    assert response.json() == TOO_DEEP
    article.refresh_from_db()
    assert article.body == body_before


@pytest.mark.parametrize(
    ("value", "limit", "deeper"),
    [
        (1, 0, False),
        ([], 1, False),
        ([[]], 1, True),
        ({"a": [1, {"b": []}]}, 4, False),
        ({"a": [1, {"b": []}]}, 3, True),
        ([[], [[[]]], []], 3, True),
    ],
)
def test_nesting_is_counted_in_lists_and_objects(value, limit, deeper):
    assert nested_deeper_than(value, limit) is deeper


# Bodies too large ----------------------------------------------------------------------------


def test_a_json_body_over_djangos_limit_is_a_json_413_naming_it(clients, topic):
    body = f'{{"title": "Nausea", "body": "{"x" * (3 * 2**20)}", "audience": "patient", "topic": "oncology"}}'

    response = post_json(clients["alice"], EDITORIAL, body)

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than 2.5 MB, the most accepted outside a file upload.",
        "code": "too_large",
    }
    assert not Article.objects.exists()


def test_the_token_endpoint_answers_a_body_too_large_with_json(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = post_json(APIClient(), f"{API}/auth/token/", f'{{"username": "{"x" * 2000}"}}')

    assert response.status_code == 413
    assert response.json()["detail"] == (
        "The request body is larger than 1,000 bytes, the most accepted outside a file upload."
    )


def test_a_json_body_over_the_upload_limit_is_refused_unread(clients, settings):
    settings.MAX_UPLOAD_SIZE = 2**20

    response = post_json(clients["alice"], EDITORIAL, '{"title": "' + "x" * (2 * 2**20) + '"}')

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The upload is 2.0 MB; at most 1.0 MB are accepted.",
        "code": "too_large",
    }
