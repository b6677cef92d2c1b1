"""Before the board reviews: submitting, assigning reviewers, their declarations, starting the round."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import roles
from articles.hashing import CONTENT_HASH_VERSION
from articles.models import Article, Status
from articles.services import check_citations, compute_content_hash
from editorial.refusals import PermissionDenied, TransitionNotAllowed, ValidationError
from reviews.models import (
    AssignmentStatus,
    BoardMember,
    NotificationKind,
    ReminderSent,
    ReminderStage,
    ReviewAssignment,
    ReviewRound,
    RoundStatus,
)
from reviews.notifications import notify
from reviews.quorum import eligible_assignments, has_enough_reviewers, latest_round, open_round, policy_for
from reviews.workflow.comments import checked_responses, record_responses
from reviews.workflow.steps import lock, open_new_round, refuse, save_transition, state_refusal


class CitationErrors(ValidationError):
    """The body cites unknown keys or retracted sources; carries the warnings too."""

    def __init__(self, errors: list[str], warnings: list[str]):
        super().__init__({"citations": errors})
        self.warnings = warnings


# Submitting ----------------------------------------------------------------------------------


def submit_refusal(user, article: Article) -> Exception | None:
    if not roles.is_author(user, article):
        return PermissionDenied(_("Only an author of the article may submit it."))
    return state_refusal(article, "submit")


def can_submit(user, article: Article) -> bool:
    return submit_refusal(user, article) is None


@transaction.atomic
def submit(
    *, actor, article: Article, comment: str = "", responses: list[dict] | None = None
) -> tuple[Article, list[str]]:
    """Send a draft (or an answered change request) to the board; returns it with warnings.

    Refused with ``CitationErrors`` (400) when the body cites unknown keys or retracted sources,
    and after a decision letter until ``responses`` (``[{"comment", "reply", "resolved"}]``)
    answers each comment it forwarded. Opens the next review round: the previous round's
    eligible reviewers are invited again and told, and the review starts at once when they are
    enough for the policy.
    """
    article = lock(article)
    refuse(submit_refusal(actor, article))
    check = check_citations(article)
    if check.errors:
        raise CitationErrors(check.errors, check.warnings)
    previous = latest_round(article)
    answers = checked_responses(article, previous, responses or [])
    # The hash must describe what is submitted even if the sources changed since the last edit.
    article.content_hash = compute_content_hash(article, check.cited)
    article.content_hash_version = CONTENT_HASH_VERSION
    from_status = article.status
    article.submit()
    save_transition(article, action="submit", from_status=from_status, actor=actor, comment=comment)
    record_responses(article, answers, actor=actor)
    review_round = open_new_round(article, carry_over_from=previous, actor=actor)
    notify(roles.editors(), NotificationKind.SUBMITTED, article, {"comment": comment})
    if previous is not None:
        _reinvite(article, review_round)
    return article, check.warnings


def _reinvite(article: Article, review_round: ReviewRound) -> None:
    """Tell the re-invited reviewers, and start the round when they are enough for the policy."""
    for assignment in review_round.assignments.select_related("reviewer__user"):
        payload = {
            "due_date": assignment.due_date.isoformat(),
            "assignment": assignment.pk,
            "round": review_round.number,
        }
        notify([assignment.reviewer.user], NotificationKind.REINVITED, article, payload)
    if has_enough_reviewers(review_round, article):
        _start_round(
            article,
            review_round,
            actor=None,
            comment=_("round %(n)d started: the previous reviewers were invited again")
            % {"n": review_round.number},
        )


# Assigning reviewers -------------------------------------------------------------------------

ASSIGNABLE_STATUSES = (Status.SUBMITTED, Status.REVIEW_DUE, Status.UNDER_REVIEW)


def assign_refusal(user, article: Article) -> Exception | None:
    if not roles.is_editor(user):
        return PermissionDenied(_("Only an editor may assign reviewers."))
    if article.status not in ASSIGNABLE_STATUSES or open_round(article) is None:
        return TransitionNotAllowed(
            _("Reviewers can be assigned to a submitted or review-due article; this one is %(s)s.")
            % {"s": article.status_label}
        )
    return None


def can_assign(user, article: Article) -> bool:
    return assign_refusal(user, article) is None


def _assign(article: Article, review_round: ReviewRound, reviewer: BoardMember, *, actor, due_date):
    if not reviewer.active:
        raise ValidationError({"reviewer": _("%(name)s is not an active board member.") % {"name": reviewer}})
    if roles.is_author(reviewer.user, article):
        raise ValidationError({"reviewer": _("An author cannot review their own article.")})
    if review_round.assignments.filter(reviewer=reviewer).exists():
        raise ValidationError(
            {"reviewer": _("%(name)s is already assigned in this round.") % {"name": reviewer}}
        )
    assignment = ReviewAssignment(round=review_round, reviewer=reviewer, assigned_by=actor, due_date=due_date)
    assignment._history_user = actor
    assignment.save()
    notify(
        [reviewer.user],
        NotificationKind.ASSIGNED,
        article,
        {"due_date": due_date.isoformat(), "assignment": assignment.pk},
    )
    return assignment


@transaction.atomic
def assign_reviewers(
    *, actor, article: Article, reviewers: list[BoardMember], due_date: date | None = None
) -> list[ReviewAssignment]:
    """Ask board members to review the article in its open round, by a due date: all or none.

    Without a due date, the policy's ``assignment_due_days`` from today.
    """
    article = lock(article)
    refuse(assign_refusal(actor, article))
    today = timezone.localdate()
    if due_date is None:
        due_date = today + timedelta(days=policy_for(article).assignment_due_days)
    elif due_date < today:
        raise ValidationError({"due_date": _("The due date cannot be in the past.")})
    review_round = open_round(article)
    return [_assign(article, review_round, member, actor=actor, due_date=due_date) for member in reviewers]


def assign_reviewer(
    *, actor, article: Article, reviewer: BoardMember, due_date: date | None = None
) -> ReviewAssignment:
    """``assign_reviewers`` for one board member."""
    return assign_reviewers(actor=actor, article=article, reviewers=[reviewer], due_date=due_date)[0]


# Declaring conflicts of interest -------------------------------------------------------------


def declare_conflict_refusal(user, assignment: ReviewAssignment) -> Exception | None:
    if not roles.is_signed_in(user) or assignment.reviewer.user_id != user.pk:
        return PermissionDenied(_("Only the assigned reviewer may declare a conflict."))
    if assignment.status != AssignmentStatus.ASSIGNED or not assignment.round.is_open:
        return TransitionNotAllowed(_("This assignment is no longer open."))
    return None


def can_declare_conflict(user, assignment: ReviewAssignment) -> bool:
    return declare_conflict_refusal(user, assignment) is None


@transaction.atomic
def declare_conflict(
    *, actor, assignment: ReviewAssignment, has_conflict: bool, statement: str = ""
) -> ReviewAssignment:
    """Record the reviewer's conflict-of-interest declaration; a conflict ends their assignment."""
    lock(assignment.round.article)
    assignment = ReviewAssignment.objects.select_for_update().select_related("round").get(pk=assignment.pk)
    refuse(declare_conflict_refusal(actor, assignment))
    if has_conflict and not statement.strip():
        raise ValidationError({"conflict_statement": _("Describe the conflict of interest.")})
    assignment.conflict_of_interest = has_conflict
    assignment.conflict_statement = statement.strip() if has_conflict else ""
    assignment.conflict_declared_at = timezone.now()
    if has_conflict:
        assignment.status = AssignmentStatus.CONFLICT
    assignment._history_user = actor
    assignment._change_reason = "conflict declared" if has_conflict else "no conflict declared"
    assignment.save()
    return assignment


@transaction.atomic
def remind_reviewer(*, assignment: ReviewAssignment, stage: str) -> bool:
    """Remind the reviewer that their review is due soon or overdue; overdue tells the editors too.

    Sent once per assignment and stage, and only while the reviewer can still sign off; returns
    whether this call sent it.
    """
    lock(assignment.round.article)
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("round__article", "reviewer__user")
        .get(pk=assignment.pk)
    )
    if assignment.status != AssignmentStatus.ASSIGNED or assignment.round.status != RoundStatus.IN_PROGRESS:
        return False
    _reminder, created = ReminderSent.objects.get_or_create(assignment=assignment, stage=stage)
    if not created:
        return False
    reviewer = assignment.reviewer
    recipients = [reviewer.user]
    kind = NotificationKind.DUE_SOON
    if stage == ReminderStage.OVERDUE:
        recipients += list(roles.editors())
        kind = NotificationKind.OVERDUE
    notify(
        recipients,
        kind,
        assignment.round.article,
        {
            "assignment": assignment.pk,
            "due_date": assignment.due_date.isoformat(),
            "reviewer": reviewer.display_name,
            "reviewer_user": reviewer.user_id,
        },
    )
    return True


# Starting the review -------------------------------------------------------------------------


def start_review_refusal(user, article: Article) -> Exception | None:
    if not roles.is_editor(user):
        return PermissionDenied(_("Only an editor may start a review round."))
    if refusal := state_refusal(article, "start_review"):
        return refusal
    review_round = open_round(article)
    if not has_enough_reviewers(review_round, article):
        eligible = eligible_assignments(review_round, article).count() if review_round else 0
        return TransitionNotAllowed(
            _("A review round needs at least %(needed)d eligible reviewers; %(n)d are assigned.")
            % {"needed": policy_for(article).approvals_required, "n": eligible}
        )
    return None


def can_start_review(user, article: Article) -> bool:
    return start_review_refusal(user, article) is None


@transaction.atomic
def start_review(*, actor, article: Article, comment: str = "") -> Article:
    """Open the board's review of the submitted content.

    Needs at least the policy's number of assigned, active reviewers who are not authors and
    have not declared a conflict.
    """
    article = lock(article)
    refuse(start_review_refusal(actor, article))
    _start_round(article, open_round(article), actor=actor, comment=comment)
    return article


def _start_round(article: Article, review_round: ReviewRound, *, actor, comment: str) -> None:
    from_status = article.status
    article.start_review()
    save_transition(article, action="start_review", from_status=from_status, actor=actor, comment=comment)
    review_round.status = RoundStatus.IN_PROGRESS
    review_round.started_at = timezone.now()
    review_round.started_by = actor
    review_round.save(update_fields=["status", "started_at", "started_by"])
