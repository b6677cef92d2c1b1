"""Who counts in a review and what is still missing: the only place sign-offs are counted.

A round's quorum is met when enough eligible reviewers approved exactly the current content
(the policy's number, default 2), at least one of the article's specialty when the policy asks,
and no cited source is retracted. Eligible: an active board member, not an author of the
article, with no declared conflict of interest. The workflow approves on these facts, and the
pages show them, so what a page says counts is what counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from articles.models import Article
from reviews.models import (
    OPEN_ROUND_STATUSES,
    AssignmentStatus,
    BoardMember,
    Decision,
    ReviewAssignment,
    ReviewPolicy,
    ReviewRound,
    SignOff,
)


def policy_for(article: Article) -> ReviewPolicy:
    """The topic's own policy, else the site-wide default, else the built-in defaults."""
    # Not ``specialty_id__in=[topic, None]``: SQL's IN never matches NULL, so the default was lost.
    scopes = ReviewPolicy.objects.filter(specialty_id=article.topic_id) | ReviewPolicy.objects.filter(
        specialty__isnull=True
    )
    policies = {p.specialty_id: p for p in scopes}
    return policies.get(article.topic_id) or policies.get(None) or ReviewPolicy()


def open_round(article: Article) -> ReviewRound | None:
    return article.review_rounds.filter(status__in=OPEN_ROUND_STATUSES).first()


def latest_round(article: Article) -> ReviewRound | None:
    return article.review_rounds.order_by("-number").first()


def author_ids(article: Article) -> set[int]:
    return set(article.authors.values_list("pk", flat=True))


def eligible_assignments(review_round: ReviewRound, article: Article) -> QuerySet[ReviewAssignment]:
    """Assignments that can still lead to a counting sign-off: active, not an author, no conflict."""
    return (
        review_round.assignments.filter(reviewer__active=True)
        .exclude(reviewer__user_id__in=author_ids(article))
        .exclude(conflict_of_interest=True)
        .exclude(status__in=[AssignmentStatus.CONFLICT, AssignmentStatus.CLOSED])
        .select_related("reviewer__user")
    )


def has_enough_reviewers(review_round: ReviewRound | None, article: Article) -> bool:
    """Enough eligible reviewers are assigned in ``review_round`` to start it."""
    if review_round is None:
        return False
    return eligible_assignments(review_round, article).count() >= policy_for(article).approvals_required


@dataclass(frozen=True)
class Quorum:
    """Where a round stands against the policy, on the current content."""

    approvals: int
    required: int
    specialty_match_required: bool
    specialty_matched: bool
    retracted_keys: tuple[str, ...] = ()
    # The sign-offs that count (ids), for pages that mark them.
    counted: frozenset[int] = frozenset()

    @property
    def met(self) -> bool:
        return (
            self.approvals >= self.required
            and (self.specialty_matched or not self.specialty_match_required)
            and not self.retracted_keys
        )

    @property
    def missing(self) -> list[str]:
        gaps = []
        if self.approvals < self.required:
            gaps.append(
                _("%(n)d of %(required)d approvals on the current content")
                % {"n": self.approvals, "required": self.required}
            )
        if self.specialty_match_required and not self.specialty_matched:
            gaps.append(_("an approval from a reviewer of the article's specialty"))
        gaps += [_("replacing the retracted source [@%(key)s]") % {"key": key} for key in self.retracted_keys]
        return gaps


def counting_signoffs(article: Article, review_round: ReviewRound | None) -> list[SignOff]:
    """The approvals that count: of this round, on exactly the current content, by no author."""
    if review_round is None:
        return []
    authors = author_ids(article)
    approvals = SignOff.objects.filter(
        assignment__round=review_round,
        decision=Decision.APPROVE,
        content_hash=article.content_hash,
        content_hash_version=article.content_hash_version,
    ).select_related("assignment__reviewer__user")
    return [s for s in approvals.order_by("signed_at") if s.assignment.reviewer.user_id not in authors]


def quorum_for(article: Article, review_round: ReviewRound | None = None) -> Quorum:
    """Count the approvals that count in ``review_round`` (the open round by default)."""
    review_round = review_round or open_round(article)
    policy = policy_for(article)
    signoffs = counting_signoffs(article, review_round)
    matched = BoardMember.objects.filter(
        pk__in=[s.assignment.reviewer_id for s in signoffs], specialties=article.topic_id
    ).exists()
    return Quorum(
        approvals=len(signoffs),
        required=policy.approvals_required,
        specialty_match_required=policy.specialty_match_required,
        specialty_matched=matched,
        # A source retracted after submission blocks approval until the citation is replaced.
        retracted_keys=tuple(
            article.citations.filter(source__retracted_on__isnull=False).values_list("source__key", flat=True)
        ),
        counted=frozenset(signoff.pk for signoff in signoffs),
    )
