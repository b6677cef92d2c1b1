"""The public reads' hand-written queries read exactly what the ORM reads.

``selectors.PUBLISHED_PAGE_SQL`` (an article page) and ``LISTED_PUBLICATIONS_SQL`` (the rows of a
list page) replace ORM queries on the hottest public reads. These tests define those ORM queries
here, as the reference, and compare the two on every kind of page: live, corrected, flagged for
review, citing a retracted source, retracted, superseded and unknown.
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import fields as dataclass_fields

import pytest
from django.db import connection
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from articles import selectors, services
from articles.models import Publication, PublishedCitation, Source
from reviews import workflow
from tests import states


def published_pages_by_orm():
    retracted_citations = PublishedCitation.objects.filter(
        publication=OuterRef("pk"), source__retracted_on__isnull=False
    )
    return (
        Publication.objects.current()
        .annotate(
            cites_retracted_source=Exists(retracted_citations),
            article_status=F("article__status"),
            review_due_reason=F("article__review_due_reason"),
            article_updated_at=F("article__updated_at"),
            retraction_notice=F("article__retraction_notice"),
            retracted_at=F("article__retracted_at"),
        )
        .values(*(field.name for field in dataclass_fields(selectors.PublishedPage)))
    )


def read_both_ways(slug: str):
    by_orm = published_pages_by_orm().filter(slug=slug).first()
    by_sql = selectors.public_publication(slug)
    return by_orm, (asdict(by_sql) if by_sql else None)


def test_a_live_page_reads_the_same_by_sql_as_by_the_orm(published):
    by_orm, by_sql = read_both_ways(published.slug)

    assert by_sql == by_orm
    assert by_sql["cites_retracted_source"] is False
    assert [ref["number"] for ref in by_sql["references"]] == [1, 2, 3]
    assert timezone.is_aware(by_sql["approved_at"]) and timezone.is_aware(by_sql["article_updated_at"])
    assert by_sql["retracted_at"] is None


def test_flags_retractions_and_new_versions_read_the_same_both_ways(publish, author, editor, reviewers):
    cites_retracted = publish("Cites a retracted trial", references=2)
    source = cites_retracted.citations.order_by("number").first().source
    Source.objects.filter(pk=source.pk).update(retracted_on=timezone.localdate())

    flagged = publish("Flagged for review", references=1)
    workflow.flag_for_rereview(actor=editor, article=flagged, reason="New guideline published.")

    retracted = publish("Retracted article", references=1)
    workflow.retract(actor=editor, article=retracted, notice="Dosage error.")

    revised = workflow.revise(actor=author, article=publish("Revised article", references=1))
    revised = services.article_update_content(
        actor=author, article=revised, changes={"summary": "Corrected after review."}
    )
    states.submitted(revised, author)
    workflow.start_review(actor=editor, article=revised)
    states.approved(revised, reviewers[:2])

    for article in (cites_retracted, flagged, retracted, revised):
        by_orm, by_sql = read_both_ways(article.slug)
        assert by_sql == by_orm, article.title

    assert read_both_ways(cites_retracted.slug)[1]["cites_retracted_source"] is True
    assert read_both_ways(flagged.slug)[1]["review_due_reason"] == "New guideline published."
    retracted_page = read_both_ways(retracted.slug)[1]
    assert retracted_page["retraction_notice"] == "Dosage error."
    assert timezone.is_aware(retracted_page["retracted_at"])
    # Only the current version of a re-published article is read.
    assert read_both_ways(revised.slug)[1]["version"] == 2


def test_an_unknown_slug_reads_nothing_both_ways(db):
    assert read_both_ways("never-published") == (None, None)


def listed_by_orm(publications):
    facts = {
        "article_status": F("article__status"),
        "review_due_reason": F("article__review_due_reason"),
        "article_updated_at": F("article__updated_at"),
    }
    return [
        {**row, "public_status": ""}
        for row in publications.annotate(**facts).values(*selectors.LIST_FIELDS, *facts)
    ]


@pytest.mark.parametrize("ordering", ["-last_reviewed", "title", "-title"])
def test_list_pages_read_the_same_rows_in_the_same_order_both_ways(publish, editor, ordering):
    for n in range(7):
        publish(f"Article {n}", audience="professional" if n % 2 else "patient")
    flagged = publish("Flagged article")
    workflow.flag_for_rereview(actor=editor, article=flagged, reason="New guideline published.")

    listed = selectors.PublicationFilter({"ordering": ordering}, selectors.listed_publications()).qs
    professionals = selectors.PublicationFilter({"audience": "professional"}, selectors.listed_publications()).qs
    for page in (listed[0:3], listed[3:6], listed[6:9], professionals[0:10]):
        by_sql = [asdict(row) for row in selectors.publication_page(page)]
        assert by_sql == listed_by_orm(page)
        assert all(timezone.is_aware(row["article_updated_at"]) for row in by_sql)

    assert [row.title for row in selectors.publication_page(listed[20:30])] == []


@pytest.mark.postgres
def test_postgres_checks_an_article_against_the_retracted_sources_only(published):
    # The retracted-source check must use the partial index, not scan the whole library.
    Source.objects.bulk_create(
        Source(key=f"library{n}", title=f"Study {n}", doi=f"10.1000/library.{n}") for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(f"EXPLAIN {selectors.PUBLISHED_PAGE_SQL}", [published.slug])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "source_retracted_idx" in plan, plan
