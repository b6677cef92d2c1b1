"""The public API's first version: current Publications only, 404 for anything else, 410 once retracted."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from reviews import workflow
from tests import factories
from tests.api import API, public_url

pytestmark = pytest.mark.django_db


def test_a_current_publication_is_served_with_its_reviewers(approved):
    response = APIClient().get(public_url(approved.slug))

    assert response.status_code == 200
    article = response.json()
    assert (article["slug"], article["title"]) == (approved.slug, approved.title)
    assert approved.body in article["body_html"]
    assert sorted((r["credentials"], bool(r["signed_at"])) for r in article["reviewers"]) == [
        ("MD", True),
        ("PharmD", True),
    ]


@pytest.mark.parametrize("state", ["article", "submitted", "under_review"])
def test_a_never_approved_article_is_not_found_exactly_like_an_unknown_slug(request, state):
    never_approved = request.getfixturevalue(state)
    client = APIClient()

    hidden = client.get(public_url(never_approved.slug))
    unknown = client.get(public_url("no-such-article"))

    assert hidden.status_code == unknown.status_code == 404
    assert hidden.content == unknown.content
    assert never_approved.title not in hidden.content.decode()


def test_the_list_holds_only_current_publications(approved, author, topic):
    draft = factories.ArticleFactory(author=author, topic=topic, title="A draft nobody reviewed yet")

    listed = APIClient().get(f"{API}/articles/").json()

    slugs = [item["slug"] for item in listed["results"]]
    assert slugs == [approved.slug]
    assert draft.slug not in slugs
    assert listed["count"] == 1


def test_a_retracted_article_answers_410_with_its_notice(approved, editor):
    notice = "Retracted: the dosing advice relied on a withdrawn trial."
    workflow.retract(actor=editor, article=approved, notice=notice)

    response = APIClient().get(public_url(approved.slug))

    assert response.status_code == 410
    body = response.json()
    assert body["notice"] == notice
    assert body["retracted_at"]
    assert approved.body not in response.content.decode()
    assert approved.slug not in [
        item["slug"] for item in APIClient().get(f"{API}/articles/").json()["results"]
    ]


def test_the_public_api_needs_no_credentials_and_ignores_bad_ones(approved):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert client.get(public_url(approved.slug)).status_code == 200
