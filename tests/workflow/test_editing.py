"""Content edits: only while editable, by authors or editors, never silently lost."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from articles import services
from articles.models import Status
from tests import factories

pytestmark = pytest.mark.django_db


def test_creating_a_draft_records_hash_history_and_author(author, topic):
    article = factories.ArticleFactory(author=author, topic=topic)

    assert article.status == Status.DRAFT
    assert len(article.content_hash) == 64
    assert list(article.authors.all()) == [author]
    record = article.history.get()
    assert (record.history_user, record.history_change_reason) == (author, "draft created")


def test_a_user_without_the_author_role_cannot_create(db, topic):
    reader = factories.UserFactory()
    with pytest.raises(PermissionDenied):
        services.article_create_draft(actor=reader, title="x", topic=topic)


def test_edit_changes_hash_and_writes_one_history_row(article, author):
    before = article.content_hash
    edited = services.article_update_content(actor=author, article=article, changes={"body": "New text."})

    assert edited.content_hash != before
    assert article.history.count() == 2
    assert article.history.latest().history_change_reason == "edited: body"


def test_an_edit_that_changes_nothing_writes_nothing(article, author):
    services.article_update_content(actor=author, article=article, changes={"title": article.title})
    assert article.history.count() == 1


@pytest.mark.parametrize("state", ["submitted", "under_review", "approved"])
def test_content_is_not_editable_outside_draft_and_changes_requested(request, state, author):
    article = request.getfixturevalue(state)
    before = (article.body, article.content_hash, article.history.count())

    with pytest.raises(TransitionNotAllowed, match="only be edited in Draft or Changes Requested"):
        services.article_update_content(actor=author, article=article, changes={"body": "sneaky"})

    article.refresh_from_db()
    assert (article.body, article.content_hash, article.history.count()) == before


def test_content_is_editable_when_changes_are_requested(under_review, reviewers, author, editor):
    from tests import states

    states.changes_requested(under_review, editor, reviewers[0], comments="Add a source.")
    edited = services.article_update_content(actor=author, article=under_review, changes={"summary": "Better."})
    assert edited.summary == "Better."


def test_someone_who_is_not_an_author_cannot_edit(article, coauthor):
    with pytest.raises(PermissionDenied):
        services.article_update_content(actor=coauthor, article=article, changes={"body": "x"})


def test_an_edit_based_on_stale_content_is_refused(article, author, coauthor):
    article.authors.add(coauthor)
    loaded_hash = article.content_hash
    services.article_update_content(actor=author, article=article, changes={"body": "Alice's edit."},
                                    expected_hash=loaded_hash)

    with pytest.raises(services.StaleContent):
        services.article_update_content(actor=coauthor, article=article, changes={"body": "Bob's edit."},
                                        expected_hash=loaded_hash)
    article.refresh_from_db()
    assert article.body == "Alice's edit."


def test_invalid_field_value_changes_nothing(article, author):
    with pytest.raises(ValidationError):
        services.article_update_content(actor=author, article=article, changes={"audience": "aliens"})
    article.refresh_from_db()
    assert article.audience == "patient" and article.history.count() == 1


def test_status_cannot_be_set_directly(article):
    with pytest.raises(AttributeError):
        article.status = Status.APPROVED
