"""Fixtures for the editorial web app: logged-in clients and a cited body."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories


@pytest.fixture
def sources(db):
    """Two library sources with identifiers, as an author would cite them."""
    return [
        factories.SourceFactory(
            key="will2018", title="Mechanical low back pain", doi="10.1000/back.2018", pmid="30252425"
        ),
        factories.SourceFactory(key="nice2020", title="Low back pain and sciatica", doi="10.1000/nice.2020"),
    ]


@pytest.fixture
def cited_article(author, topic, sources):
    return factories.ArticleFactory(
        author=author,
        topic=topic,
        body="Spasms are common [@will2018]. Heat helps [@will2018; @nice2020].",
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def author_client(author):
    return client_for(author)


@pytest.fixture
def editor_client(editor):
    return client_for(editor)


@pytest.fixture
def reviewer_clients(reviewers):
    return [client_for(member.user) for member in reviewers]
