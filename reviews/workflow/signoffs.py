"""The board's review: reviewers sign off, the quorum (or an editor at quorum) approves and publishes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import publishing, roles
from articles.models import Article, Status
from editorial.refusals import PermissionDenied, StaleContent, TransitionNotAllowed, ValidationError
from reviews import audit, signatures
from reviews.models import (
    ATTESTATION,
    OPEN_ROUND_STATUSES,
    AssignmentStatus,
    AuditKind,
    Decision,
    NotificationKind,
    ReviewAssignment,
    ReviewRound,
    RoundStatus,
    SignatureMeaning,
    SignOff,
)
from reviews.notifications import notify
from reviews.quorum import counting_signoffs, open_round, policy_for, quorum_for
from reviews.workflow.steps import close_round, lock, refuse, save_transition, state_refusal

# Signing off ---------------------------------------------------------------------------------


def signable_assignment(user, article: Article) -> ReviewAssignment | None:
    """The user's assignment in the running round of ``article``, while they can still sign off."""
    if not roles.is_signed_in(user) or article.status != Status.UNDER_REVIEW:
        return None
    return (
        ReviewAssignment.objects.filter(
            round__article=article,
            round__status=RoundStatus.IN_PROGRESS,
            reviewer__user=user,
            reviewer__active=True,
            status=AssignmentStatus.ASSIGNED,
        )
        .select_related("round", "reviewer")
        .first()
    )


def sign_off_refusal(user, article: Article) -> Exception | None:
    if roles.is_author(user, article):
        return PermissionDenied(_("An author cannot review their own article."))
    assignments = ReviewAssignment.objects.filter(round__article=article, reviewer__user=user)
    if not roles.is_signed_in(user) or not assignments.exists():
        return PermissionDenied(_("You are not assigned to review this article."))
    if assignments.filter(round__status__in=OPEN_ROUND_STATUSES, conflict_of_interest=True).exists():
        return PermissionDenied(_("A reviewer with a declared conflict of interest cannot sign off."))
    if signable_assignment(user, article) is None:
        return TransitionNotAllowed(
            _("There is no open review of this article for you to sign off (the article is %(s)s).")
            % {"s": article.status_label}
        )
    return None


def can_sign_off(user, article: Article) -> bool:
    return sign_off_refusal(user, article) is None


@dataclass(frozen=True)
class SignOffResult:
    signoff: SignOff
    article: Article


def _check_signoff_input(article: Article, *, decision, comments, attestation, content_hash) -> None:
    if content_hash and content_hash != article.content_hash:
        raise StaleContent(
            _("The article changed since you loaded it; reload it and review the current version.")
        )
    if not attestation:
        raise ValidationError({"attestation": _("Confirm the attestation: %(text)s") % {"text": ATTESTATION}})
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose approve or request_changes.")})
    if decision == Decision.REQUEST_CHANGES and not comments.strip():
        raise ValidationError({"comments": _("Tell the authors what to change.")})


@transaction.atomic
def sign_off(
    *,
    actor,
    article: Article,
    decision: str,
    comments: str = "",
    attestation: bool,
    conflict_of_interest: bool | None = None,
    content_hash: str | None = None,
    password: str = "",
    otp: str = "",
) -> SignOffResult:
    """Record a reviewer's decision on the exact content under review.

    A sign-off needs the reviewer's conflict-of-interest declaration, made before it
    (``declare_conflict``) or with it: ``conflict_of_interest=False`` declares no conflict in the
    same step, ``None`` relies on an earlier declaration, ``True`` is refused (403; a conflict is
    recorded with ``declare_conflict``). A ``request_changes`` decision sends the article back to
    its authors at once; an approval that completes the quorum approves and publishes it.

    The sign-off is an electronic signature (``reviews.signatures``): ``password`` (or ``otp``,
    for a reviewer with a device) proves the signer, and a wrong one records nothing (403).
    """
    article = lock(article)
    refuse(sign_off_refusal(actor, article))
    assignment = signable_assignment(actor, article)
    _check_signoff_input(
        article, decision=decision, comments=comments, attestation=attestation, content_hash=content_hash
    )
    if conflict_of_interest:
        raise PermissionDenied(_("A reviewer with a declared conflict of interest cannot sign off."))
    if assignment.conflict_of_interest is None:
        if conflict_of_interest is None:
            message = _("Declare whether you have a conflict of interest before signing off.")
            raise ValidationError({"conflict_of_interest": message})
        assignment.conflict_of_interest = False
        assignment.conflict_declared_at = timezone.now()
    signature = signatures.sign(
        signer=actor,
        article=article,
        meaning=SignatureMeaning(decision),
        printed_name=assignment.reviewer.display_name,
        credentials=assignment.reviewer.credentials,
        password=password,
        otp=otp,
    )
    assignment.status = AssignmentStatus.SIGNED_OFF
    assignment._history_user = actor
    assignment._change_reason = f"signed off: {decision}"
    assignment.save()
    try:
        with transaction.atomic():
            signoff = SignOff.objects.create(
                assignment=assignment,
                article_history=article.history.order_by("-history_id").first(),
                content_hash=article.content_hash,
                content_hash_version=article.content_hash_version,
                signature=signature,
                decision=decision,
                comments=comments.strip(),
                attestation=ATTESTATION,
            )
    except IntegrityError as exc:
        raise TransitionNotAllowed(_("You have already signed off this round.")) from exc
    audit.append(article.pk, AuditKind.SIGNOFF, signoff)
    if decision == Decision.REQUEST_CHANGES:
        _request_changes(article, assignment.round, actor=actor, comments=signoff.comments)
    elif quorum_for(article, assignment.round).met:
        _approve(article, assignment.round, actor=actor, approved_by=None, comment=_("quorum reached"))
    return SignOffResult(signoff=signoff, article=article)


def _request_changes(article: Article, review_round: ReviewRound, *, actor, comments: str) -> None:
    from_status = article.status
    article.request_changes()
    save_transition(article, action="request_changes", from_status=from_status, actor=actor, comment=comments)
    close_round(review_round, RoundStatus.CHANGES_REQUESTED)
    notify(article.authors.all(), NotificationKind.CHANGES_REQUESTED, article, {"comments": comments})


# Approving -----------------------------------------------------------------------------------


def approve_refusal(user, article: Article) -> Exception | None:
    if not roles.is_editor(user):
        return PermissionDenied(_("Only an editor may approve an article."))
    if roles.is_author(user, article):
        return PermissionDenied(_("An author cannot approve their own article."))
    if refusal := state_refusal(article, "approve"):
        return refusal
    quorum = quorum_for(article)
    if not quorum.met:
        return TransitionNotAllowed(
            _("The quorum is not met: %(missing)s.") % {"missing": "; ".join(quorum.missing)}
        )
    return None


def can_approve(user, article: Article) -> bool:
    return approve_refusal(user, article) is None


@transaction.atomic
def approve(*, actor, article: Article, comment: str = "") -> Article:
    """An editor's explicit approval; refused (409) while the quorum is not met."""
    article = lock(article)
    refuse(approve_refusal(actor, article))
    _approve(article, open_round(article), actor=actor, approved_by=actor, comment=comment)
    return article


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
        article_history_id=article.history.order_by("-history_id")
        .values_list("history_id", flat=True)
        .first(),
        reviewers=reviewers,
        approved_by=approved_by,
        approved_at=now,
        next_review_due=next_due,
    )
    audit.append(article.pk, AuditKind.PUBLICATION, publication)
    notify(article.authors.all(), NotificationKind.APPROVED, article, {})
