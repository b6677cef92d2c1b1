"""The Atom feed of approved articles, newest approval first."""

from __future__ import annotations

import feedparser

from reviews import workflow
from tests import states


def parse(client):
    response = client.get("/feeds/articles.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_the_feed_lists_approved_articles_newest_approval_first(client, publish, author, editor, reviewers):
    first = publish("First approved")
    second = publish("Second approved")
    retracted = publish("Retracted later")
    workflow.retract(actor=editor, article=retracted, notice="Withdrawn.")
    # A re-review of the first article approves it again: it moves to the top.
    workflow.flag_for_rereview(actor=editor, article=first, reason="Yearly review.")
    workflow.start_review(actor=editor, article=first)
    states.approved(first, reviewers[:2])

    feed = parse(client)

    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == [first.title, second.title]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver/articles/{first.slug}/"
    assert entry.id == entry.link
    assert entry.summary == first.summary
    assert entry.tags[0].term == "Oncology"
    assert entry.author == first.authors.get().get_full_name()
    assert entry.updated_parsed >= feed.entries[1].updated_parsed


def test_the_feed_is_one_query(client, publish, django_assert_num_queries):
    for n in range(3):
        publish(f"Article {n}")

    with django_assert_num_queries(1):
        client.get("/feeds/articles.atom")


def test_an_empty_feed_is_valid(client, db):
    assert parse(client).entries == []


def test_a_summary_is_text_so_markup_in_it_is_shown_not_run(client, publish):
    summary = 'Spasms </script><script>alert("x")</script> <b>ease</b> with heat & rest.'
    publish("Markup in the summary", summary=summary)

    response = client.get("/feeds/articles.atom")
    [entry] = parse(client).entries

    assert entry.summary_detail.type == "text/plain"
    assert entry.summary == summary  # the characters the author wrote, to be shown as they are
    assert b"<script>" not in response.content
    assert b'<summary type="text">Spasms &lt;/script&gt;&lt;script&gt;' in response.content
