"""The advisory board and its reviews: members, policies, rounds, assignments, sign-offs, log.

Every change of these rows goes through ``reviews.workflow``. Sign-offs and transition log
entries are append-only: the ORM refuses to change or delete them, and so does the database.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from articles.models import CONTENT_HASH_VERSION, Article, ImmutableModel, Specialty, Status
from reviews.orcid import normalize_orcid, validate_orcid
from reviews.records import Signature


def unique_member_slug(name: str, *, exclude=None) -> str:
    """``dr-ann-baker``, or ``dr-ann-baker-2`` when another member has it."""
    base = slugify(name)[:110] or "member"
    taken = set(
        BoardMember.objects.exclude(pk=exclude).filter(slug__startswith=base).values_list("slug", flat=True)
    )
    return (
        base
        if base not in taken
        else next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)
    )

__all__ = [
    "ATTESTATION",
    "AssignmentStatus",
    "BoardMember",
    "BoardMemberQuerySet",
    "Decision",
    "DecisionMode",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "OPEN_ROUND_STATUSES",
    "ReminderSent",
    "ReminderStage",
    "ReviewAssignment",
    "ReviewPolicy",
    "ReviewRound",
    "RoundStatus",
    "SignOff",
    "TransitionLog",
]


class BoardMemberQuerySet(models.QuerySet):
    def active_for(self, user) -> BoardMember | None:
        """The active board membership of ``user`` (a reviewer), or ``None``."""
        if not (user and user.is_authenticated):
            return None
        return self.filter(user=user, active=True).first()


class BoardMember(models.Model):
    """A member of the medical advisory board: a user who reviews and signs off articles."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_member"
    )
    display_name = models.CharField(_("display name"), max_length=200, help_text=_("e.g. Dr. Ann Baker"))
    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, help_text=_("The member's public page: /board/<slug>/.")
    )
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text=_("e.g. 0000-0002-1825-0097 (checked)."),
    )
    credentials = models.CharField(_("credentials"), max_length=100, help_text=_('e.g. "MD" or "PharmD"'))
    specialties = models.ManyToManyField(Specialty, related_name="board_members", blank=True)
    bio = models.TextField(_("biography"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateField(_("joined"), auto_now_add=True)

    objects = BoardMemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("board member")
        verbose_name_plural = _("board members")

    def __str__(self) -> str:
        return f"{self.display_name}, {self.credentials}"

    def save(self, *args, **kwargs) -> None:
        # A member made in code (the demo, a test) gets a slug from their name.
        if not self.slug:
            self.slug = unique_member_slug(self.display_name, exclude=self.pk)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        try:
            self.orcid = normalize_orcid(self.orcid)
        except ValidationError as exc:
            raise ValidationError({"orcid": exc}) from None


class DecisionMode(models.TextChoices):
    AUTO = "auto", _("Automatic at quorum")
    EDITOR = "editor", _("The editor decides")


class ReviewPolicy(models.Model):
    """How many approvals a review needs and how often content comes back for review.

    The policy without a specialty is the site-wide default; a specialty's own policy wins.
    """

    specialty = models.ForeignKey(
        Specialty,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_policies",
        help_text=_("Leave empty for the site-wide default."),
    )
    approvals_required = models.PositiveSmallIntegerField(
        _("approvals required"), default=2, validators=[MinValueValidator(1)]
    )
    specialty_match_required = models.BooleanField(
        _("specialty match required"),
        default=True,
        help_text=_("At least one approval must come from a reviewer of the article's specialty."),
    )
    review_interval_days = models.PositiveIntegerField(
        _("review interval (days)"), default=365, validators=[MinValueValidator(1)]
    )
    assignment_due_days = models.PositiveIntegerField(
        _("assignment due (days)"), default=14, validators=[MinValueValidator(1)]
    )
    decision = models.CharField(
        _("decision"),
        max_length=10,
        choices=DecisionMode.choices,
        default=DecisionMode.AUTO,
        help_text=_(
            "Automatic: approved at quorum when no reviewer of the round asked for changes; "
            "otherwise an editor decides. Editor: an editor always decides."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review policy")
        verbose_name_plural = _("review policies")
        constraints = [
            # One policy per specialty and one site-wide default (NULL would not collide).
            models.UniqueConstraint(
                Coalesce("specialty", Value(0)),
                name="reviewpolicy_one_per_scope",
                violation_error_message=_("This specialty (or the site) already has a policy."),
            ),
            models.CheckConstraint(
                condition=Q(approvals_required__gte=1), name="reviewpolicy_approvals_positive"
            ),
        ]

    def __str__(self) -> str:
        scope = self.specialty.name if self.specialty_id else _("site-wide")
        return f"{scope}: {self.approvals_required} approvals, every {self.review_interval_days} days"


class RoundStatus(models.TextChoices):
    PENDING = "pending", _("Collecting reviewers")
    IN_PROGRESS = "in_progress", _("In progress")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ROUND_STATUSES = (RoundStatus.PENDING, RoundStatus.IN_PROGRESS)


class ReviewRound(models.Model):
    """One pass of the board over one submitted version of an article."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="review_rounds")
    number = models.PositiveIntegerField(_("round"))
    status = models.CharField(
        _("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.PENDING
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    started_at = models.DateTimeField(_("review started"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # What the reviewers declared their conflicts against: a later round carries the
    # declarations over only while both stay the same.
    topic = models.ForeignKey(Specialty, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    author_ids = models.JSONField(_("authors when opened"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="reviewround_unique_number"),
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(status__in=["pending", "in_progress"]),
                name="reviewround_one_open_per_article",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} — round {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ROUND_STATUSES


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SIGNED_OFF = "signed_off", _("Signed off")
    CONFLICT = "conflict", _("Declined: conflict of interest")
    CLOSED = "closed", _("Closed without a recommendation")


class ReviewAssignment(models.Model):
    """A board member asked to review an article in one round, by a due date."""

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey(BoardMember, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    conflict_of_interest = models.BooleanField(
        _("conflict of interest"), null=True, blank=True, help_text=_("Empty until declared.")
    )
    conflict_statement = models.TextField(_("conflict statement"), blank=True)
    conflict_declared_at = models.DateTimeField(_("declared"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(fields=["round", "reviewer"], name="assignment_one_per_reviewer"),
            models.CheckConstraint(
                condition=~Q(conflict_of_interest=True) | ~Q(conflict_statement=""),
                name="assignment_conflict_has_statement",
                violation_error_message=_("A declared conflict of interest needs a statement."),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="assignment_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.round}"


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REQUEST_CHANGES = "request_changes", _("Request changes")


ATTESTATION = "I have reviewed this content and its sources for medical accuracy."


class SignOff(ImmutableModel):
    """A reviewer's recommendation on the exact revision they reviewed. Never changed or deleted.

    ``form`` keeps the review form as answered: ``{item_id: {"question", "answer", "note"}}``.
    """

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.PROTECT, related_name="signoff")
    article_history = models.ForeignKey(
        Article.history.model,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The revision this sign-off covers."),
    )
    content_hash = models.CharField(_("content hash"), max_length=64)
    content_hash_version = models.PositiveSmallIntegerField(
        _("content hash version"),
        default=CONTENT_HASH_VERSION,
        help_text=_("A sign-off counts only against a content hash of its own version."),
    )
    signature = models.OneToOneField(
        Signature,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signoff",
        help_text=_("Empty for sign-offs made before electronic signatures."),
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    comments = models.TextField(_("comments"), blank=True)
    attestation = models.TextField(_("attestation"))
    form = models.JSONField(_("review form answers"), default=dict, blank=True)
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        ordering = ["signed_at"]
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="request_changes") | ~Q(comments=""),
                name="signoff_changes_need_comments",
                violation_error_message=_("Requesting changes needs comments for the author."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.assignment.reviewer}"


class TransitionLog(ImmutableModel):
    """Append-only record of every workflow step taken on an article."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="transition_log")
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for steps the system took (scheduled re-review, retracted source)."),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")
        indexes = [models.Index(fields=["article", "at"], name="transitionlog_article_at_idx")]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.from_status} → {self.to_status} ({self.action})"


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to review")
    DUE_SOON = "due_soon", _("Review due soon")
    OVERDUE = "overdue", _("Review overdue")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    SOURCE_RETRACTED = "source_retracted", _("Cited source retracted")
    REVIEW_DUE = "review_due", _("Review due")
    SUBMITTED = "submitted", _("Submitted for review")
    SOURCE_CHANGED = "source_changed", _("Cited source changed")
    AUDIT_FAILED = "audit_failed", _("Audit trail verification failed")
    COLLEAGUE_REQUESTED_CHANGES = "colleague_changes", _("A colleague asked for changes")
    DECISION_NEEDED = "decision_needed", _("A decision is needed")
    DECIDED = "decided", _("The editor decided")
    REINVITED = "reinvited", _("Invited to the next round")
    COMMENT_REPLY = "comment_reply", _("A reply to your comment")
    RETRACTED = "retracted", _("Article retracted")


class Notification(models.Model):
    """An outbox row: written in the workflow's transaction, delivered after commit.

    ``delivered_at`` is set once delivery (in-app and email) has happened, so running the
    delivery again never sends twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    last_error = models.TextField(_("last delivery error"), blank=True)
    next_attempt_at = models.DateTimeField(
        _("next delivery attempt"),
        null=True,
        blank=True,
        help_text=_("After a failed delivery, the sweep leaves the row alone until then."),
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(
                fields=["created_at"],
                condition=Q(delivered_at__isnull=True),
                name="notification_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"


class NotificationPreference(models.Model):
    """A user's choice to receive a kind of notification by email; without a row, email is on.

    Turning email off never hides the notification in the editorial app.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    email = models.BooleanField(_("send email"), default=True)

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notificationpreference_one_per_kind"),
        ]

    def __str__(self) -> str:
        state = _("email") if self.email else _("in-app only")
        return f"{self.user}: {self.get_kind_display()} ({state})"

    @classmethod
    def email_enabled(cls, user, kind: str) -> bool:
        return not cls.objects.filter(user=user, kind=kind, email=False).exists()


class ReminderStage(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class ReminderSent(models.Model):
    """Records that a reviewer was reminded at one stage of an assignment, so it happens once."""

    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.CASCADE, related_name="reminders_sent")
    stage = models.CharField(_("stage"), max_length=20, choices=ReminderStage.choices)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "stage"], name="remindersent_once_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} reminder for {self.assignment}"
