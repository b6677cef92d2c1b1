"""A review step runs the same queries on an article with a long history as on a new one.

Both articles have been sent back for changes before (so submitting asks the same reviewers
again); the long one has had more rounds, more edits and more comments. Each step of the next
review is counted on both.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from tests import factories, states
from tests.conftest import content_queries

pytestmark = pytest.mark.django_db


def sent_back(article, *, author, editor, reviewers, rounds: int, edits: int):
    """``article`` after ``rounds`` reviews that asked for changes, each answered by ``edits`` edits."""
    states.under_review(states.submitted(article, author), editor, reviewers)
    for round_number in range(rounds):
        article = states.changes_requested(article, editor, reviewers[0], comments=f"Fix point {round_number}.")
        for k in range(edits):
            article = services.article_update_content(
                actor=author, article=article, changes={"summary": f"Round {round_number}, edit {k}."}
            )
        if round_number < rounds - 1:
            # Resubmitting invites the round's reviewers again and starts the next round.
            article = states.submitted(article, author)
    return article


def review_queries(article, *, author, editor, reviewers) -> dict[str, int]:
    """The queries of each step of the next review, which approves and publishes."""
    steps = {
        "submit, inviting the reviewers again": lambda: states.submitted(article, author),
        "sign_off": lambda: states.sign(article, reviewers[0]),
        "sign_off reaching quorum, approve": lambda: states.sign(article, reviewers[1]),
    }
    counted = {}
    for name, step in steps.items():
        with CaptureQueriesContext(connection) as captured:
            step()
        counted[name] = len(content_queries(captured))
    return counted


def test_review_steps_do_not_query_more_with_a_longer_history(author, editor, reviewers, topic):
    people = {"author": author, "editor": editor, "reviewers": reviewers[:2]}
    short = sent_back(
        factories.ArticleFactory(author=author, topic=topic, title="Short"), rounds=1, edits=1, **people
    )
    long = sent_back(
        factories.ArticleFactory(author=author, topic=topic, title="Long"), rounds=6, edits=5, **people
    )
    assert long.history.count() > 3 * short.history.count()

    assert review_queries(long, **people) == review_queries(short, **people)
    assert long.publications.get().content_hash == long.content_hash


def test_the_latest_revision_is_read_from_its_index(author, topic):
    # Without it PostgreSQL walked back through the revisions of every article saved since
    # (1.3 s for an early article among 100,000), at each sign-off and approval.
    first = factories.ArticleFactory(author=author, topic=topic, title="First")
    for k in range(30):
        factories.ArticleFactory(author=author, topic=topic, title=f"Later {k}")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {first.history.model._meta.db_table}")
        if connection.vendor == "postgresql":
            # A table this small is read whole; the choice under test is between its indexes.
            cursor.execute("SET LOCAL enable_seqscan = off")

    plan = first.history.order_by("-history_id").values("history_id")[:1].explain()

    assert "article_revision_latest_idx" in plan, plan
