"""A sign-off covers exactly what readers see: the hash moves with every printed field."""

from __future__ import annotations

import hashlib
import importlib

import pytest

from articles import services
from articles.hashing import CONTENT_HASH_VERSION
from articles.library import sources as library
from articles.models import Article, Publication
from reviews import quorum
from reviews.models import AssignmentStatus, SignOff
from tests import factories, states

pytestmark = pytest.mark.django_db

hash_migration = importlib.import_module("articles.migrations.0023_content_hash_v2")


@pytest.fixture
def cited(author, topic):
    source = factories.SourceFactory(key="will2018", doi="10.1000/back.pain", url="https://example.org/a")
    article = factories.ArticleFactory(author=author, topic=topic, body="Spasms are common [@will2018].")
    return article, source


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Back spasms, revised"},
        {"summary": "Another summary."},
        {"body": "Spasms are frequent [@will2018]."},
        {"audience": "professional"},
    ],
)
def test_each_content_field_changes_the_hash(cited, author, change):
    article, _source = cited
    before = article.content_hash

    article = services.article_update_content(actor=author, article=article, changes=change)

    assert article.content_hash != before
    assert article.content_hash_version == CONTENT_HASH_VERSION


def test_the_topic_changes_the_hash(cited, author, other_topic):
    article, _source = cited
    before = article.content_hash

    article = services.article_update_content(actor=author, article=article, changes={"topic": other_topic})

    assert article.content_hash != before


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Another study"},
        {"url": "https://attacker.example/"},
        {"authors": [{"family": "Bury", "given": "D"}]},
        {"container_title_short": "Am J Med"},
        {"year": 2019},
        {"volume": "99"},
        {"issue": "8"},
        {"pages": "1-9"},
        {"doi": "10.1000/other"},
        {"publisher": "AAFP"},
    ],
)
def test_each_printed_field_of_a_cited_source_changes_the_hash(cited, author, change):
    article, source = cited
    before = article.content_hash

    library.source_update(actor=author, source=source, changes=change)

    article.refresh_from_db()
    assert article.content_hash != before
    assert article.content_hash == services.compute_content_hash(article)


def test_an_old_version_signoff_never_counts_against_a_new_version_hash(under_review, reviewers):
    """A version-1 sign-off whose hash string happens to equal today's hash is not an approval."""
    assignment = under_review.review_rounds.get().assignments.get(reviewer=reviewers[0])
    assignment.status = AssignmentStatus.SIGNED_OFF
    assignment.conflict_of_interest = False
    assignment.save()
    SignOff.objects.create(
        assignment=assignment,
        article_history=under_review.history.latest(),
        content_hash=under_review.content_hash,
        content_hash_version=1,
        decision="approve",
        attestation="x",
    )

    assert quorum.quorum_for(under_review).approvals == 0

    states.sign(under_review, reviewers[1])
    assert quorum.quorum_for(under_review).approvals == 1


def test_a_publication_keeps_the_content_its_hash_is_of(approved):
    publication = Publication.objects.get(article=approved)

    digest = hashlib.sha256(publication.signed_content.encode("utf-8")).hexdigest()

    assert digest == publication.content_hash == approved.content_hash
    assert publication.content_hash_version == CONTENT_HASH_VERSION


def test_the_migration_rehashes_existing_articles_under_version_2(cited):
    from django.apps import apps as django_apps

    article, _source = cited
    Article.objects.filter(pk=article.pk).update(content_hash="f" * 64, content_hash_version=1)

    hash_migration.rehash_articles(django_apps, None)

    article.refresh_from_db()
    assert (article.content_hash, article.content_hash_version) == (
        services.compute_content_hash(article),
        CONTENT_HASH_VERSION,
    )
