"""The history page: every revision, any two compared, the transition log with actors and comments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles import services
from tests import states

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited(article, author):
    services.article_update_content(
        actor=author, article=article, changes={"body": "Back spasms are frequent during chemotherapy."}
    )
    article.refresh_from_db()
    return article


def test_all_revisions_are_listed_newest_first(author_client, edited):
    content = author_client.get(reverse("editorial:article_history", args=[edited.pk])).content.decode()

    newest, oldest = edited.history.order_by("-history_id")
    assert content.index(f"#{newest.history_id}</td>") < content.index(f"#{oldest.history_id}</td>")
    assert "edited: body" in content and "draft created" in content


def test_the_two_newest_revisions_are_compared_inline_by_default(author_client, edited):
    content = author_client.get(reverse("editorial:article_history", args=[edited.pk])).content.decode()

    # The body as readers see it: the changed paragraph, word by word.
    assert '<p class="diff-words">Back spasms are <del>common</del><ins>frequent</ins> during' in content


def test_any_two_revisions_side_by_side(author_client, edited, author):
    services.article_update_content(actor=author, article=edited, changes={"title": "Spasms and chemo"})
    first, _middle, last = edited.history.order_by("history_id")

    response = author_client.get(
        reverse("editorial:article_history", args=[edited.pk]),
        {"from": first.history_id, "to": last.history_id, "mode": "side"},
    )

    content = response.content.decode()
    assert 'class="diff diff-old"' in content and 'class="diff diff-new"' in content
    assert "<del>common</del>" in content and "<ins>frequent</ins>" in content
    assert "<ins>Spasms and chemo</ins>" in content
    assert f'<option value="{first.history_id}" selected>' in content


def test_the_transition_log_names_actors_and_comments(author_client, article, author, editor, reviewers):
    states.under_review(states.submitted(article, author), editor, reviewers[:2])
    states.changes_requested(article, editor, reviewers[1], letter="Cite a trial.")

    content = author_client.get(reverse("editorial:article_history", args=[article.pk])).content.decode()

    assert "Draft → Submitted" in content
    assert "Submitted → Under Review" in content
    assert "Under Review → Changes Requested" in content
    assert "Cite a trial." in content
    assert editor.get_full_name() in content


def test_history_is_private_to_those_who_may_see_the_article(client, article, db):
    from tests import factories

    client.force_login(factories.AuthorFactory(username="mallory"))

    assert client.get(reverse("editorial:article_history", args=[article.pk])).status_code == 404


@pytest.mark.parametrize("value", ["²", "٣", "abc", "9" * 5000, "999999"])
def test_a_revision_that_is_not_one_of_the_article_is_named_with_400(author_client, edited, value):
    response = author_client.get(reverse("editorial:article_history", args=[edited.pk]), {"from": value})

    assert response.status_code == 400
    content = response.content.decode()
    assert f"from: {value[:40]} is not a revision of this article." in content
    # The two newest revisions are compared as by default.
    assert "<del>common</del><ins>frequent</ins>" in content
