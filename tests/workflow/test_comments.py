"""Comments on passages: anchored to a quote, threaded, resolved, re-anchored or outdated."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from articles import services
from reviews import workflow
from reviews.comments import threads_for
from reviews.models import Comment, CommentState
from tests import states

pytestmark = pytest.mark.django_db

QUOTE = {"exact": "common during chemotherapy", "prefix": "Back spasms are ", "suffix": "."}


def test_a_reviewer_comments_on_a_quoted_passage(under_review, reviewers):
    comment = workflow.add_comment(
        actor=reviewers[0].user, article=under_review, body="How common?", quote=QUOTE
    )

    assert (comment.quote_exact, comment.quote_prefix, comment.quote_suffix) == (
        "common during chemotherapy",
        "Back spasms are ",
        ".",
    )
    assert comment.revision.content_hash == under_review.content_hash
    [thread] = threads_for(reviewers[1].user, under_review)
    assert thread.state == CommentState.OPEN and thread.anchored


def test_a_quote_that_is_not_in_the_revision_is_refused(under_review, reviewers):
    with pytest.raises(ValidationError, match="not in revision"):
        workflow.add_comment(
            actor=reviewers[0].user, article=under_review, body="?", quote={"exact": "never written"}
        )
    assert not Comment.objects.exists()


def test_authors_and_strangers_cannot_start_threads(under_review, author, reviewers):
    with pytest.raises(PermissionDenied):
        workflow.add_comment(actor=author, article=under_review, body="Me too")
    with pytest.raises(PermissionDenied):
        workflow.add_comment(actor=reviewers[2].user, article=under_review, body="Not assigned")


def test_threads_have_replies_and_are_resolved_by_the_commenter(under_review, reviewers, editor):
    thread = workflow.add_comment(actor=reviewers[0].user, article=under_review, body="Cite a trial.")
    workflow.reply(actor=editor, comment=thread, body="Agreed.")

    assert reviewers[0].user.notifications.filter(kind="comment_reply").exists()
    with pytest.raises(PermissionDenied):
        workflow.resolve(actor=reviewers[1].user, comment=thread)
    resolved = workflow.resolve(actor=reviewers[0].user, comment=thread)
    assert resolved.resolved_by == reviewers[0].user
    assert threads_for(editor, under_review)[0].state == CommentState.RESOLVED


def test_on_the_next_revision_a_comment_is_reanchored_or_outdated(under_review, reviewers, editor, author):
    kept = workflow.add_comment(actor=reviewers[0].user, article=under_review, body="Source?", quote=QUOTE)
    gone = workflow.add_comment(
        actor=reviewers[0].user, article=under_review, body="Which spasms?", quote={"exact": "Back spasms"}
    )
    states.changes_requested(under_review, editor, reviewers[0])
    services.article_update_content(
        actor=author, article=under_review, changes={"body": "Muscle cramps are common during chemotherapy."}
    )

    under_review.refresh_from_db()
    states_by_id = {t.comment.pk: t.state for t in threads_for(editor, under_review)}
    assert states_by_id[kept.pk] == CommentState.OPEN
    assert states_by_id[gone.pk] == CommentState.OUTDATED


def test_comments_close_with_the_round(approved, reviewers):
    with pytest.raises(TransitionNotAllowed):
        workflow.add_comment(actor=reviewers[0].user, article=approved, body="Late remark")
