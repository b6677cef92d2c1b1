"""Fixtures for the source library: realistic files, API clients per role, citing articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests import factories, states

DATA = Path(__file__).parent / "data"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def editor_api(editor):
    return client_for(editor)


@pytest.fixture
def author_api(author):
    return client_for(author)


@pytest.fixture
def mehra(db):
    """The Surgisphere hydroxychloroquine paper (The Lancet, 2020), retracted in June 2020."""
    return factories.SourceFactory(
        key="mehra2020",
        type="cohort_study",
        title=(
            "Hydroxychloroquine or chloroquine with or without a macrolide for treatment of "
            "COVID-19: a multinational registry analysis"
        ),
        authors=[
            {"family": "Mehra", "given": "Mandeep R"},
            {"family": "Desai", "given": "Sapan S"},
            {"family": "Ruschitzka", "given": "Frank"},
            {"family": "Patel", "given": "Amit N"},
        ],
        container_title="The Lancet",
        container_title_short="Lancet",
        year=2020,
        volume="",
        issue="",
        pages="",
        doi="10.1016/s0140-6736(20)31180-6",
        pmid="32450107",
    )


@pytest.fixture
def will(db):
    return factories.SourceFactory(
        key="will2018",
        title="Mechanical low back pain",
        authors=[
            {"family": "Will", "given": "Jeffrey S"},
            {"family": "Bury", "given": "David C"},
            {"family": "Miller", "given": "John A"},
        ],
        pmid="30252425",
    )


def citing_article(source, *, author, topic, title="Back spasms during chemotherapy"):
    body = f"Hydroxychloroquine was once thought to help [@{source.key}]. It does not."
    return factories.ArticleFactory(author=author, topic=topic, title=title, body=body)


def approved_citing(source, *, author, editor, reviewers, topic, title="Back spasms during chemotherapy"):
    """An article citing ``source``, approved through the real workflow."""
    article = citing_article(source, author=author, topic=topic, title=title)
    article = states.submitted(article, author)
    article = states.under_review(article, editor, reviewers[:2])
    return states.approved(article, reviewers[:2])
