"""What every workflow step shares: the row lock, refusing, saving a transition, opening rounds."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from articles.models import Article
from editorial.refusals import TransitionNotAllowed
from reviews import audit
from reviews.models import (
    AssignmentStatus,
    AuditKind,
    ReviewAssignment,
    ReviewRound,
    RoundStatus,
    TransitionLog,
)
from reviews.quorum import latest_round, policy_for


def lock(article: Article) -> Article:
    """Fetch the article again with its row locked for the rest of the transaction."""
    # of=("self",): lock only the article row, not the joined topic shared by other articles.
    return Article.objects.select_for_update(of=("self",)).select_related("topic").get(pk=article.pk)


def refuse(refusal: Exception | None) -> None:
    if refusal is not None:
        raise refusal


def state_refusal(article: Article, transition_name: str) -> TransitionNotAllowed | None:
    """409 when the article's state does not allow ``transition_name`` now."""
    if can_proceed(getattr(article, transition_name)):
        return None
    return TransitionNotAllowed(
        _("Cannot %(action)s: the article is %(status)s.")
        % {"action": transition_name.replace("_", " "), "status": article.status_label}
    )


def save_transition(
    article: Article, *, action: str, from_status: str, actor, comment: str = ""
) -> TransitionLog:
    """Save the article once (history row with actor and reason) and append the log entry."""
    reason = f"{action}: {comment}" if comment else action
    article._change_reason = reason[:100]
    article._history_user = actor
    article.save()
    log = TransitionLog.objects.create(
        article=article,
        action=action,
        from_status=from_status,
        to_status=article.status,
        actor=actor,
        comment=comment,
        content_hash=article.content_hash,
    )
    audit.append(article.pk, AuditKind.TRANSITION, log)
    return log


def latest_revision(article: Article):
    """The newest history row of ``article``: the revision a record made now is about."""
    return article.history.order_by("-history_id").first()


def _same_declaration_context(previous: ReviewRound, article: Article, author_ids: list[int]) -> bool:
    """Conflicts were declared against the authors and topic; they carry over while both stay."""
    return previous.topic_id == article.topic_id and sorted(previous.author_ids) == author_ids


def open_new_round(article: Article, *, carry_over_from: ReviewRound | None, actor) -> ReviewRound:
    """Open the next round, asking the previous round's eligible reviewers again by default.

    Their due dates come from the policy; their declarations of no conflict carry over unless
    the article's authors or topic changed since that round.
    """
    last = latest_round(article)
    author_ids = sorted(article.authors.values_list("pk", flat=True))
    review_round = ReviewRound.objects.create(
        article=article,
        number=(last.number + 1) if last else 1,
        topic_id=article.topic_id,
        author_ids=author_ids,
    )
    if carry_over_from is not None:
        due = timezone.localdate() + timedelta(days=policy_for(article).assignment_due_days)
        previous = (
            carry_over_from.assignments.filter(reviewer__active=True)
            .exclude(status=AssignmentStatus.CONFLICT)
            .exclude(conflict_of_interest=True)
            .exclude(reviewer__user__in=article.authors.all())
            .select_related("reviewer")
        )
        carry = _same_declaration_context(carry_over_from, article, author_ids)
        ReviewAssignment.objects.bulk_create(
            ReviewAssignment(
                round=review_round,
                reviewer=a.reviewer,
                assigned_by=actor,
                due_date=due,
                conflict_of_interest=a.conflict_of_interest if carry else None,
                conflict_declared_at=a.conflict_declared_at if carry else None,
            )
            for a in previous
        )
    return review_round


def close_round(review_round: ReviewRound, status: RoundStatus) -> None:
    review_round.status = status
    review_round.closed_at = timezone.now()
    review_round.save(update_fields=["status", "closed_at"])
    review_round.assignments.filter(status=AssignmentStatus.ASSIGNED).update(status=AssignmentStatus.CLOSED)
