"""The API's addresses: the public articles are routed ahead of the rest, at the same addresses."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api import API, public_url, token_client

pytestmark = pytest.mark.django_db


def test_the_api_root_lists_the_public_articles_and_the_editorial_collections(editor):
    response = token_client(editor.username).get(f"{API}/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json() == {
        "articles": f"http://testserver{API}/articles/",
        "editorial/articles": f"http://testserver{API}/editorial/articles/",
        "editorial/sources": f"http://testserver{API}/editorial/sources/",
    }


def test_every_address_the_api_root_lists_answers(editor):
    signed_in = token_client(editor.username)
    listed = signed_in.get(f"{API}/", HTTP_ACCEPT="application/json").json()

    assert {name: signed_in.get(url).status_code for name, url in listed.items()} == {
        "articles": 200,
        "editorial/articles": 200,
        "editorial/sources": 200,
    }
    # The public articles need no token.
    assert APIClient().get(listed["articles"]).status_code == 200


def test_the_public_articles_keep_their_format_suffixes(approved):
    client = APIClient()

    plain = client.get(public_url(approved.slug))
    suffixed = client.get(f"{API}/articles/{approved.slug}.json")
    listed = client.get(f"{API}/articles.json")

    assert suffixed.status_code == 200
    assert suffixed.json() == plain.json()
    assert [row["slug"] for row in listed.json()["results"]] == [approved.slug]
    assert client.get(f"{API}/articles/{approved.slug}.yaml").status_code == 404


def test_the_public_articles_accept_no_writes(approved):
    client = APIClient()

    assert client.post(f"{API}/articles/", {}).status_code == 405
    assert client.delete(public_url(approved.slug)).status_code == 405
