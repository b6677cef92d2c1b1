"""Every page of the editorial app renders for the role it is meant for."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import states

pytestmark = pytest.mark.django_db


def test_pages_render(
    author_client, editor_client, reviewer_clients, cited_article, author, editor, reviewers
):
    article = states.submitted(cited_article, author)
    article = states.under_review(article, editor, reviewers[:2])
    pages = [
        (author_client, reverse("editorial:dashboard")),
        (author_client, reverse("editorial:article_create")),
        (author_client, reverse("editorial:article", args=[article.pk])),
        (author_client, reverse("editorial:article_history", args=[article.pk])),
        (author_client, reverse("editorial:sources")),
        (author_client, reverse("editorial:source_create")),
        (author_client, reverse("editorial:source_import")),
        (author_client, reverse("editorial:notifications")),
        (editor_client, reverse("editorial:dashboard")),
        (editor_client, reverse("editorial:article", args=[article.pk])),
        (editor_client, reverse("editorial:assign", args=[article.pk])),
        (editor_client, reverse("editorial:board_members")),
        (editor_client, reverse("editorial:board_member_create")),
        (editor_client, reverse("editorial:policies")),
        (editor_client, reverse("editorial:policy_create")),
        (reviewer_clients[0], reverse("editorial:dashboard")),
        (reviewer_clients[0], reverse("editorial:review", args=[article.pk])),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
