"""The benchmark's seed (``bench/seed.py``): the mix of states and the rows each one leaves, written
by several processes on PostgreSQL, and counted as the list counts them.

The figures of bench/README.md are only worth the database they were measured on.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from articles.models import Article, ListedTopicCount, Publication, PublicationDocument
from bench import seed as seed_module
from bench.seed import MIX, seed
from public import listing
from public.documents import document_format
from reviews.models import ReviewRound, SignOff, TransitionLog


@pytest.mark.django_db(transaction=True)
def test_the_seed_makes_the_mix_with_its_history_and_counts_what_it_lists():
    workers = 2 if connection.vendor == "postgresql" else 1

    slugs = seed(200, progress=False, workers=workers)

    assert Counter(Article.objects.values_list("status", flat=True)) == {status: 2 * share for status, share in MIX}
    # Approved and due for re-review are listed; retracted ones are published but not listed.
    assert len(slugs) == 144 == Publication.objects.current().count() - 6
    assert listing.PublicationListing().page(0, 20)[0] == 144
    topics = Counter(listing.listed_publications().values_list("topic_slug", flat=True))
    for slug, listed in topics.items():
        assert listing.PublicationListing({"topic": slug}).page(0, 20)[0] == listed
    if connection.vendor == "postgresql":
        assert dict(ListedTopicCount.objects.values_list("topic_slug", "count")) == topics
    # Each current publication has its documents in today's format, with its purge keys.
    assert PublicationDocument.objects.filter(format=document_format()).exclude(cache_keys="").count() == 150

    # Every step left its revision, log entry, round and sign-offs.
    approved = Article.objects.filter(status="approved").first()
    reasons = list(approved.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["draft created", "submit", "start_review", "approve"]
    assert list(TransitionLog.objects.filter(article=approved).order_by("at").values_list("action", flat=True)) == [
        "submit",
        "start_review",
        "approve",
    ]
    [review_round] = ReviewRound.objects.filter(article=approved)
    assert SignOff.objects.filter(assignment__round=review_round).count() == 2

    # Run again for more, it adds only what is missing: the next 50 take the mix's approved slots.
    assert len(seed(250, progress=False, workers=workers)) == 194
    assert Article.objects.filter(slug__startswith="bench-").count() == 250


def _backend_of_a_forked_writer(_n: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_forked_writer_never_writes_on_a_connection_it_inherited(monkeypatch):
    """A connection the parent could not close before the fork (after the browser tests, one of
    the test thread's other asyncio context) is the parent's: a writer opens its own."""
    parent = _backend_of_a_forked_writer(0)
    monkeypatch.setattr(seed_module.connections, "close_all", lambda: None)

    with seed_module._processes(2) as run:
        # One task: two writers on the parent's one socket would wait for each other's answers.
        [writer] = run(_backend_of_a_forked_writer, range(1))

    assert writer != parent
    assert _backend_of_a_forked_writer(0) == parent  # and the parent's is still its own
