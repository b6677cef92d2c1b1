"""Publications: the immutable, pre-rendered snapshots that the public reads.

Only the workflow's approval calls ``publish``; it passes in the review facts (reviewers and
their sign-off times) so that this app never has to import ``reviews``. A new publication is
announced with ``articles.signals.publication_made``, on which the read side renders its stored
documents.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from articles import hashing, services
from articles.library.bibliography import render_with_sources
from articles.models import (
    Article,
    ListedPublication,
    ListedPublicationCount,
    ListedTopicCount,
    Publication,
    PublishedCitation,
)
from articles.signals import publication_made
from editorial.refusals import StaleContent


def cited_sources(article: Article) -> list:
    """The article's cited sources in citation order."""
    return [citation.source for citation in article.citations.select_related("source").order_by("number")]


def supersede_current_publication(article: Article, *, at: datetime) -> None:
    """Mark the article's live publication as replaced; the row itself stays as history."""
    # The immutable queryset refuses updates; superseding is the one sanctioned change.
    Publication._base_manager.filter(article=article, superseded_at__isnull=True).update(superseded_at=at)


def publish(
    article: Article,
    *,
    article_history_id: int,
    reviewers: list[dict],
    approved_by,
    approved_at: datetime,
    next_review_due: date,
) -> Publication:
    """Snapshot the article's signed content into a new current Publication.

    Each numbered reference is also linked to its library source (``PublishedCitation``), so a
    later retraction of that source reaches the published page.
    """
    sources = {source.key: source for source in cited_sources(article)}
    signed = services.content_document(article, list(sources.values()))
    if article.content_hash_version == hashing.CONTENT_HASH_VERSION and (
        hashing.hash_document(signed) != article.content_hash
    ):
        # The board signed a hash; publishing anything else would break the product's promise.
        raise StaleContent(_("The content changed since it was signed; it cannot be published."))
    rendered = render_with_sources(article.body, sources.values())
    version = (article.publications.aggregate(last=Max("version"))["last"] or 0) + 1
    supersede_current_publication(article, at=approved_at)
    publication = Publication.objects.create(
        article=article,
        version=version,
        slug=article.slug,
        title=article.title,
        summary=article.summary,
        body=article.body,
        body_html=rendered.html,
        audience=article.audience,
        topic_name=article.topic.name,
        topic_slug=article.topic.slug,
        authors=[
            {"name": user.get_full_name() or user.get_username()}
            for user in article.authors.order_by("last_name", "username")
        ],
        reviewers=reviewers,
        references=published_references(rendered),
        content_hash=article.content_hash,
        signed_content=hashing.canonical_json(signed),
        article_history_id=article_history_id,
        approved_at=approved_at,
        approved_by=approved_by,
        created_at=article.created_at,
        first_published_at=article.first_published_at or approved_at,
        last_modified_at=article.content_modified_at or article.created_at,
        last_reviewed_at=approved_at,
        next_review_due=next_review_due,
    )
    PublishedCitation.objects.bulk_create(
        PublishedCitation(publication=publication, source=sources[ref.key], number=ref.number)
        for ref in rendered.references
    )
    publication_made.send(sender=Publication, publication=publication)
    return publication


def published_references(rendered) -> list[dict]:
    """The references a publication keeps, as the rendering of its body numbered them."""
    return [
        {
            "number": ref.number,
            "key": ref.key,
            "formatted": ref.formatted_text,
            "formatted_html": ref.formatted_html,
            "doi": ref.doi,
            "pmid": ref.pmid,
            "url": ref.url,
            "retracted": ref.retracted,
            "publication_type": ref.publication_type,
            "evidence_type": ref.evidence_type,
            "group": ref.group,
            "cited_at": ref.cited_at,
        }
        for ref in rendered.references
    ]


def recount_listed_publications() -> None:
    """Count the listed publications again, in all and by topic, from the view that lists them.

    PostgreSQL's triggers keep these counts as publications and retractions change (migrations
    0013 and 0024); this is for after writes that went around the triggers, such as a bulk load
    with the count trigger disabled. SQLite counts rows on each read and keeps nothing.
    """
    if connection.vendor != "postgresql":
        return
    listed, total, by_topic = (
        ListedPublication._meta.db_table,
        ListedPublicationCount._meta.db_table,
        ListedTopicCount._meta.db_table,
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # No write may fall between the count and the next trigger.
        cursor.execute("LOCK TABLE articles_publication, articles_article IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {total}")
        cursor.execute(f"DELETE FROM {by_topic}")
        cursor.execute(f"INSERT INTO {total} (key, count) SELECT 1, COUNT(*) FROM {listed}")
        cursor.execute(
            f"INSERT INTO {by_topic} (topic_slug, count) "
            f"SELECT topic_slug, COUNT(*) FROM {listed} GROUP BY topic_slug"
        )
