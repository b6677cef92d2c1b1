"""The public list's count, which PostgreSQL's triggers keep (``ListedPublicationCount``).

Whatever changes the publications or their articles' retraction, and by whatever path, the count
the list answers with is the number of publications it lists. On SQLite the list counts rows, so
the first test holds there too; the others look at the kept row and run on PostgreSQL only.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article, ListedPublicationCount, ListedTopicCount, Publication
from public import listing as public_listing
from reviews import workflow
from tests import states
from tests.integrity.test_audit_chain import drop_triggers
from tests.threads import run_at_once


def listed_count() -> int:
    """The count a list page answers with (read with its first page)."""
    return public_listing.PublicationListing().page(0, 20)[0]


def counted() -> int:
    return public_listing.listed_publications().count()


def set_superseded(article, at) -> None:
    # Publications refuse ORM updates (they are immutable but for this column): as a data fix would.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_publication SET superseded_at = %s WHERE article_id = %s", [at, article.pk]
        )


def kept() -> int | None:
    row = ListedPublicationCount.objects.first()
    return row.count if row else None


def kept_by_topic() -> dict[str, int]:
    """The topics' kept counts, those of zero left out."""
    return dict(ListedTopicCount.objects.exclude(count=0).values_list("topic_slug", "count"))


def counted_by_topic() -> dict[str, int]:
    counts = {}
    for slug in public_listing.listed_publications().values_list("topic_slug", flat=True):
        counts[slug] = counts.get(slug, 0) + 1
    return counts


def topic_listed_count(slug: str) -> int:
    return public_listing.PublicationListing({"topic": slug}).page(0, 20)[0]


def test_the_list_counts_what_it_lists_through_the_workflow(publish, author, editor, reviewers):
    assert listed_count() == 0
    first = publish("First")
    second = publish("Second")
    assert listed_count() == counted() == 2

    # A new version replaces the live one: still two.
    revised = workflow.revise(actor=author, article=first)
    states.submitted(revised, author)
    # The reviewers who approved are invited again, enough for the policy: the round starts.
    states.approved(revised, reviewers[:2])
    assert Publication.objects.filter(article=first).count() == 2
    assert listed_count() == counted() == 2

    # Flagged for review, the article stays listed; retracted, it goes.
    workflow.flag_for_rereview(actor=editor, article=second, reason="New guideline.")
    assert listed_count() == counted() == 2
    workflow.retract(actor=editor, article=second, notice="Dosage error.")
    assert listed_count() == counted() == 1

    # A filtered list counts its own rows.
    assert public_listing.PublicationListing({"audience": "clinician"}).page(0, 20)[0] == 0


postgres_only = pytest.mark.postgres


@postgres_only
def test_the_kept_count_follows_every_write_path(publish, editor):
    # Publications refuse these writes (reviews/0009); a data fix drops the trigger first.
    drop_triggers("articles_publication")
    article = publish("Kept")
    publish("Other")
    assert kept() == 2

    # Writes that bypass the workflow (a shell, the admin, a data fix) are counted the same.
    Article.objects.filter(pk=article.pk).update(retracted_at=timezone.now(), status="retracted")
    assert kept() == counted() == 1
    Article.objects.filter(pk=article.pk).update(retracted_at=None, status="approved")
    assert kept() == counted() == 2
    set_superseded(article, timezone.now())
    assert kept() == counted() == 1
    set_superseded(article, None)
    assert kept() == counted() == 2

    # Saving an article without touching its retraction changes nothing.
    article.refresh_from_db()
    article.save()
    assert kept() == 2

    # A publication of a retracted article is not counted, coming or going.
    workflow.retract(actor=editor, article=article, notice="Withdrawn.")
    assert kept() == counted() == 1
    set_superseded(article, timezone.now())
    assert kept() == counted() == 1
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_publicationdocument")
        cursor.execute("DELETE FROM articles_publishedcitation")
        cursor.execute("DELETE FROM articles_publication WHERE article_id <> %s", [article.pk])
    assert kept() == counted() == 0


@postgres_only
def test_a_failed_transaction_leaves_the_count_as_it_was(publish, editor):
    article = publish("Stays")
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.retract(actor=editor, article=article, notice="Withdrawn.")
        assert kept() == 0
        raise RuntimeError("rolled back")
    assert kept() == counted() == 1


@postgres_only
def test_an_emptied_count_table_counts_from_zero(db):
    # A flush empties every table at once: no row is a count of zero, and the first change
    # creates the row.
    ListedPublicationCount.objects.all().delete()
    assert listed_count() == 0
    assert kept() is None


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_retractions_lose_no_change(publish, editor):
    articles = [publish(f"Concurrent {n}") for n in range(6)]
    assert kept() == 6

    def retract(article):
        return lambda: workflow.retract(
            actor=editor, article=Article.objects.get(pk=article.pk), notice="Withdrawn."
        )

    run_at_once([retract(article) for article in articles])  # raises what any of them raised
    assert kept() == counted() == listed_count() == 0


@postgres_only
def test_each_topic_keeps_its_own_count(publish, editor, author, reviewers, other_topic):
    drop_triggers("articles_publication")
    oncology = [publish(f"Oncology {n}") for n in range(3)]
    pharmacology = publish("Interactions", on_topic=other_topic)
    assert kept_by_topic() == counted_by_topic() == {"oncology": 3, "pharmacology": 1}
    assert topic_listed_count("oncology") == 3 and topic_listed_count("pharmacology") == 1
    assert topic_listed_count("cardiology") == 0

    # Retraction and its undoing (a data fix), a superseded publication, a new version.
    workflow.retract(actor=editor, article=oncology[0], notice="Withdrawn.")
    assert kept_by_topic() == counted_by_topic() == {"oncology": 2, "pharmacology": 1}
    Article.objects.filter(pk=oncology[0].pk).update(retracted_at=None, status="approved")
    assert kept_by_topic() == counted_by_topic() == {"oncology": 3, "pharmacology": 1}
    set_superseded(pharmacology, timezone.now())
    assert kept_by_topic() == counted_by_topic() == {"oncology": 3}
    set_superseded(pharmacology, None)
    revised = workflow.revise(actor=author, article=oncology[1])
    states.submitted(revised, author)
    states.approved(revised, reviewers[:2])
    assert kept_by_topic() == counted_by_topic() == {"oncology": 3, "pharmacology": 1}

    # A publication moved to another topic by a data fix leaves one count for the other.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_publication SET topic_slug = 'pharmacology' WHERE article_id = %s AND superseded_at IS NULL",
            [oncology[2].pk],
        )
    assert kept_by_topic() == counted_by_topic() == {"oncology": 2, "pharmacology": 2}
    assert sum(kept_by_topic().values()) == kept()


def test_recount_listed_counts_again_what_a_load_around_the_triggers_left_wrong(publish, other_topic):
    publish("One")
    publish("Two", on_topic=other_topic)
    postgres = connection.vendor == "postgresql"
    if postgres:
        ListedPublicationCount.objects.update(count=99)
        ListedTopicCount.objects.all().delete()
        assert listed_count() == 99

    out = StringIO()
    call_command("recount_listed", stdout=out)

    assert listed_count() == counted() == 2
    if postgres:
        assert kept_by_topic() == counted_by_topic() == {"oncology": 1, "pharmacology": 1}
        assert "2 listed publication(s) in 2 topic(s)." in out.getvalue()
    else:
        assert "nothing is kept to recount" in out.getvalue()
