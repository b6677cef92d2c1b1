"""Reads: what each role may see, and the review facts the pages and the API show."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from articles.models import Article
from reviews.models import ReviewAssignment, ReviewRound, SignOff, TransitionLog
from reviews.workflow import is_editor


def articles_visible_to(user) -> QuerySet[Article]:
    """Editors see every article; authors their own; reviewers those they were assigned."""
    articles = Article.objects.select_related("topic").prefetch_related("authors")
    if not user.is_authenticated:
        return articles.none()
    if is_editor(user):
        return articles
    return articles.filter(Q(authors=user) | Q(review_rounds__assignments__reviewer__user=user)).distinct()


def article_rounds(article: Article) -> QuerySet[ReviewRound]:
    """The article's rounds, newest first, with assignments, reviewers and sign-offs."""
    assignments = ReviewAssignment.objects.select_related(
        "reviewer__user", "assigned_by", "signoff"
    ).prefetch_related("reviewer__specialties")
    return article.review_rounds.prefetch_related(Prefetch("assignments", queryset=assignments))


def article_transitions(article: Article) -> QuerySet[TransitionLog]:
    return article.transition_log.select_related("actor").order_by("at", "pk")


def article_signoffs(article: Article) -> QuerySet[SignOff]:
    return SignOff.objects.filter(assignment__round__article=article).select_related(
        "assignment__reviewer__user", "assignment__round"
    )


def article_revisions(article: Article):
    """History rows, newest first, with the acting user."""
    return article.history.select_related("history_user").order_by("-history_id")


def assignments_for_reviewer(user) -> QuerySet[ReviewAssignment]:
    """A reviewer's open assignments, overdue (earliest due) first."""
    return (
        ReviewAssignment.objects.filter(
            reviewer__user=user, status="assigned", round__status__in=["pending", "in_progress"]
        )
        .select_related("round__article__topic")
        .order_by("due_date", "pk")
    )


def article_audit_trail(article: Article) -> list[dict]:
    """Edits, workflow steps and sign-offs of an article as one timeline, oldest first."""
    entries = [
        {
            "at": r.history_date,
            "kind": "revision",
            "actor": r.history_user.get_username() if r.history_user else None,
            "summary": r.history_change_reason or "saved",
            "content_hash": r.content_hash,
        }
        for r in article_revisions(article)
    ]
    entries += [
        {
            "at": t.at,
            "kind": "transition",
            "actor": t.actor.get_username() if t.actor else None,
            "summary": f"{t.action}: {t.from_status} → {t.to_status}"
            + (f" ({t.comment})" if t.comment else ""),
            "content_hash": t.content_hash,
        }
        for t in article_transitions(article)
    ]
    entries += [
        {
            "at": s.signed_at,
            "kind": "signoff",
            "actor": s.assignment.reviewer.user.get_username(),
            "summary": f"{s.get_decision_display()} (round {s.assignment.round.number})"
            + (f": {s.comments}" if s.comments else ""),
            "content_hash": s.content_hash,
        }
        for s in article_signoffs(article)
    ]
    return sorted(entries, key=lambda entry: entry["at"])
