"""How a round ends: a decision, the editor's or the policy's at quorum.

``decide`` is the one entry point for an editor's decision, which the editor signs
(``reviews.signatures``) as a reviewer signs a recommendation; the policy's automatic approval at
quorum is recorded the same way, as an append-only ``RoundDecision`` without an editor or a
signature. Every decision enters the article's audit chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import publishing, roles
from articles.models import Article, Status
from editorial.refusals import PermissionDenied, TransitionNotAllowed, ValidationError
from reviews import audit, signatures
from reviews.models import (
    AuditKind,
    BoardMember,
    Comment,
    Decision,
    DecisionMode,
    NotificationKind,
    ReviewRound,
    RoundDecision,
    RoundStatus,
    SignatureMeaning,
    SignOff,
)
from reviews.notifications import notify
from reviews.quorum import counting_signoffs, open_round, policy_for, quorum_for
from reviews.workflow.steps import close_round, latest_revision, lock, refuse, save_transition


def changes_recommended(article: Article, review_round: ReviewRound) -> list[SignOff]:
    """The round's recommendations asking for changes on the current content."""
    return list(
        SignOff.objects.filter(
            assignment__round=review_round,
            decision=Decision.REQUEST_CHANGES,
            content_hash=article.content_hash,
        ).select_related("assignment__reviewer")
    )


def changes_recommended_in(articles) -> set[int]:
    """Ids of those of ``articles`` whose running round has a request for changes on the current
    content: one query for a whole list."""
    return set(
        SignOff.objects.filter(
            assignment__round__article__in=[a.pk for a in articles],
            assignment__round__status=RoundStatus.IN_PROGRESS,
            decision=Decision.REQUEST_CHANGES,
            content_hash=F("assignment__round__article__content_hash"),
        ).values_list("assignment__round__article_id", flat=True)
    )


def policy_decides(article: Article, review_round: ReviewRound) -> bool:
    """Whether the policy approves now: automatic decisions, quorum met, nobody asking for changes."""
    return (
        policy_for(article).decision == DecisionMode.AUTO
        and quorum_for(article, review_round).met
        and not changes_recommended(article, review_round)
    )


# The editor's decision -----------------------------------------------------------------------


def decide_refusal(user, article: Article) -> Exception | None:
    if not roles.is_editor(user):
        return PermissionDenied(_("Only an editor may decide on a review round."))
    if roles.is_author(user, article):
        return PermissionDenied(_("An author cannot decide on their own article."))
    review_round = open_round(article)
    if article.status != Status.UNDER_REVIEW or review_round is None:
        return TransitionNotAllowed(
            _("There is no running review round to decide on (the article is %(s)s).")
            % {"s": article.status_label}
        )
    return None


def can_decide(user, article: Article) -> bool:
    return decide_refusal(user, article) is None


def approve_refusal(user, article: Article) -> Exception | None:
    """An approval also needs the quorum: the reviewers' approvals are what is published."""
    if not roles.is_editor(user):
        return PermissionDenied(_("Only an editor may approve an article."))
    if refusal := decide_refusal(user, article):
        return refusal
    quorum = quorum_for(article)
    if not quorum.met:
        return TransitionNotAllowed(
            _("The quorum is not met: %(missing)s.") % {"missing": "; ".join(quorum.missing)}
        )
    return None


def can_approve(user, article: Article) -> bool:
    return approve_refusal(user, article) is None


def _forwardable(article: Article, review_round: ReviewRound, ids: Iterable[int]) -> list[Comment]:
    """The comments named by ``ids``: threads of this round's reviewers and editors (400 otherwise)."""
    wanted = list(dict.fromkeys(int(pk) for pk in ids))
    found = Comment.objects.filter(pk__in=wanted, article=article, round=review_round, parent__isnull=True)
    by_pk = {comment.pk: comment for comment in found}
    unknown = [str(pk) for pk in wanted if pk not in by_pk]
    if unknown:
        raise ValidationError(
            {"forward": _("Not a comment of this round: %(ids)s.") % {"ids": ", ".join(unknown)}}
        )
    return [by_pk[pk] for pk in wanted]


@transaction.atomic
def decide(
    *,
    actor,
    article: Article,
    decision: str,
    letter: str = "",
    forward: Iterable[int] = (),
    password: str = "",
    otp: str = "",
) -> Article:
    """The editor ends the running round: approve (needs the quorum) or request changes.

    A ``request_changes`` decision sends the authors one decision letter: ``letter`` and the
    comments named in ``forward``, which they answer when they resubmit. The decision is an
    electronic signature: ``password`` (or ``otp``, for an editor with a device) proves the
    signer, and a wrong one records nothing (403).
    """
    article = lock(article)
    if decision not in Decision.values:
        refuse(decide_refusal(actor, article))
        raise ValidationError({"decision": _("Choose approve or request_changes.")})
    refuse(
        approve_refusal(actor, article) if decision == Decision.APPROVE else decide_refusal(actor, article)
    )
    review_round = open_round(article)
    letter = letter.strip()
    if decision == Decision.REQUEST_CHANGES:
        if not letter:
            raise ValidationError({"letter": _("Write the decision letter: what the authors should change.")})
        forwarded = _forwardable(article, review_round, forward)
        signature = _sign_decision(actor, article, decision, password=password, otp=otp)
        record = _record_decision(
            article, review_round, decision=decision, actor=actor, letter=letter, signature=signature
        )
        record.forwarded.set(forwarded)
        _request_changes(article, review_round, actor=actor, record=record)
    else:
        signature = _sign_decision(actor, article, decision, password=password, otp=otp)
        record = _record_decision(
            article, review_round, decision=decision, actor=actor, letter=letter, signature=signature
        )
        _approve(article, review_round, actor=actor, approved_by=actor, comment=letter)
    _tell_reviewers(article, review_round, record)
    return article


def approve(*, actor, article: Article, comment: str = "", password: str = "", otp: str = "") -> Article:
    """An editor's approval at quorum: ``decide`` with ``approve``, signed the same way."""
    return decide(
        actor=actor, article=article, decision=Decision.APPROVE, letter=comment, password=password, otp=otp
    )


# What a decision does ------------------------------------------------------------------------


_DECISION_MEANINGS = {
    Decision.APPROVE: SignatureMeaning.DECISION_APPROVE,
    Decision.REQUEST_CHANGES: SignatureMeaning.DECISION_REQUEST_CHANGES,
}


def _sign_decision(actor, article: Article, decision: str, *, password: str, otp: str):
    member = BoardMember.objects.filter(user=actor).only("credentials").first()
    return signatures.sign(
        signer=actor,
        article=article,
        meaning=_DECISION_MEANINGS[decision],
        printed_name=actor.get_full_name() or actor.get_username(),
        credentials=member.credentials if member else "",
        password=password,
        otp=otp,
    )


def _record_decision(
    article: Article, review_round: ReviewRound, *, decision: str, actor, letter: str, signature=None
) -> RoundDecision:
    record = RoundDecision.objects.create(
        round=review_round,
        article=article,
        decision=decision,
        decided_by=actor,
        letter=letter,
        article_history=latest_revision(article),
        content_hash=article.content_hash,
        signature=signature,
    )
    audit.append(article.pk, AuditKind.DECISION, record)
    return record


def decide_by_policy(article: Article, review_round: ReviewRound, *, actor) -> None:
    """The policy's decision at quorum (``decision: auto``): recorded, then approved."""
    _record_decision(article, review_round, decision=Decision.APPROVE, actor=None, letter="")
    _approve(article, review_round, actor=actor, approved_by=None, comment=_("quorum reached"))


def _request_changes(article: Article, review_round: ReviewRound, *, actor, record: RoundDecision) -> None:
    from_status = article.status
    article.request_changes()
    save_transition(
        article, action="request_changes", from_status=from_status, actor=actor, comment=record.letter
    )
    close_round(review_round, RoundStatus.CHANGES_REQUESTED)
    notify(
        article.authors.all(),
        NotificationKind.CHANGES_REQUESTED,
        article,
        {
            "comments": record.letter,
            "decision": record.pk,
            "forwarded": [c.pk for c in record.forwarded.all()],
        },
    )


def _tell_reviewers(article: Article, review_round: ReviewRound, record: RoundDecision) -> None:
    reviewers = [a.reviewer.user for a in review_round.assignments.select_related("reviewer__user")]
    notify(
        reviewers,
        NotificationKind.DECIDED,
        article,
        {"decision": record.decision, "round": review_round.number},
    )


def _approve(article: Article, review_round: ReviewRound, *, actor, approved_by, comment: str) -> None:
    """Approve, close the round and publish exactly the signed content."""
    now = timezone.now()
    next_due = timezone.localdate(now) + timedelta(days=policy_for(article).review_interval_days)
    from_status = article.status
    article.approve(reviewed_at=now, next_review_due=next_due)
    save_transition(article, action="approve", from_status=from_status, actor=actor, comment=comment)
    reviewers = [
        {
            "name": s.assignment.reviewer.display_name,
            "slug": s.assignment.reviewer.slug,
            "orcid": s.assignment.reviewer.orcid,
            "credentials": s.assignment.reviewer.credentials,
            "specialties": [sp.name for sp in s.assignment.reviewer.specialties.all()],
            "signed_at": s.signed_at.isoformat(),
        }
        for s in counting_signoffs(article, review_round)
    ]
    close_round(review_round, RoundStatus.APPROVED)
    publication = publishing.publish(
        article,
        article_history_id=latest_revision(article).history_id,
        reviewers=reviewers,
        approved_by=approved_by,
        approved_at=now,
        next_review_due=next_due,
    )
    audit.append(article.pk, AuditKind.PUBLICATION, publication)
    notify(article.authors.all(), NotificationKind.APPROVED, article, {})
