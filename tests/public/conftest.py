"""Fixtures for the public API and pages: articles published through the real workflow."""

from __future__ import annotations

import itertools

import pytest

from tests import factories, states

_numbers = itertools.count(1)


def make_sources(count: int) -> list:
    """``count`` library sources, each with a unique DOI and PMID."""
    sources = []
    for _ in range(count):
        n = next(_numbers)
        sources.append(
            factories.SourceFactory(
                key=f"pub{n}",
                title=f"Outcomes of treatment study {n}",
                doi=f"10.1000/public.{n}",
                pmid=str(30000000 + n),
            )
        )
    return sources


@pytest.fixture
def publish(db, author, editor, reviewers, topic):
    """Publish an article through submit, review and sign-off; returns the approved article.

    ``references`` cited sources are created and cited in order in the body.
    """

    def _publish(
        title="Back spasms during chemotherapy",
        *,
        references=0,
        sources=None,
        body=None,
        summary="What causes sharp back spasms and what helps.",
        audience="patient",
        on_topic=None,
    ):
        on_topic = on_topic or topic
        sources = list(sources or []) + make_sources(references)
        if body is None:
            claims = " ".join(f"Claim number {i} is supported [@{s.key}]." for i, s in enumerate(sources, 1))
            body = f"## Overview\n\nBack spasms are common during chemotherapy. {claims}\n"
        article = factories.ArticleFactory(
            author=author, topic=on_topic, title=title, body=body, summary=summary, audience=audience
        )
        states.submitted(article, author)
        board = reviewers[:2] if on_topic == topic else reviewers[1:]
        states.under_review(article, editor, board)
        return states.approved(article, board)

    return _publish


@pytest.fixture
def published(publish):
    """One approved article citing three sources."""
    return publish(references=3)
