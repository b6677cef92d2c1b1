"""Reads: what each role may see, and the review facts the pages and the API show."""

from __future__ import annotations

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from articles.library.citations.identifiers import InvalidIdentifier, normalize_doi
from articles.models import Article, Publication, Source, Status
from articles.roles import is_editor
from reviews.models import (
    OPEN_ROUND_STATUSES,
    AssignmentStatus,
    BoardMember,
    Decision,
    Notification,
    ReviewAssignment,
    ReviewRound,
    RoundDecision,
    SignOff,
    TransitionLog,
)


def articles_visible_to(user) -> QuerySet[Article]:
    """Editors see every article; authors their own; reviewers those they were assigned, until they
    declare a conflict of interest on it: from then on nothing of it, unless they hold another
    role on it."""
    articles = Article.objects.select_related("topic").prefetch_related("authors")
    if not user.is_authenticated:
        return articles.none()
    if is_editor(user):
        return articles
    reviewing = ReviewAssignment.objects.filter(reviewer__user=user)
    conflicted = reviewing.filter(conflict_of_interest=True).values("round__article")
    assigned = reviewing.exclude(round__article__in=conflicted).values("round__article")
    return articles.filter(Q(authors=user) | Q(pk__in=assigned)).distinct()


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
            reviewer__user=user, status=AssignmentStatus.ASSIGNED, round__status__in=OPEN_ROUND_STATUSES
        )
        .select_related("round__article__topic")
        .order_by("due_date", "pk")
    )


def article_audit_trail(article: Article) -> list[dict]:
    """Edits, workflow steps, recommendations (with their review form) and decisions of an article
    as one timeline, oldest first."""
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
            + (f": {s.comments}" if s.comments else "")
            + _form_summary(s.form),
            "content_hash": s.content_hash,
        }
        for s in article_signoffs(article)
    ]
    entries += [
        {
            "at": d.decided_at,
            "kind": "decision",
            "actor": d.decided_by.get_username() if d.decided_by else None,
            "summary": f"Decision, round {d.round.number}: {d.get_decision_display()}"
            + (f": {d.letter}" if d.letter else " (policy, at quorum)" if d.decided_by is None else ""),
            "content_hash": d.content_hash,
        }
        for d in RoundDecision.objects.filter(article=article).select_related("decided_by", "round")
    ]
    return sorted(entries, key=lambda entry: entry["at"])


def _form_summary(form: dict) -> str:
    """The review form as answered, in one line of the audit trail."""
    if not form:
        return ""
    answers = (
        f"{a['question']} {a['answer']}" + (f" ({a['note']})" if a.get("note") else "") for a in form.values()
    )
    return " | form: " + "; ".join(answers)


# The editorial web app ---------------------------------------------------------------------------


def reviewer_suggestions(article: Article, review_round: ReviewRound | None = None) -> QuerySet:
    """Board members who may review ``article``, best match first.

    Leaves out inactive members, the article's authors, anyone who declared a conflict of
    interest on it (in any round) and anyone already assigned in ``review_round``. Each member
    carries ``specialty_match`` (a specialty equals the article's topic) and
    ``open_assignments`` (their current load); ties go to the less busy member.
    """
    conflicted = ReviewAssignment.objects.filter(round__article=article, conflict_of_interest=True)
    members = (
        BoardMember.objects.filter(active=True)
        .exclude(user__in=article.authors.all())
        .exclude(pk__in=conflicted.values("reviewer_id"))
    )
    if review_round is not None:
        members = members.exclude(pk__in=review_round.assignments.values("reviewer_id"))
    matches = BoardMember.specialties.through.objects.filter(
        boardmember_id=OuterRef("pk"), specialty_id=article.topic_id
    )
    return (
        members.annotate(
            specialty_match=Exists(matches),
            open_assignments=Count(
                "assignments",
                filter=Q(
                    assignments__status=AssignmentStatus.ASSIGNED,
                    assignments__round__status__in=OPEN_ROUND_STATUSES,
                ),
            ),
        )
        .select_related("user")
        .prefetch_related("specialties")
        .order_by("-specialty_match", "open_assignments", "display_name", "pk")
    )


def articles_authored_by(user) -> QuerySet[Article]:
    """The user's own articles, most recently changed first."""
    return Article.objects.filter(authors=user).select_related("topic").order_by("-updated_at", "-pk")


def authored_counts_by_status(user) -> dict[str, int]:
    """How many articles the user wrote, by status."""
    counts = Article.objects.filter(authors=user).order_by().values_list("status").annotate(n=Count("pk"))
    return dict(counts)


def latest_authored_by_status(user, per_status: int) -> QuerySet[Article]:
    """The user's ``per_status`` most recently changed articles of each status."""
    rank = Window(RowNumber(), partition_by=F("status"), order_by=[F("updated_at").desc(), F("pk").desc()])
    return articles_authored_by(user).annotate(rank=rank).filter(rank__lte=per_status)


def editor_queue() -> QuerySet[Article]:
    """Articles waiting for an editor (submitted or due for re-review), longest waiting first."""
    return (
        Article.objects.filter(status__in=[Status.SUBMITTED, Status.REVIEW_DUE])
        .select_related("topic")
        .prefetch_related("authors")
        .order_by("updated_at", "pk")
    )


def articles_in_review() -> QuerySet[Article]:
    """Articles whose review round is running, oldest first."""
    return (
        Article.objects.filter(status=Status.UNDER_REVIEW)
        .select_related("topic")
        .prefetch_related("authors")
        .order_by("updated_at", "pk")
    )


def approved_baseline(article: Article, user):
    """The revision to diff a review against: the newest one this reviewer or the board approved.

    That is the later of the revision covered by the reviewer's latest approving sign-off and the
    revision behind the article's current Publication. ``None`` when neither exists.
    """
    candidates = list(
        SignOff.objects.filter(
            assignment__round__article=article, assignment__reviewer__user=user, decision=Decision.APPROVE
        )
        .order_by("-article_history_id")
        .values_list("article_history_id", flat=True)[:1]
    )
    candidates += list(
        Publication.objects.current().filter(article=article).values_list("article_history_id", flat=True)[:1]
    )
    if not candidates:
        return None
    return article.history.filter(history_id=max(candidates)).first()


def last_reviewed_revision(article: Article, user):
    """The revision covered by this reviewer's latest sign-off of any decision, or ``None``."""
    signoff = (
        SignOff.objects.filter(assignment__round__article=article, assignment__reviewer__user=user)
        .select_related("article_history")
        .order_by("-article_history_id")
        .first()
    )
    return signoff.article_history if signoff else None


def notifications_for(user):
    """The user's in-app notifications, newest first."""
    return (
        Notification.objects.filter(recipient=user).select_related("article").order_by("-created_at", "-pk")
    )


def unread_notification_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def search_sources(query: str, *, limit: int = 20) -> QuerySet[Source]:
    """Library sources matching ``query`` by key, title, author, journal, DOI or PMID.

    A query that is a DOI in any accepted form (``https://doi.org/...``, ``doi:...``) is matched
    on the normalised DOI; exact key matches come first.
    """
    query = " ".join(query.split())
    sources = Source.objects.all()
    if not query:
        return sources.order_by("-created_at", "key")[:limit]
    match = (
        Q(key__icontains=query)
        | Q(title__icontains=query)
        | Q(authors__icontains=query)
        | Q(container_title__icontains=query)
        | Q(doi__icontains=query.lower())
        | Q(pmid=query)
    )
    try:
        doi = normalize_doi(query)
    except InvalidIdentifier:
        doi = ""
    if doi:
        match |= Q(doi=doi)
    exact_first = Case(When(key__iexact=query, then=Value(0)), default=Value(1))
    return sources.filter(match).order_by(exact_first, "key")[:limit]
