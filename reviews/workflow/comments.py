"""Comments on passages: reviewers and editors comment, everyone in a thread replies, resolves.

Also the author's answers to a decision letter: each forwarded comment gets a reply when the
article is resubmitted (``checked_responses`` before the transition, ``record_responses`` in it).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import roles
from articles.models import Article
from articles.revisions import quote_found, revision_text
from editorial.refusals import PermissionDenied, TransitionNotAllowed, ValidationError
from reviews.comments import is_reviewer_of, may_read
from reviews.models import (
    AssignmentStatus,
    Comment,
    Decision,
    NotificationKind,
    ReviewAssignment,
    ReviewRound,
    RoundDecision,
)
from reviews.notifications import notify
from reviews.quorum import latest_round, open_round
from reviews.workflow.steps import latest_revision, refuse

QUOTE_CONTEXT = 64


def comment_refusal(user, article: Article) -> Exception | None:
    """Editors and the open round's reviewers (no conflict declared) start threads."""
    if roles.is_editor(user) and not roles.is_author(user, article):
        return None
    in_open_round = (
        ReviewAssignment.objects.filter(
            round__article=article, round=open_round(article), reviewer__user=user, reviewer__active=True
        )
        .exclude(status=AssignmentStatus.CONFLICT)
        .exclude(conflict_of_interest=True)
    )
    if not roles.is_signed_in(user) or roles.is_author(user, article) or not is_reviewer_of(user, article):
        return PermissionDenied(_("Only the article's reviewers and the editors comment on passages."))
    if open_round(article) is None or not in_open_round.exists():
        return TransitionNotAllowed(_("Comments open with the next review round."))
    return None


def can_comment(user, article: Article) -> bool:
    return comment_refusal(user, article) is None


def _revision_of(article: Article, revision_id: int | None):
    if revision_id is None:
        return latest_revision(article)
    record = article.history.filter(history_id=revision_id).first()
    if record is None:
        raise ValidationError({"revision": _("No such revision of this article.")})
    return record


def _checked_quote(record, quote: dict | None) -> dict:
    quote = quote or {}
    exact = (quote.get("exact") or "").strip()
    if not exact:
        return {}
    if not quote_found(revision_text(record), exact):
        raise ValidationError(
            {
                "quote": _("The quoted text is not in revision %(id)d of the article.")
                % {"id": record.history_id}
            }
        )
    return {
        "quote_exact": exact,
        "quote_prefix": (quote.get("prefix") or "")[-QUOTE_CONTEXT:],
        "quote_suffix": (quote.get("suffix") or "")[:QUOTE_CONTEXT],
    }


def _checked_body(body: str) -> str:
    if not (body or "").strip():
        raise ValidationError({"body": _("Write the comment.")})
    return body.strip()


@transaction.atomic
def add_comment(
    *, actor, article: Article, body: str, quote: dict | None = None, revision: int | None = None
) -> Comment:
    """Start a thread, on a quoted passage (``quote``: ``exact``, ``prefix``, ``suffix``) or on the
    whole article, of ``revision`` (a history id; the current revision by default)."""
    refuse(comment_refusal(actor, article))
    body = _checked_body(body)
    record = _revision_of(article, revision)
    return Comment.objects.create(
        article=article,
        round=open_round(article),
        revision=record,
        author=actor,
        body=body,
        **_checked_quote(record, quote),
    )


def reply_refusal(user, comment: Comment) -> Exception | None:
    if not roles.is_signed_in(user) or not may_read(user, comment):
        return PermissionDenied(_("You cannot reply in this thread."))
    return None


@transaction.atomic
def reply(*, actor, comment: Comment, body: str) -> Comment:
    """Answer in ``comment``'s thread; the thread's author is told."""
    thread = comment.parent or comment
    refuse(reply_refusal(actor, thread))
    answer = Comment.objects.create(
        article=thread.article,
        round=thread.round,
        revision=latest_revision(thread.article),
        parent=thread,
        author=actor,
        body=_checked_body(body),
    )
    if thread.author_id != actor.pk:
        notify([thread.author], NotificationKind.COMMENT_REPLY, thread.article, {"comment": thread.pk})
    return answer


def resolve_refusal(user, comment: Comment) -> Exception | None:
    thread = comment.parent or comment
    if not may_read(user, thread):
        return PermissionDenied(_("You cannot see this thread."))
    allowed = thread.author_id == user.pk or roles.is_author(user, thread.article) or roles.is_editor(user)
    if not allowed:
        return PermissionDenied(_("A thread is resolved by the authors, its commenter or an editor."))
    return None


@transaction.atomic
def resolve(*, actor, comment: Comment) -> Comment:
    thread = Comment.objects.select_for_update().get(pk=(comment.parent_id or comment.pk))
    refuse(resolve_refusal(actor, thread))
    if thread.resolved_at is None:
        thread.resolved_at = timezone.now()
        thread.resolved_by = actor
        thread.save(update_fields=["resolved_at", "resolved_by"])
    return thread


# Answering a decision letter -----------------------------------------------------------------


def letter_of(review_round: ReviewRound | None) -> RoundDecision | None:
    """The decision letter that closed ``review_round`` asking for changes, if any."""
    if review_round is None:
        return None
    letter = RoundDecision.objects.filter(round=review_round, decision=Decision.REQUEST_CHANGES).first()
    if letter is not None:
        # What the pages show of it: the forwarded comments with their authors, read once.
        letter.forwarded_comments = list(
            letter.forwarded.select_related("author").order_by("created_at", "pk")
        )
    return letter


def checked_responses(article: Article, previous: ReviewRound | None, responses: list) -> list[tuple]:
    """Pair each forwarded comment of the last letter with the author's answer (400 if one is missing)."""
    letter = letter_of(previous) if previous is not None and previous == latest_round(article) else None
    forwarded = {c.pk: c for c in letter.forwarded.all()} if letter else {}
    given, errors = {}, []
    for response in responses:
        try:
            pk = int(response.get("comment"))
        except (AttributeError, TypeError, ValueError):
            errors.append(_("Each response names a forwarded comment by its id."))
            continue
        if pk not in forwarded:
            errors.append(_("Comment %(id)s was not forwarded to you.") % {"id": pk})
        elif (response.get("reply") or "").strip():
            given[pk] = (forwarded[pk], response["reply"].strip(), bool(response.get("resolved")))
    errors += [
        _("Answer the reviewer's comment %(id)d: “%(body)s”.") % {"id": pk, "body": c.body[:80]}
        for pk, c in forwarded.items()
        if pk not in given
    ]
    if errors:
        raise ValidationError({"responses": errors})
    return list(given.values())


def record_responses(article: Article, answers: list[tuple], *, actor) -> None:
    revision = latest_revision(article)
    now = timezone.now()
    for comment, text, resolved in answers:
        Comment.objects.create(
            article=article, round=comment.round, revision=revision, parent=comment, author=actor, body=text
        )
        if resolved and comment.resolved_at is None:
            comment.resolved_at, comment.resolved_by = now, actor
            comment.save(update_fields=["resolved_at", "resolved_by"])
