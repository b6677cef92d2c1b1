"""My API tokens: a user creates named tokens (the key shown once), sees them, revokes them; a new
password through the web page ends them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.models import ApiToken
from tests.api import EDITORIAL, PASSWORD
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db

PAGE = "/editorial/tokens/"


def answers(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(EDITORIAL).status_code


def create(client, name: str) -> str:
    response = client.post(PAGE, {"name": name})
    assert response.status_code == 200
    return re.search(r'<code class="token-key">([0-9a-f]{40})</code>', response.content.decode()).group(1)


def test_the_navigation_leads_to_the_page(author_client):
    dashboard = author_client.get(reverse("editorial:dashboard")).content.decode()

    assert f'href="{PAGE}"' in dashboard
    page = author_client.get(PAGE)
    assert page.status_code == 200
    assert b"<h1>My API tokens</h1>" in page.content
    assert b"You have no working API tokens." in page.content


def test_a_new_token_s_key_is_shown_once_and_works(author_client):
    key = create(author_client, "Reference manager")

    page = author_client.get(PAGE).content.decode()
    assert key not in page
    assert "Reference manager" in page
    assert f"<code>{key[:8]}…</code>" in page
    token = ApiToken.objects.get()
    for value in (token.created_at, token.expires_at):
        assert value.strftime("%Y-%m-%d %H:%M") in page
    assert "Never" in page  # not used yet
    assert answers(key) == 200


def test_the_page_shows_when_a_token_was_last_used(author_client):
    key = create(author_client, "Script")
    answers(key)

    page = author_client.get(PAGE).content.decode()

    assert ApiToken.objects.get().last_used_at.strftime("%Y-%m-%d %H:%M") in page
    assert "Never" not in page


def test_a_token_needs_a_name(author_client):
    response = author_client.post(PAGE, {"name": ""})

    assert response.status_code == 200
    assert b"This field is required." in response.content
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_a_token_and_it_stops_working(author_client):
    key = create(author_client, "Old laptop")
    token = ApiToken.objects.get()

    response = author_client.post(reverse("editorial:api_token_revoke", args=[token.pk]), follow=True)

    assert "Token “Old laptop” revoked" in response.content.decode()
    assert "Old laptop</td>" not in response.content.decode()
    assert answers(key) == 401


def test_another_user_can_neither_see_nor_revoke_my_tokens(author_client, coauthor):
    key = create(author_client, "Mine")
    token = ApiToken.objects.get()
    other = client_for(coauthor)

    assert "Mine" not in other.get(PAGE).content.decode()
    assert other.post(reverse("editorial:api_token_revoke", args=[token.pk])).status_code == 404
    assert answers(key) == 200


def test_revoking_is_a_post(author_client):
    create(author_client, "Mine")

    response = author_client.get(reverse("editorial:api_token_revoke", args=[ApiToken.objects.get().pk]))

    assert response.status_code == 405
    assert ApiToken.objects.live().count() == 1


def test_a_password_changed_on_the_web_page_ends_every_token(author_client):
    key = create(author_client, "Script")

    response = author_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a-new-pass-456", "new_password2": "a-new-pass-456"},
    )

    assert response.status_code == 302
    assert answers(key) == 401
    assert author_client.get(PAGE).status_code == 200  # the session that changed it stays


def test_the_page_needs_a_login(client):
    assert client.get(PAGE).status_code == 302
