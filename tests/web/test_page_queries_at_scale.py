"""The editorial pages run the same number of queries however many articles there are.

Each page is counted with a few articles in each state, then again with twice as many; the
dashboards' lists are cut to ``DASHBOARD_ROWS`` (made small here) and say how many there are.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.views import dashboard
from tests import factories, states
from tests.conftest import content_queries
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("editorial:dashboard")


@pytest.fixture(autouse=True)
def _few_rows(monkeypatch):
    monkeypatch.setattr(dashboard, "DASHBOARD_ROWS", 2)


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(content_queries(captured))


def add_articles(n: int, *, author, editor, reviewers, topic, start: int = 0) -> None:
    """``n`` articles in each of: draft, submitted, under review with one approval."""
    for k in range(start, start + n):
        factories.ArticleFactory(author=author, topic=topic, title=f"Draft {k}")
        states.submitted(factories.ArticleFactory(author=author, topic=topic, title=f"Sent {k}"), author)
        reviewing = states.under_review(
            states.submitted(factories.ArticleFactory(author=author, topic=topic, title=f"Read {k}"), author),
            editor,
            reviewers[:2],
        )
        states.sign(reviewing, reviewers[0])
        factories.SourceFactory(key=f"extra{k}", doi=f"10.5555/extra.{k}", pmid=str(30000000 + k))


PAGES = [
    ("editor", DASHBOARD),
    ("reviewer", DASHBOARD),
    ("author", DASHBOARD),
    ("editor", "/api/v1/editorial/articles/"),
    ("editor", "/api/v1/editorial/articles/?status=under_review"),
    ("author", reverse("editorial:sources")),
    ("author", reverse("editorial:sources") + "?q=extra"),
]


def test_editorial_pages_do_not_query_more_with_more_articles(author, editor, reviewers, topic):
    clients = {
        "editor": client_for(editor),
        "reviewer": client_for(reviewers[0].user),
        "author": client_for(author),
    }
    # More than a dashboard shows already: past that, only the rows' content changes.
    add_articles(3, author=author, editor=editor, reviewers=reviewers, topic=topic)
    few = {(who, path): queries(clients[who], path) for who, path in PAGES}

    add_articles(3, author=author, editor=editor, reviewers=reviewers, topic=topic, start=3)
    many = {(who, path): queries(clients[who], path) for who, path in PAGES}

    assert many == few


def test_dashboards_show_the_first_rows_and_how_many_there_are(author, editor, reviewers, topic):
    add_articles(3, author=author, editor=editor, reviewers=reviewers, topic=topic)

    editor_page = client_for(editor).get(DASHBOARD).content.decode()
    reviewer_page = client_for(reviewers[1].user).get(DASHBOARD).content.decode()  # not signed yet
    author_page = client_for(author).get(DASHBOARD).content.decode()

    assert "the first 2 of 3" in editor_page  # the queue
    assert "the 2 longest running of 3" in editor_page
    assert editor_page.count("1 of 2 approvals on the current content") == 2
    assert "the first 2 of 3" in reviewer_page
    assert 'Draft <span class="count">3</span>' in author_page
    for group in ("Draft", "Sent", "Read"):  # the two most recently changed of each status
        assert f"{group} 2<" in author_page and f"{group} 1<" in author_page
        assert f"{group} 0<" not in author_page
