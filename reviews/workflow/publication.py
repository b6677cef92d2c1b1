"""After publication: a new revision, a re-review, a retraction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import roles
from articles.models import Article
from editorial.refusals import PermissionDenied, ValidationError
from reviews.models import NotificationKind, ReviewAssignment, RoundStatus
from reviews.notifications import notify
from reviews.quorum import latest_round, open_round
from reviews.workflow.steps import close_round, lock, open_new_round, refuse, save_transition, state_refusal

# After publication ---------------------------------------------------------------------------


def revise_refusal(user, article: Article) -> Exception | None:
    if not (roles.is_author(user, article) or roles.is_editor(user)):
        return PermissionDenied(_("Only an author or an editor may revise."))
    return state_refusal(article, "revise")


def can_revise(user, article: Article) -> bool:
    return revise_refusal(user, article) is None


@transaction.atomic
def revise(*, actor, article: Article, comment: str = "") -> Article:
    """Start a new working draft of a published article; its Publication stays live meanwhile."""
    article = lock(article)
    refuse(revise_refusal(actor, article))
    review_round = open_round(article)
    if review_round is not None:
        close_round(review_round, RoundStatus.CANCELLED)
    from_status = article.status
    article.revise()
    save_transition(article, action="revise", from_status=from_status, actor=actor, comment=comment)
    return article


def flag_for_rereview_refusal(user, article: Article) -> Exception | None:
    """``user`` None is the system (the scheduled re-review, a retracted source)."""
    if user is not None and not roles.is_editor(user):
        return PermissionDenied(_("Only an editor may flag an article for re-review."))
    return state_refusal(article, "flag_for_rereview")


def can_flag_for_rereview(user, article: Article) -> bool:
    return user is not None and flag_for_rereview_refusal(user, article) is None


@transaction.atomic
def flag_for_rereview(*, actor, article: Article, reason: str) -> Article:
    """Bring an approved article back to the board (``actor`` None: the system did it)."""
    article = lock(article)
    refuse(flag_for_rereview_refusal(actor, article))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the article needs another review.")})
    _reopen_for_review(article, actor=actor, reason=reason)
    notify(
        list(roles.editors()) + list(article.authors.all()),
        NotificationKind.REVIEW_DUE,
        article,
        {"reason": reason},
    )
    return article


def send_back_to_review(*, actor, article: Article, reason: str) -> bool:
    """Re-review an approved article (locked by the caller) without notifying: the caller says why
    in its own notification (a retracted source). Returns whether the article was approved."""
    if state_refusal(article, "flag_for_rereview") is not None:
        return False
    _reopen_for_review(article, actor=actor, reason=reason)
    return True


def _reopen_for_review(article: Article, *, actor, reason: str) -> None:
    """Move a locked, approved article to Review Due and open its next round."""
    previous = latest_round(article)
    from_status = article.status
    article.flag_for_rereview(reason=reason)
    save_transition(article, action="flag_for_rereview", from_status=from_status, actor=actor, comment=reason)
    open_new_round(article, carry_over_from=previous, actor=actor)


def retract_refusal(user, article: Article) -> Exception | None:
    if not roles.is_editor(user):
        return PermissionDenied(_("Only an editor may retract an article."))
    return state_refusal(article, "retract")


def can_retract(user, article: Article) -> bool:
    return retract_refusal(user, article) is None


@transaction.atomic
def retract(*, actor, article: Article, notice: str) -> Article:
    """Withdraw a published article; the record stays and the public sees the notice (410).

    The authors, the article's reviewers and the other editors are told.
    """
    article = lock(article)
    refuse(retract_refusal(actor, article))
    if not notice.strip():
        raise ValidationError({"notice": _("A retraction needs a notice for readers.")})
    review_round = open_round(article)
    if review_round is not None:
        close_round(review_round, RoundStatus.CANCELLED)
    from_status = article.status
    article.retract(notice=notice.strip(), retracted_at=timezone.now())
    save_transition(article, action="retract", from_status=from_status, actor=actor, comment=notice.strip())
    reviewers = [
        a.reviewer.user
        for a in ReviewAssignment.objects.filter(round__article=article).select_related("reviewer__user")
    ]
    recipients = [*article.authors.all(), *reviewers, *roles.editors()]
    notify(
        [user for user in recipients if user != actor],
        NotificationKind.RETRACTED,
        article,
        {"notice": notice.strip()},
    )
    return article
