"""Who sees which comment threads, and where each stands: open, resolved or outdated.

Editors and the article's reviewers see every thread; authors see the threads an editor
forwarded to them in a decision letter. A thread's quote is looked for in the current revision:
found, the comment is re-anchored there; gone, it is ``outdated`` and shows its old context.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from articles import roles
from articles.models import Article
from articles.revisions import quote_found, revision_text
from reviews.models import AssignmentStatus, Comment, CommentState, ReviewAssignment


def is_reviewer_of(user, article: Article) -> bool:
    """An assigned reviewer of any round who has not withdrawn for a conflict of interest."""
    return (
        roles.is_signed_in(user)
        and ReviewAssignment.objects.filter(round__article=article, reviewer__user=user)
        .exclude(status=AssignmentStatus.CONFLICT)
        .exists()
    )


def sees_all_threads(user, article: Article) -> bool:
    return roles.is_editor(user) or is_reviewer_of(user, article)


def visible_threads(user, article: Article) -> QuerySet[Comment]:
    """The first comments of the threads ``user`` may read, oldest first, replies prefetched."""
    threads = Comment.objects.filter(article=article, parent__isnull=True)
    if not sees_all_threads(user, article):
        if not roles.is_author(user, article):
            return threads.none()
        threads = threads.filter(forwarded_in__isnull=False).distinct()
    return threads.select_related("author", "revision", "round", "resolved_by").prefetch_related(
        Prefetch("replies", queryset=Comment.objects.select_related("author").order_by("created_at", "pk"))
    )


def may_read(user, comment: Comment) -> bool:
    thread = comment.parent or comment
    return visible_threads(user, comment.article).filter(pk=thread.pk).exists()


def state_of(comment: Comment, current_text: str) -> str:
    """``resolved``, or ``outdated`` when its quote no longer reads in the current text, or ``open``."""
    if comment.resolved_at is not None:
        return CommentState.RESOLVED
    if comment.quote_exact and not quote_found(current_text, comment.quote_exact):
        return CommentState.OUTDATED
    return CommentState.OPEN


@dataclass
class Thread:
    """A thread as a page shows it: the first comment, its state and its replies."""

    comment: Comment
    state: str
    replies: list[Comment] = field(default_factory=list)
    # Set by the pages that offer the button (the rule is ``workflow.resolve_refusal``).
    can_resolve: bool = False

    @property
    def anchored(self) -> bool:
        return bool(self.comment.quote_exact) and self.state != CommentState.OUTDATED


def threads_for(user, article: Article) -> list[Thread]:
    """The threads ``user`` may read, each with its state against the article as it is now."""
    threads = list(visible_threads(user, article))
    if not threads:
        return []
    current = revision_text(article)
    return [Thread(t, state_of(t, current), list(t.replies.all())) for t in threads]
