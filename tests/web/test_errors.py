"""Refusals are readable pages with a way back, never a stack trace."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_403_names_the_reason(author_client):
    response = author_client.get(reverse("editorial:board_members"))

    assert response.status_code == 403
    content = response.content.decode()
    assert "You may not do that" in content
    assert "Only editors run the advisory board." in content
    assert reverse("editorial:dashboard") in content


def test_404_is_a_page(author_client):
    response = author_client.get(reverse("editorial:article", args=[999999]))

    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_an_unknown_api_address_is_a_json_404(client):
    for path in ("/api/v1/articles/not%20a%20slug/", "/api/v1/nothing-here/"):
        response = client.get(path)

        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert b"Page not found" in client.get("/nothing-here/").content


def test_409_explains_and_links_back(editor_client, article):
    response = editor_client.post(reverse("editorial:start_review", args=[article.pk]))

    assert response.status_code == 409
    content = response.content.decode()
    assert "This cannot be done right now" in content
    assert "Cannot start review: the article is Draft." in content
    assert f'href="{reverse("editorial:article", args=[article.pk])}"' in content


def test_state_changes_refuse_get(editor_client, article):
    assert editor_client.get(reverse("editorial:start_review", args=[article.pk])).status_code == 405


def test_a_constraint_lost_to_a_concurrent_request_is_a_409_without_database_text(rf, author):
    from django.db import IntegrityError

    from reviews.views._common import refusals_as_409

    @refusals_as_409()
    def view(request, pk):
        raise IntegrityError('duplicate key value violates unique constraint "assignment_one_per_reviewer"')

    request = rf.post("/")
    request.user = author
    response = view(request, pk=7)

    assert response.status_code == 409
    content = response.content.decode()
    assert "Someone else changed this at the same moment" in content
    assert "assignment_one_per_reviewer" not in content
    assert reverse("editorial:article", args=[7]) in content
