"""Logging in and out, and landing on the dashboard that fits the user's roles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories, states

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("editorial:dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/editorial/"


def test_logging_in_lands_on_the_dashboard(client, author):
    page = client.get(reverse("login"))
    assert b'<label for="id_username">Username</label>' in page.content

    response = client.post(reverse("login"), {"username": "alice", "password": "pass-word-123"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("editorial:dashboard")
    assert b"My articles" in response.content


def test_someone_already_signed_in_skips_the_login_form(author_client):
    response = author_client.get(reverse("login"))

    assert response.status_code == 302
    assert response["Location"] == reverse("editorial:dashboard")


def test_a_wrong_password_is_refused_on_the_form(client, author):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})

    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_logging_out_is_a_post_and_returns_to_the_login_page(author_client):
    response = author_client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert author_client.get(reverse("editorial:dashboard")).status_code == 302


def test_each_role_sees_its_own_section(author_client, editor_client, reviewer_clients, submitted):
    def sections(client):
        content = client.get(reverse("editorial:dashboard")).content.decode()
        return {name for name in ("My articles", "Assigned to me", "Editor queue") if name in content}

    assert sections(author_client) == {"My articles"}
    # Editors also hold the author role (they may draft).
    assert sections(editor_client) == {"Editor queue", "My articles"}
    assert sections(reviewer_clients[0]) == {"Assigned to me"}


def test_a_user_with_several_roles_sees_every_section(client, topic, submitted, editor):
    person = factories.EditorFactory(username="multi")
    factories.BoardMemberFactory(user=person, specialties=[topic])
    client.force_login(person)

    content = client.get(reverse("editorial:dashboard")).content.decode()

    assert "My articles" in content
    assert "Assigned to me" in content
    assert "Editor queue" in content


def test_a_user_without_a_role_is_told_so(client, db):
    client.force_login(factories.UserFactory())

    response = client.get(reverse("editorial:dashboard"))

    assert b"no editorial role yet" in response.content


def test_author_dashboard_groups_articles_by_status_with_counts(author_client, author, topic):
    factories.ArticleFactory(author=author, topic=topic, title="First draft")
    factories.ArticleFactory(author=author, topic=topic, title="Second draft")
    states.submitted(factories.ArticleFactory(author=author, topic=topic, title="Sent in"), author)

    content = author_client.get(reverse("editorial:dashboard")).content.decode()

    assert 'Draft <span class="count">2</span>' in content
    assert 'Submitted <span class="count">1</span>' in content
    assert content.index("Draft (2)") < content.index("Submitted (1)")
