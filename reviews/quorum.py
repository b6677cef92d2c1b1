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

from articles.models import Article, Citation
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
    return _policies_for([article.topic_id])(article)


def _policies_for(topic_ids):
    """``policy_for`` of articles of these topics, from one query."""
    # Not ``specialty_id__in=[topic, None]``: SQL's IN never matches NULL, so the default was lost.
    scopes = ReviewPolicy.objects.filter(specialty_id__in=set(topic_ids)) | ReviewPolicy.objects.filter(
        specialty__isnull=True
    )
    policies = {p.specialty_id: p for p in scopes}
    return lambda article: policies.get(article.topic_id) or policies.get(None) or ReviewPolicy()


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
    return _counting(_approvals_in([review_round]).get(review_round.pk, []), article, author_ids(article))


def _approvals_in(rounds: list[ReviewRound]) -> dict[int, list[SignOff]]:
    """The approving sign-offs of ``rounds``, oldest first, by round."""
    approvals: dict[int, list[SignOff]] = {}
    if rounds:
        signoffs = SignOff.objects.filter(
            assignment__round__in=rounds, decision=Decision.APPROVE
        ).select_related("assignment__reviewer__user")
        for signoff in signoffs.order_by("signed_at", "pk"):
            approvals.setdefault(signoff.assignment.round_id, []).append(signoff)
    return approvals


def _counting(approvals: list[SignOff], article: Article, authors: set[int]) -> list[SignOff]:
    return [
        s
        for s in approvals
        if s.content_hash == article.content_hash
        and s.content_hash_version == article.content_hash_version
        and s.assignment.reviewer.user_id not in authors
    ]


def _authors_of(articles) -> dict[int, set[int]]:
    authors: dict[int, set[int]] = {article.pk: set() for article in articles}
    through = Article.authors.through.objects.filter(article__in=articles)
    for article_id, user_id in through.values_list("article_id", "user_id"):
        authors[article_id].add(user_id)
    return authors


def _specialties_of(reviewer_ids: set[int]) -> set[tuple[int, int]]:
    """(board member, specialty) pairs of these reviewers."""
    if not reviewer_ids:
        return set()
    through = BoardMember.specialties.through.objects.filter(boardmember_id__in=reviewer_ids)
    return set(through.values_list("boardmember_id", "specialty_id"))


def _retracted_keys_of(articles) -> dict[int, list[str]]:
    """The keys of the retracted sources each article cites, in citation order."""
    # A source retracted after submission blocks approval until the citation is replaced.
    retracted: dict[int, list[str]] = {}
    citations = Citation.objects.filter(article__in=articles, source__retracted_on__isnull=False)
    for article_id, key in citations.order_by("article_id", "number").values_list(
        "article_id", "source__key"
    ):
        retracted.setdefault(article_id, []).append(key)
    return retracted


def quorum_for(article: Article, review_round: ReviewRound | None = None) -> Quorum:
    """Count the approvals that count in ``review_round`` (the open round by default)."""
    return quorums_for([article], {article.pk: review_round or open_round(article)})[article.pk]


def quorums_for(articles, rounds: dict[int, ReviewRound | None] | None = None) -> dict[int, Quorum]:
    """``quorum_for`` of each article, by id, in a fixed number of queries however many articles.

    ``rounds`` maps an article's id to the round to count; by default, its open round.
    """
    articles = list(articles)
    if rounds is None:
        open_rounds = ReviewRound.objects.filter(article__in=articles, status__in=OPEN_ROUND_STATUSES)
        rounds = {review_round.article_id: review_round for review_round in open_rounds}
    policy = _policies_for(article.topic_id for article in articles)
    authors = _authors_of(articles)
    approvals = _approvals_in([r for r in rounds.values() if r is not None])
    counted = {
        article.pk: _counting(
            approvals.get(getattr(rounds.get(article.pk), "pk", None), []), article, authors[article.pk]
        )
        for article in articles
    }
    specialties = _specialties_of(
        {s.assignment.reviewer_id for signoffs in counted.values() for s in signoffs}
    )
    retracted = _retracted_keys_of(articles)
    quorums = {}
    for article in articles:
        article_policy = policy(article)
        signoffs = counted[article.pk]
        quorums[article.pk] = Quorum(
            approvals=len(signoffs),
            required=article_policy.approvals_required,
            specialty_match_required=article_policy.specialty_match_required,
            specialty_matched=any(
                (s.assignment.reviewer_id, article.topic_id) in specialties for s in signoffs
            ),
            retracted_keys=tuple(retracted.get(article.pk, ())),
            counted=frozenset(s.pk for s in signoffs),
        )
    return quorums
