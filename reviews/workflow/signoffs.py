"""The board's review: each reviewer's independent recommendation, and what follows from it.

``recommend`` is the one entry point for a recommendation, and signs it (``reviews.signatures``).
A ``request_changes`` no longer ends the round: the colleagues are told and keep reviewing, and
an editor decides (``reviews.workflow.decisions``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import roles
from articles.models import Article, Status
from editorial.refusals import PermissionDenied, StaleContent, TransitionNotAllowed, ValidationError
from reviews import audit, review_form, signatures
from reviews.models import (
    ATTESTATION,
    OPEN_ROUND_STATUSES,
    AssignmentStatus,
    AuditKind,
    Comment,
    Decision,
    NotificationKind,
    ReviewAssignment,
    RoundStatus,
    SignatureMeaning,
    SignOff,
)
from reviews.notifications import notify
from reviews.quorum import policy_for, quorum_for
from reviews.workflow.decisions import decide_by_policy, policy_decides
from reviews.workflow.steps import latest_revision, lock, refuse

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


def _declare_with_recommendation(assignment: ReviewAssignment, conflict_of_interest: bool | None) -> None:
    if conflict_of_interest:
        raise PermissionDenied(_("A reviewer with a declared conflict of interest cannot sign off."))
    if assignment.conflict_of_interest is None:
        if conflict_of_interest is None:
            message = _("Declare whether you have a conflict of interest before signing off.")
            raise ValidationError({"conflict_of_interest": message})
        assignment.conflict_of_interest = False
        assignment.conflict_declared_at = timezone.now()


@transaction.atomic
def recommend(
    *,
    actor,
    article: Article,
    decision: str,
    comments: str = "",
    attestation: bool,
    conflict_of_interest: bool | None = None,
    content_hash: str | None = None,
    form: dict | None = None,
    password: str = "",
    otp: str = "",
) -> SignOffResult:
    """Record a reviewer's recommendation on the exact content under review.

    A recommendation needs the reviewer's conflict-of-interest declaration, made before it
    (``declare_conflict``) or with it: ``conflict_of_interest=False`` declares no conflict in the
    same step, ``None`` relies on an earlier declaration, ``True`` is refused (403; a conflict is
    recorded with ``declare_conflict``). ``form`` answers the policy's review form; its required
    items must be answered before an approval. A ``request_changes`` tells the colleagues and the
    editors and leaves the round running; an approval that completes the quorum approves and
    publishes when the policy decides automatically and nobody asked for changes.

    The recommendation is an electronic signature (``reviews.signatures``): ``password`` (or
    ``otp``, for a reviewer with a device) proves the signer, and a wrong one records nothing (403).
    """
    article = lock(article)
    refuse(sign_off_refusal(actor, article))
    assignment = signable_assignment(actor, article)
    _check_signoff_input(
        article, decision=decision, comments=comments, attestation=attestation, content_hash=content_hash
    )
    answers = review_form.checked_answers(policy_for(article), form or {}, decision=decision)
    _declare_with_recommendation(assignment, conflict_of_interest)
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
    revision = latest_revision(article)
    try:
        with transaction.atomic():
            signoff = SignOff.objects.create(
                assignment=assignment,
                article_history=revision,
                content_hash=article.content_hash,
                content_hash_version=article.content_hash_version,
                signature=signature,
                decision=decision,
                comments=comments.strip(),
                attestation=ATTESTATION,
                form=answers,
            )
    except IntegrityError as exc:
        raise TransitionNotAllowed(_("You have already signed off this round.")) from exc
    audit.append(article.pk, AuditKind.SIGNOFF, signoff)
    if signoff.comments:
        Comment.objects.create(
            article=article,
            round=assignment.round,
            revision=revision,
            author=actor,
            signoff=signoff,
            body=signoff.comments,
        )
    _after_recommendation(article, assignment, signoff, actor=actor)
    return SignOffResult(signoff=signoff, article=article)


# The name the API and the pages have used for a recommendation.
sign_off = recommend


def _after_recommendation(article: Article, assignment: ReviewAssignment, signoff: SignOff, *, actor) -> None:
    review_round = assignment.round
    if signoff.decision == Decision.REQUEST_CHANGES:
        colleagues = [
            a.reviewer.user
            for a in review_round.assignments.exclude(pk=assignment.pk)
            .exclude(status=AssignmentStatus.CONFLICT)
            .select_related("reviewer__user")
        ]
        payload = {"reviewer": assignment.reviewer.display_name, "comments": signoff.comments}
        notify(colleagues, NotificationKind.COLLEAGUE_REQUESTED_CHANGES, article, payload)
        notify(roles.editors(), NotificationKind.DECISION_NEEDED, article, payload)
    elif policy_decides(article, review_round):
        decide_by_policy(article, review_round, actor=actor)
    elif quorum_for(article, review_round).met:
        notify(roles.editors(), NotificationKind.DECISION_NEEDED, article, {"quorum": True})
