"""The benchmark's seed (``bench/seed.py``): the mix of states and the rows each one leaves, written
by several processes on PostgreSQL, and counted as the list counts them.

The figures of bench/README.md are only worth the database they were measured on.
"""

from __future__ import annotations

import asyncio
import select
from collections import Counter

import psycopg
import pytest
from django.db import connection, connections

from articles.models import Article, ListedTopicCount, Publication, PublicationDocument
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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_processes_forked_while_an_event_loop_runs_write_on_connections_of_their_own(monkeypatch):
    """As after the browser tests, whose Playwright keeps an event loop running in the test thread:
    Django's connections there are the loop context's, and a forked process sees the thread's
    other one, here a connection the server has since ended."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [ended] = cursor.fetchone()
    socket = connection.connection.pgconn.socket
    with psycopg.connect(**{**connection.get_connection_params(), "autocommit": True}) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [ended])
    waiting = select.poll()
    waiting.register(socket, select.POLLIN)
    assert waiting.poll(5000), "the server did not end the connection"

    async def seed_while_the_loop_runs():
        try:
            return seed(40, progress=False, workers=2)
        finally:
            connections.close_all()

    slugs = asyncio.run(seed_while_the_loop_runs())

    connection.close()  # the ended one, ours to close
    assert Article.objects.filter(slug__startswith="bench-").count() == 40
    assert sorted(slugs) == sorted(listing.listed_publications().values_list("slug", flat=True))
