"""What an editor's change to a cited source does to the reviews of the articles citing it.

``articles.library.sources`` re-hashes the citing articles and sends
``articles.signals.source_changed`` (connected in ``ReviewsConfig.ready()``); here, in the same
transaction, each article's chain records the change, and:

- under review: the sign-offs on the old hash no longer count; when there were any, the round is
  cancelled and the next one starts at once with the same reviewers, and every reviewer is told
  which source changed and how;
- approved or due for re-review: the editors are told "a cited source changed since review";
  the live Publication stays exactly as signed until the next approval.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from articles import roles
from articles.models import Article, Source, Status
from reviews import audit
from reviews.models import AuditKind, NotificationKind, ReviewRound, RoundStatus, SignOff
from reviews.notifications import notify
from reviews.quorum import open_round
from reviews.workflow.steps import close_round, open_new_round


def describe_changes(source: Source, changes: dict) -> str:
    """One line per changed field: ``title: "old" → "new"``."""
    lines = [_("[@%(key)s] %(title)s changed:") % {"key": source.key, "title": source.title}]
    lines += [f"{name}: {old!r} → {new!r}" for name, (old, new) in changes.items()]
    return "\n".join(lines)


def restart_round(article: Article, review_round: ReviewRound, *, by) -> ReviewRound:
    """Cancel a round whose sign-offs covered the old content and start the next with its reviewers."""
    close_round(review_round, RoundStatus.CANCELLED)
    new_round = open_new_round(article, carry_over_from=review_round, actor=by)
    new_round.status = RoundStatus.IN_PROGRESS
    new_round.started_at = timezone.now()
    new_round.started_by = by
    new_round.save(update_fields=["status", "started_at", "started_by"])
    return new_round


def under_review(article: Article, *, by, payload: dict) -> None:
    review_round = open_round(article)
    if review_round is None:
        return
    if SignOff.objects.filter(assignment__round=review_round).exists():
        review_round = restart_round(article, review_round, by=by)
        payload = {**payload, "signoffs_voided": True}
    reviewers = [a.reviewer.user for a in review_round.assignments.select_related("reviewer__user")]
    notify(reviewers, NotificationKind.SOURCE_CHANGED, article, payload)


def on_source_changed(sender, *, source: Source, changes: dict, by, history, articles, **kwargs) -> None:
    """``articles.signals.source_changed``: chain, void and tell, article by article."""
    reason = describe_changes(source, changes)
    payload = {"source": source.key, "title": source.title, "changes": changes, "reason": reason}
    editors = list(roles.editors())
    for article in articles:
        audit.append(article.pk, AuditKind.SOURCE_CHANGE, history)
        if article.status == Status.UNDER_REVIEW:
            under_review(article, by=by, payload=payload)
        elif article.status in (Status.APPROVED, Status.REVIEW_DUE):
            notify(editors, NotificationKind.SOURCE_CHANGED, article, {**payload, "since_review": True})
