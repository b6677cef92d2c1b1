"""The rows one batch of the benchmark's seed writes (``bench/seed.py`` plans them).

Each article gets what the workflow would have left: its revisions, log entries, citations,
review rounds, assignments and sign-offs, and when published its publication, published
citations and stored documents. Written by ``bench.bulk`` (``COPY`` on PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from articles.models import (
    Article,
    Citation,
    Publication,
    PublicationDocument,
    PublishedCitation,
    Source,
    Specialty,
    Status,
)
from bench import bulk
from public.documents import document_format, render_document, render_list_row
from public.purging.keys import publication_keys
from reviews.models import (
    ATTESTATION,
    AssignmentStatus,
    BoardMember,
    Decision,
    ReviewAssignment,
    ReviewRound,
    RoundStatus,
    SignOff,
    TransitionLog,
)

STEP_TARGET = {
    "submit": Status.SUBMITTED,
    "start_review": Status.UNDER_REVIEW,
    "request_changes": Status.CHANGES_REQUESTED,
    "approve": Status.APPROVED,
    "flag_for_rereview": Status.REVIEW_DUE,
    "retract": Status.RETRACTED,
}
PUBLISHED = {Status.APPROVED, Status.REVIEW_DUE, Status.RETRACTED}

REVIEWERS = [
    {"name": "Dr. Ann Baker", "credentials": "MD", "specialties": ["Oncology"]},
    {"name": "Dr. Luis Chen", "credentials": "PharmD", "specialties": ["Pharmacology"]},
]


@dataclass
class Cast:
    """The people of the benchmark: authors, an editor, the board."""

    authors: list
    editor: object
    board: list[BoardMember]
    topics: list[Specialty]


@dataclass
class Variant:
    """One body and its rendering, shared by every article citing the same sources."""

    sources: list[Source]
    body: str
    body_html: str
    references: list[dict]
    citation_keys: list[str]


@dataclass
class Plan:
    """One article to be, and what its steps leave behind."""

    n: int
    status: str
    article: Article
    variant: Variant
    author: object
    created: datetime
    steps: list[tuple[str, datetime]]


def _revisions(plans: list[Plan]) -> dict[int, list]:
    """Every plan's history rows, oldest first, saved; keyed by article id."""
    history_model = Article.history.model
    rows = []
    for plan in plans:
        states = [(Status.DRAFT, "draft created", "+", plan.created)] + [
            (STEP_TARGET[step], step, "~", at) for step, at in plan.steps
        ]
        values = {
            field.attname: getattr(plan.article, field.attname)
            for field in Article._meta.concrete_fields
            if field.attname != "updated_at"
        }
        for status, reason, kind, at in states:
            retracted = status == Status.RETRACTED
            rows.append(
                bulk.row(
                    history_model,
                    **values
                    | {
                        "status": status,
                        "retracted_at": values["retracted_at"] if retracted else None,
                        "retraction_notice": values["retraction_notice"] if retracted else "",
                    },
                    history_date=at,
                    history_change_reason=reason,
                    history_type=kind,
                    history_user_id=plan.author.pk if kind == "+" or reason == "submit" else None,
                )
            )
    bulk.create(history_model, rows)
    by_article: dict[int, list] = {}
    for row in rows:
        by_article.setdefault(row.id, []).append(row)
    return by_article


def write_batch(plans: list[Plan], *, cast: Cast, now: datetime) -> None:
    """Every row of ``plans``' articles: the articles, their authors, citations, revisions,
    log, review rounds, sign-offs and publications with their documents."""
    bulk.create(Article, [plan.article for plan in plans])
    bulk.create(
        Article.authors.through,
        [
            bulk.row(Article.authors.through, article_id=plan.article.pk, user_id=plan.author.pk)
            for plan in plans
        ],
    )
    bulk.create(
        Citation,
        [
            bulk.row(Citation, article_id=plan.article.pk, source_id=source.pk, number=number)
            for plan in plans
            for number, source in enumerate(plan.variant.sources, start=1)
        ],
    )
    revisions = _revisions(plans)
    logs = []
    for plan in plans:
        status = Status.DRAFT
        for step, at in plan.steps:
            actor = plan.author if step == "submit" else cast.editor if step != "approve" else None
            logs.append(
                bulk.row(
                    TransitionLog,
                    article_id=plan.article.pk,
                    action=step,
                    from_status=status,
                    to_status=STEP_TARGET[step],
                    actor_id=actor.pk if actor else None,
                    at=at,
                    comment="quorum reached" if step == "approve" else "",
                    content_hash=plan.article.content_hash,
                )
            )
            status = STEP_TARGET[step]
    bulk.create(TransitionLog, logs)
    signed = _review_rounds(plans, revisions, cast=cast, now=now)
    _publish(plans, revisions, signed)


def _review_rounds(plans: list[Plan], revisions: dict[int, list], *, cast: Cast, now: datetime):
    """Rounds, assignments and sign-offs as the workflow leaves them; the approvals by article."""
    rounds, round_of = [], {}
    for plan in plans:
        when = dict(plan.steps)
        if "submit" not in when:
            continue
        first = ReviewRound(article_id=plan.article.pk, number=1, opened_at=when["submit"])
        if "start_review" in when:
            first.started_at, first.started_by = when["start_review"], cast.editor
        closing = {"approve": RoundStatus.APPROVED, "request_changes": RoundStatus.CHANGES_REQUESTED}
        closed = next(((step, at) for step, at in plan.steps if step in closing), None)
        if closed:
            first.status, first.closed_at = closing[closed[0]], closed[1]
        else:
            first.status = RoundStatus.IN_PROGRESS if "start_review" in when else RoundStatus.PENDING
        rounds.append(first)
        round_of[plan.article.pk] = [first]
        if plan.status == Status.REVIEW_DUE:
            second = ReviewRound(article_id=plan.article.pk, number=2, opened_at=when["flag_for_rereview"])
            rounds.append(second)
            round_of[plan.article.pk].append(second)
    bulk.create(ReviewRound, rounds)
    bulk.create(
        ReviewRound.history.model, bulk.history_rows(ReviewRound, rounds, user=cast.editor, reason="opened")
    )

    assignments = []
    for plan in plans:
        for review_round in round_of.get(plan.article.pk, []):
            if review_round.status == RoundStatus.PENDING and review_round.number == 1:
                continue  # submitted: waiting for the editor to assign reviewers
            for k in range(2):
                reviewer = cast.board[(plan.n + k * 7) % len(cast.board)]
                assignment = ReviewAssignment(
                    round=review_round,
                    reviewer=reviewer,
                    assigned_by=cast.editor,
                    assigned_at=review_round.opened_at,
                    # Open reviews are due from a week ago to a fortnight ahead.
                    due_date=(now + timedelta(days=(plan.n % 21) - 7)).date()
                    if review_round.is_open
                    else (review_round.opened_at + timedelta(days=14)).date(),
                )
                signs = review_round.status == RoundStatus.APPROVED or (
                    review_round.status == RoundStatus.CHANGES_REQUESTED and k == 0
                )
                if signs:
                    assignment.status = AssignmentStatus.SIGNED_OFF
                    assignment.conflict_of_interest = False
                    assignment.conflict_declared_at = review_round.closed_at
                elif not review_round.is_open:
                    assignment.status = AssignmentStatus.CLOSED
                assignment.signs = signs
                assignments.append(assignment)
    bulk.create(ReviewAssignment, assignments)
    bulk.create(
        ReviewAssignment.history.model,
        bulk.history_rows(ReviewAssignment, assignments, user=cast.editor, reason="assigned"),
    )

    signoffs, approvals = [], {}
    for assignment in assignments:
        if not assignment.signs:
            continue
        review_round = assignment.round
        # The revision under review: the one saved by start_review.
        revision = next(
            r for r in revisions[review_round.article_id] if r.history_change_reason == "start_review"
        )
        approve = review_round.status == RoundStatus.APPROVED
        signoff = bulk.row(
            SignOff,
            assignment_id=assignment.pk,
            article_history_id=revision.history_id,
            content_hash=revision.content_hash,
            decision=Decision.APPROVE if approve else Decision.REQUEST_CHANGES,
            comments="" if approve else "Please cite the current guideline for the dose in part 2.",
            attestation=ATTESTATION,
            signed_at=review_round.closed_at - timedelta(hours=1),
        )
        signoffs.append(signoff)
        if approve:
            approvals.setdefault(review_round.article_id, []).append((assignment.reviewer, signoff))
    bulk.create(SignOff, signoffs)
    return approvals


def _publish(plans: list[Plan], revisions: dict[int, list], approvals: dict[int, list]) -> None:
    publications = []
    for plan in plans:
        if plan.status not in PUBLISHED:
            continue
        article = plan.article
        revision = next(r for r in revisions[article.pk] if r.history_change_reason == "approve")
        publications.append(
            Publication(
                article_id=article.pk,
                version=1,
                slug=article.slug,
                title=article.title,
                summary=article.summary,
                body=article.body,
                body_html=plan.variant.body_html,
                audience=article.audience,
                topic_name=article.topic.name,
                topic_slug=article.topic.slug,
                authors=[{"name": plan.author.get_full_name() or plan.author.get_username()}],
                reviewers=[
                    {
                        "name": member.display_name,
                        "credentials": member.credentials,
                        "specialties": [],
                        "signed_at": signoff.signed_at.isoformat(),
                    }
                    for member, signoff in approvals.get(article.pk, [])
                ]
                or REVIEWERS,
                references=plan.variant.references,
                content_hash=article.content_hash,
                article_history_id=revision.history_id,
                approved_at=article.last_reviewed_at,
                approved_by=None,
                created_at=article.created_at,
                first_published_at=article.first_published_at,
                last_modified_at=article.content_modified_at,
                last_reviewed_at=article.last_reviewed_at,
                next_review_due=article.next_review_due,
            )
        )
    bulk.create(Publication, publications)
    variant_of = {plan.article.pk: plan.variant for plan in plans}
    bulk.create(
        PublishedCitation,
        [
            bulk.row(PublishedCitation, publication_id=publication.pk, source_id=source.pk, number=number)
            for publication in publications
            for number, source in enumerate(variant_of[publication.article_id].sources, start=1)
        ],
    )
    # What public.documents.store_documents writes on publication_made, for the whole batch.
    rendered_in = document_format()
    bulk.create(
        PublicationDocument,
        [
            PublicationDocument(
                publication=publication,
                format=rendered_in,
                json=render_document(publication),
                list_row=render_list_row(publication),
                cache_keys=publication_keys(
                    article_id=publication.article_id,
                    topic_slug=publication.topic_slug,
                    source_ids=[source.pk for source in variant_of[publication.article_id].sources],
                ),
            )
            for publication in publications
        ],
    )
