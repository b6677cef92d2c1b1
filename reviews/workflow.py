"""Every rule of the editorial workflow, in one place.

The API, the web pages, the admin and the scheduled jobs all call these functions; none of them
calls an ``@transition`` method of ``Article`` directly. Each action:

1. runs in one transaction and locks the article row (``select_for_update``),
2. checks the actor's role (``PermissionDenied`` → 403) and the state (``TransitionNotAllowed``
   → 409), then the action's own preconditions,
3. changes the article in memory through its ``@transition`` and saves it once, with the acting
   user and a change reason on the history row,
4. appends a ``TransitionLog`` entry and writes notifications to the outbox, whose delivery runs
   only after commit.

``can_<action>(user, article)`` answers whether the action would be allowed now, and
``available_actions(user, article)`` lists them, so buttons and ``allowed_actions`` appear exactly
when the request would succeed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm

from articles import publishing
from articles.models import Article, NoticeKind, Source, SourceNotice, Status, normalize_notice
from articles.services import StaleContent, check_citations, compute_content_hash
from reviews import notifications
from reviews.models import (
    ATTESTATION,
    OPEN_ROUND_STATUSES,
    AssignmentStatus,
    BoardMember,
    Decision,
    NotificationKind,
    ReminderSent,
    ReminderStage,
    ReviewAssignment,
    ReviewPolicy,
    ReviewRound,
    RoundStatus,
    SignOff,
    TransitionLog,
)


class CitationErrors(ValidationError):
    """The body cites unknown keys or retracted sources; carries the warnings too."""

    def __init__(self, errors: list[str], warnings: list[str]):
        super().__init__({"citations": errors})
        self.warnings = warnings


# Roles ---------------------------------------------------------------------------------------


def is_editor(user) -> bool:
    """Editors run the board: assign, start rounds, approve, retract, flag for re-review."""
    return bool(user and user.is_authenticated and user.has_perm("articles.manage_board"))


def is_author(user, article: Article) -> bool:
    if not (user and user.is_authenticated):
        return False
    # Lists prefetch the authors; answering from them keeps a page of articles to a fixed query count.
    prefetched = getattr(article, "_prefetched_objects_cache", {}).get("authors")
    if prefetched is not None:
        return any(author.pk == user.pk for author in prefetched)
    return article.authors.filter(pk=user.pk).exists()


def board_member_for(user) -> BoardMember | None:
    if not (user and user.is_authenticated):
        return None
    return BoardMember.objects.filter(user=user, active=True).first()


# Review facts --------------------------------------------------------------------------------


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


def eligible_assignments(review_round: ReviewRound, article: Article):
    """Assignments that can still lead to a counting sign-off: active, not an author, no conflict."""
    author_ids = list(article.authors.values_list("pk", flat=True))
    return (
        review_round.assignments.filter(reviewer__active=True)
        .exclude(reviewer__user_id__in=author_ids)
        .exclude(conflict_of_interest=True)
        .exclude(status__in=[AssignmentStatus.CONFLICT, AssignmentStatus.CLOSED])
        .select_related("reviewer__user")
    )


@dataclass(frozen=True)
class Quorum:
    """Where the current round stands against the policy, on the current content."""

    approvals: int
    required: int
    specialty_match_required: bool
    specialty_matched: bool
    retracted_keys: tuple[str, ...] = ()

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


def counting_signoffs(article: Article, review_round: ReviewRound | None):
    """Approvals of this round that cover exactly the article's current content."""
    if review_round is None:
        return SignOff.objects.none()
    return SignOff.objects.filter(
        assignment__round=review_round,
        decision=Decision.APPROVE,
        content_hash=article.content_hash,
    ).select_related("assignment__reviewer__user")


def quorum_for(article: Article, review_round: ReviewRound | None = None) -> Quorum:
    """Count the approvals that count: current round, current content hash, no author."""
    review_round = review_round or open_round(article)
    policy = policy_for(article)
    author_ids = set(article.authors.values_list("pk", flat=True))
    signoffs = [
        s for s in counting_signoffs(article, review_round) if s.assignment.reviewer.user_id not in author_ids
    ]
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
    )


# Shared steps --------------------------------------------------------------------------------


def lock(article: Article) -> Article:
    """Fetch the article again with its row locked for the rest of the transaction."""
    # of=("self",): lock only the article row, not the joined topic shared by other articles.
    return Article.objects.select_for_update(of=("self",)).select_related("topic").get(pk=article.pk)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_state(article: Article, transition_name: str, actor=None) -> None:
    """Refuse (409) a transition the current state does not allow, then apply fsm permissions."""
    method = getattr(article, transition_name)
    if not can_proceed(method):
        raise TransitionNotAllowed(
            _("Cannot %(action)s: the article is %(status)s.")
            % {"action": transition_name.replace("_", " "), "status": article.status_label},
            object=article,
            method=method,
        )
    if actor is not None and not has_transition_perm(method, actor):
        raise PermissionDenied(_("You may not %(action)s this article.") % {"action": transition_name})


def _save_transition(
    article: Article, *, action: str, from_status: str, actor, comment: str = ""
) -> TransitionLog:
    """Save the article once (history row with actor and reason) and append the log entry."""
    reason = f"{action}: {comment}" if comment else action
    article._change_reason = reason[:100]
    article._history_user = actor
    article.save()
    return TransitionLog.objects.create(
        article=article,
        action=action,
        from_status=from_status,
        to_status=article.status,
        actor=actor,
        comment=comment,
        content_hash=article.content_hash,
    )


def _next_round_number(article: Article) -> int:
    last = latest_round(article)
    return (last.number + 1) if last else 1


def _open_new_round(article: Article, *, carry_over_from: ReviewRound | None, actor) -> ReviewRound:
    """Open the next round, asking the previous round's reviewers again by default."""
    review_round = ReviewRound.objects.create(article=article, number=_next_round_number(article))
    if carry_over_from is not None:
        due = timezone.localdate() + timedelta(days=policy_for(article).assignment_due_days)
        author_ids = list(article.authors.values_list("pk", flat=True))
        previous = (
            carry_over_from.assignments.filter(reviewer__active=True)
            .exclude(status=AssignmentStatus.CONFLICT)
            .exclude(reviewer__user_id__in=author_ids)
            .select_related("reviewer")
        )
        ReviewAssignment.objects.bulk_create(
            ReviewAssignment(round=review_round, reviewer=a.reviewer, assigned_by=actor, due_date=due)
            for a in previous
        )
    return review_round


def _close_round(review_round: ReviewRound, status: RoundStatus) -> None:
    review_round.status = status
    review_round.closed_at = timezone.now()
    review_round.save(update_fields=["status", "closed_at"])
    review_round.assignments.filter(status=AssignmentStatus.ASSIGNED).update(status=AssignmentStatus.CLOSED)


def _editor_users():
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    user_model = get_user_model()
    return user_model.objects.filter(
        Q(is_superuser=True)
        | Q(user_permissions__codename="manage_board")
        | Q(groups__permissions__codename="manage_board"),
        is_active=True,
    ).distinct()


# Actions -------------------------------------------------------------------------------------


def can_edit(user, article: Article) -> bool:
    """Authors (or an editor) may change content while it is Draft or Changes Requested."""
    return article.is_editable and (is_author(user, article) or is_editor(user))


def can_submit(user, article: Article) -> bool:
    return is_author(user, article) and can_proceed(article.submit)


@transaction.atomic
def submit(*, actor, article: Article, comment: str = "") -> tuple[Article, list[str]]:
    """Send a draft (or an answered change request) to the board; returns it with warnings.

    Refused with ``CitationErrors`` (400) when the body cites unknown keys or retracted sources.
    Opens the next review round, asking the previous round's reviewers again.
    """
    article = lock(article)
    _require(is_author(actor, article), _("Only an author of the article may submit it."))
    _require_state(article, "submit", actor)
    check = check_citations(article)
    if check.errors:
        raise CitationErrors(check.errors, check.warnings)
    # The hash must describe what is submitted even if the sources changed since the last edit.
    article.content_hash = compute_content_hash(article, check.cited)
    from_status = article.status
    previous = latest_round(article)
    article.submit()
    _save_transition(article, action="submit", from_status=from_status, actor=actor, comment=comment)
    _open_new_round(article, carry_over_from=previous, actor=actor)
    notifications.notify(_editor_users(), NotificationKind.SUBMITTED, article, {"comment": comment})
    return article, check.warnings


def can_assign(user, article: Article) -> bool:
    return is_editor(user) and article.status in (Status.SUBMITTED, Status.REVIEW_DUE, Status.UNDER_REVIEW)


@transaction.atomic
def assign_reviewer(
    *, actor, article: Article, reviewer: BoardMember, due_date: date | None = None
) -> ReviewAssignment:
    """Ask a board member to review the article in its open round, by a due date."""
    article = lock(article)
    _require(is_editor(actor), _("Only an editor may assign reviewers."))
    review_round = open_round(article)
    if review_round is None or not can_assign(actor, article):
        raise TransitionNotAllowed(
            _("Reviewers can be assigned to a submitted or review-due article; this one is %(s)s.")
            % {"s": article.status_label}
        )
    if not reviewer.active:
        raise ValidationError({"reviewer": _("%(name)s is not an active board member.") % {"name": reviewer}})
    if is_author(reviewer.user, article):
        raise ValidationError({"reviewer": _("An author cannot review their own article.")})
    if review_round.assignments.filter(reviewer=reviewer).exists():
        raise ValidationError(
            {"reviewer": _("%(name)s is already assigned in this round.") % {"name": reviewer}}
        )
    today = timezone.localdate()
    if due_date is None:
        due_date = today + timedelta(days=policy_for(article).assignment_due_days)
    elif due_date < today:
        raise ValidationError({"due_date": _("The due date cannot be in the past.")})
    assignment = ReviewAssignment(round=review_round, reviewer=reviewer, assigned_by=actor, due_date=due_date)
    assignment._history_user = actor
    assignment.save()
    notifications.notify(
        [reviewer.user],
        NotificationKind.ASSIGNED,
        article,
        {"due_date": due_date.isoformat(), "assignment": assignment.pk},
    )
    return assignment


@transaction.atomic
def declare_conflict(
    *, actor, assignment: ReviewAssignment, has_conflict: bool, statement: str = ""
) -> ReviewAssignment:
    """Record the reviewer's conflict-of-interest declaration; a conflict ends their assignment."""
    lock(assignment.round.article)
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    _require(assignment.reviewer.user_id == actor.pk, _("Only the assigned reviewer may declare a conflict."))
    if assignment.status != AssignmentStatus.ASSIGNED or not assignment.round.is_open:
        raise TransitionNotAllowed(_("This assignment is no longer open."))
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
        recipients += list(_editor_users())
        kind = NotificationKind.OVERDUE
    notifications.notify(
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


def can_start_review(user, article: Article) -> bool:
    if not (is_editor(user) and can_proceed(article.start_review)):
        return False
    # Same precondition as start_review: enough eligible reviewers assigned in the open round.
    review_round = open_round(article)
    needed = policy_for(article).approvals_required
    return review_round is not None and eligible_assignments(review_round, article).count() >= needed


@transaction.atomic
def start_review(*, actor, article: Article, comment: str = "") -> Article:
    """Open the board's review of the submitted content.

    Needs at least the policy's number of assigned, active reviewers who are not authors and
    have not declared a conflict.
    """
    article = lock(article)
    _require(is_editor(actor), _("Only an editor may start a review round."))
    _require_state(article, "start_review", actor)
    review_round = open_round(article) or _open_new_round(article, carry_over_from=None, actor=actor)
    needed = policy_for(article).approvals_required
    eligible = eligible_assignments(review_round, article).count()
    if eligible < needed:
        raise TransitionNotAllowed(
            _("A review round needs at least %(needed)d eligible reviewers; %(n)d are assigned.")
            % {"needed": needed, "n": eligible}
        )
    from_status = article.status
    article.start_review()
    _save_transition(article, action="start_review", from_status=from_status, actor=actor, comment=comment)
    review_round.status = RoundStatus.IN_PROGRESS
    review_round.started_at = timezone.now()
    review_round.started_by = actor
    review_round.save(update_fields=["status", "started_at", "started_by"])
    return article


def signable_assignment(user, article: Article) -> ReviewAssignment | None:
    if not (user and user.is_authenticated) or article.status != Status.UNDER_REVIEW:
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


def can_sign_off(user, article: Article) -> bool:
    return not is_author(user, article) and signable_assignment(user, article) is not None


@dataclass(frozen=True)
class SignOffResult:
    signoff: SignOff
    article: Article


@transaction.atomic
def sign_off(
    *,
    actor,
    article: Article,
    decision: str,
    comments: str = "",
    attestation: bool,
    conflict_of_interest: bool,
    content_hash: str | None = None,
) -> SignOffResult:
    """Record a reviewer's decision on the exact content under review.

    A ``request_changes`` decision sends the article back to its authors at once; an approval
    that completes the quorum approves and publishes it.
    """
    article = lock(article)
    _require(not is_author(actor, article), _("An author cannot review their own article."))
    assigned_anywhere = ReviewAssignment.objects.filter(round__article=article, reviewer__user=actor).exists()
    _require(assigned_anywhere, _("You are not assigned to review this article."))
    if ReviewAssignment.objects.filter(
        round__article=article,
        round__status__in=OPEN_ROUND_STATUSES,
        reviewer__user=actor,
        conflict_of_interest=True,
    ).exists():
        raise PermissionDenied(_("A reviewer with a declared conflict of interest cannot sign off."))
    assignment = signable_assignment(actor, article)
    if assignment is None:
        raise TransitionNotAllowed(
            _("There is no open review of this article for you to sign off (the article is %(s)s).")
            % {"s": article.status_label}
        )
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
    if conflict_of_interest:
        # Declaring the conflict is its own step (declare_conflict); a refused sign-off changes nothing.
        raise PermissionDenied(_("A reviewer with a declared conflict of interest cannot sign off."))
    if assignment.conflict_of_interest is None:
        assignment.conflict_of_interest = False
        assignment.conflict_declared_at = timezone.now()
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
                decision=decision,
                comments=comments.strip(),
                attestation=ATTESTATION,
            )
    except IntegrityError as exc:
        raise TransitionNotAllowed(_("You have already signed off this round.")) from exc
    if decision == Decision.REQUEST_CHANGES:
        _request_changes(article, assignment.round, actor=actor, comments=signoff.comments)
    elif quorum_for(article, assignment.round).met:
        _approve(article, assignment.round, actor=actor, approved_by=None, comment=_("quorum reached"))
    return SignOffResult(signoff=signoff, article=article)


def _request_changes(article: Article, review_round: ReviewRound, *, actor, comments: str) -> None:
    from_status = article.status
    article.request_changes()
    _save_transition(
        article, action="request_changes", from_status=from_status, actor=actor, comment=comments
    )
    _close_round(review_round, RoundStatus.CHANGES_REQUESTED)
    notifications.notify(
        article.authors.all(), NotificationKind.CHANGES_REQUESTED, article, {"comments": comments}
    )


def can_approve(user, article: Article) -> bool:
    return (
        is_editor(user)
        and not is_author(user, article)
        and can_proceed(article.approve)
        and quorum_for(article).met
    )


@transaction.atomic
def approve(*, actor, article: Article, comment: str = "") -> Article:
    """An editor's explicit approval; refused (409) while the quorum is not met."""
    article = lock(article)
    _require(is_editor(actor), _("Only an editor may approve an article."))
    _require(not is_author(actor, article), _("An author cannot approve their own article."))
    _require_state(article, "approve", actor)
    review_round = open_round(article)
    quorum = quorum_for(article, review_round)
    if not quorum.met:
        raise TransitionNotAllowed(
            _("The quorum is not met: %(missing)s.") % {"missing": "; ".join(quorum.missing)}
        )
    _approve(article, review_round, actor=actor, approved_by=actor, comment=comment)
    return article


def _approve(article: Article, review_round: ReviewRound, *, actor, approved_by, comment: str) -> None:
    """Approve, close the round and publish exactly the signed content."""
    now = timezone.now()
    next_due = timezone.localdate(now) + timedelta(days=policy_for(article).review_interval_days)
    from_status = article.status
    article.approve(reviewed_at=now, next_review_due=next_due)
    _save_transition(article, action="approve", from_status=from_status, actor=actor, comment=comment)
    _close_round(review_round, RoundStatus.APPROVED)
    reviewers = [
        {
            "name": s.assignment.reviewer.display_name,
            "credentials": s.assignment.reviewer.credentials,
            "specialties": [sp.name for sp in s.assignment.reviewer.specialties.all()],
            "signed_at": s.signed_at.isoformat(),
        }
        for s in counting_signoffs(article, review_round).order_by("signed_at")
    ]
    publishing.publish(
        article,
        article_history_id=article.history.order_by("-history_id")
        .values_list("history_id", flat=True)
        .first(),
        reviewers=reviewers,
        approved_by=approved_by,
        approved_at=now,
        next_review_due=next_due,
    )
    notifications.notify(article.authors.all(), NotificationKind.APPROVED, article, {})


def can_revise(user, article: Article) -> bool:
    return (is_author(user, article) or is_editor(user)) and can_proceed(article.revise)


@transaction.atomic
def revise(*, actor, article: Article, comment: str = "") -> Article:
    """Start a new working draft of a published article; its Publication stays live meanwhile."""
    article = lock(article)
    _require(is_author(actor, article) or is_editor(actor), _("Only an author or an editor may revise."))
    _require_state(article, "revise", actor)
    review_round = open_round(article)
    if review_round is not None:
        _close_round(review_round, RoundStatus.CANCELLED)
    from_status = article.status
    article.revise()
    _save_transition(article, action="revise", from_status=from_status, actor=actor, comment=comment)
    return article


def can_flag_for_rereview(user, article: Article) -> bool:
    return is_editor(user) and can_proceed(article.flag_for_rereview)


@transaction.atomic
def flag_for_rereview(*, actor, article: Article, reason: str) -> Article:
    """Bring an approved article back to the board (``actor`` None: the system did it)."""
    article = lock(article)
    if actor is not None:
        _require(is_editor(actor), _("Only an editor may flag an article for re-review."))
    _require_state(article, "flag_for_rereview", actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the article needs another review.")})
    _reopen_for_review(article, actor=actor, reason=reason)
    notifications.notify(
        list(_editor_users()) + list(article.authors.all()),
        NotificationKind.REVIEW_DUE,
        article,
        {"reason": reason},
    )
    return article


def _reopen_for_review(article: Article, *, actor, reason: str) -> None:
    """Move a locked, approved article to Review Due and open its next round."""
    previous = latest_round(article)
    from_status = article.status
    article.flag_for_rereview(reason=reason)
    _save_transition(
        article, action="flag_for_rereview", from_status=from_status, actor=actor, comment=reason
    )
    _open_new_round(article, carry_over_from=previous, actor=actor)


def can_retract(user, article: Article) -> bool:
    return is_editor(user) and can_proceed(article.retract)


@transaction.atomic
def retract(*, actor, article: Article, notice: str) -> Article:
    """Withdraw a published article; the record stays and the public sees the notice (410)."""
    article = lock(article)
    _require(is_editor(actor), _("Only an editor may retract an article."))
    _require_state(article, "retract", actor)
    if not notice.strip():
        raise ValidationError({"notice": _("A retraction needs a notice for readers.")})
    review_round = open_round(article)
    if review_round is not None:
        _close_round(review_round, RoundStatus.CANCELLED)
    from_status = article.status
    article.retract(notice=notice.strip(), retracted_at=timezone.now())
    _save_transition(article, action="retract", from_status=from_status, actor=actor, comment=notice.strip())
    return article


ACTION_CHECKS = {
    "edit": can_edit,
    "submit": can_submit,
    "assign": can_assign,
    "start_review": can_start_review,
    "sign_off": can_sign_off,
    "approve": can_approve,
    "revise": can_revise,
    "flag_for_rereview": can_flag_for_rereview,
    "retract": can_retract,
}


def available_actions(user, article: Article) -> list[str]:
    """The actions ``user`` may take on ``article`` now, in workflow order."""
    return [name for name, check in ACTION_CHECKS.items() if check(user, article)]


# Sources -------------------------------------------------------------------------------------


@transaction.atomic
def retract_source(
    *, actor, source: Source, retracted_on: date, notice: str, reason: str, record_id: str = ""
) -> list[Article]:
    """Mark a library source retracted and send every approved article citing it back to the board.

    ``actor`` None: the system did it (a Retraction Watch import). Each approved citing article is
    flagged for re-review with the source named in its transition log; the authors and editors of
    every article citing it are notified. Articles in progress stay where they are: submit and
    approve already refuse a retracted citation. Calling it again for a retracted source updates
    the details if they changed and flags any approved citing article that escaped (the periodic
    ``articles.retractions.reapply_retractions`` relies on this). Returns the flagged articles.
    """
    _require(actor is None or is_editor(actor), _("Only an editor may mark a source retracted."))
    source = Source.objects.select_for_update().get(pk=source.pk)
    # Values already stored are taken as they are, so that re-applying a retraction entered
    # by hand (reapply_retractions) never fails on details nobody is changing.
    if retracted_on is None:
        raise ValidationError({"retracted_on": _("Give the date of the retraction.")})
    if retracted_on != source.retracted_on and retracted_on > timezone.localdate():
        raise ValidationError({"retracted_on": _("The retraction date cannot be in the future.")})
    if notice != source.retraction_notice:
        try:
            notice = normalize_notice(notice)
        except ValidationError as exc:
            raise ValidationError({"notice": exc.error_list}) from None
    reason = reason.strip()
    first = not source.is_retracted
    details = (retracted_on, notice, reason)
    if (source.retracted_on, source.retraction_notice, source.retraction_reason) != details:
        source.retracted_on, source.retraction_notice, source.retraction_reason = details
        prefix = "retracted: " if first else "retraction updated: "
        source._change_reason = (prefix + (reason or notice))[:100]
        source._history_user = actor
        source.save()
    SourceNotice.objects.record(
        source=source,
        kind=NoticeKind.RETRACTION,
        notice=notice,
        date=retracted_on,
        reason=reason,
        record_id=record_id,
    )
    comment = _("Cited source retracted: [@%(key)s] %(title)s (retracted %(date)s%(notice)s)%(reason)s") % {
        "key": source.key,
        "title": source.title,
        "date": retracted_on.isoformat(),
        "notice": f"; notice {notice}" if notice else "",
        "reason": f": {reason}" if reason else ".",
    }
    payload = {
        "source": source.pk,
        "key": source.key,
        "title": source.title,
        "retracted_on": retracted_on.isoformat(),
        "notice": notice,
        "reason": reason,
    }
    editors = list(_editor_users())
    flagged = []
    # Citation rows are kept on every save, so "who cites this" is one indexed query.
    citing = Article.objects.filter(citations__source=source).exclude(status=Status.RETRACTED)
    for article in citing.order_by("pk"):
        article = lock(article)
        needs_rereview = article.status == Status.APPROVED
        if needs_rereview:
            # One notification says both things (retracted source, review due), not two.
            _reopen_for_review(article, actor=actor, reason=comment)
            flagged.append(article)
        if first or needs_rereview:
            notifications.notify(
                editors + list(article.authors.all()),
                NotificationKind.SOURCE_RETRACTED,
                article,
                {**payload, "flagged_for_rereview": needs_rereview},
            )
    return flagged
