"""Articles and their topics: the content authors write and the board reviews.

State changes of an article happen only through ``reviews.workflow``; the ``@transition``
methods here only set fields in memory, and who may call them is decided there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from articles.models.records import RevisionHistory


class Specialty(models.Model):
    """A medical specialty: an article's topic and a board member's field."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")

    def __str__(self) -> str:
        return self.name


class Audience(models.TextChoices):
    PATIENT = "patient", _("Patient")
    PROFESSIONAL = "professional", _("Professional")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under Review")
    CHANGES_REQUESTED = "changes_requested", _("Changes Requested")
    APPROVED = "approved", _("Approved")
    REVIEW_DUE = "review_due", _("Review Due")
    RETRACTED = "retracted", _("Retracted")


# Content changes only in these states; who may change it is ``articles.roles.edit_refusal``.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})

# The fields an author edits; a change to any of them is a content change.
CONTENT_FIELDS = ("title", "summary", "body", "audience", "topic")

# The definition of the content hash in force (``articles.hashing``); records made under an older
# one keep their number, so they are never compared with a hash of this one by accident.
CONTENT_HASH_VERSION = 2


class Article(ConcurrentTransitionMixin, models.Model):
    """A medical article moving through draft, advisory-board review and publication."""

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.PATIENT
    )
    topic = models.ForeignKey(
        Specialty, on_delete=models.PROTECT, related_name="articles", verbose_name=_("topic")
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="authored_articles", verbose_name=_("authors")
    )
    audience_counterpart = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version for the other audience"),
        help_text=_("The patient or professional article on the same topic; each is reviewed on its own."),
    )
    attached_sources = models.ManyToManyField(
        "Source",
        blank=True,
        related_name="attached_to",
        verbose_name=_("attached sources"),
        help_text=_("Sources the author collected for this article, cited or not."),
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        protected=True,
        db_index=True,
    )
    content_hash = models.CharField(
        _("content hash"),
        max_length=64,
        editable=False,
        help_text=_("SHA-256 of the canonical content that a sign-off covers."),
    )
    content_hash_version = models.PositiveSmallIntegerField(
        _("content hash version"),
        default=CONTENT_HASH_VERSION,
        editable=False,
        help_text=_("The definition the content hash was made under (articles.hashing)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    content_modified_at = models.DateTimeField(_("last modified (content)"), null=True, blank=True)
    first_published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    last_reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    retracted_at = models.DateTimeField(_("retracted"), null=True, blank=True)
    retraction_notice = models.TextField(_("retraction notice"), blank=True)
    review_due_since = models.DateTimeField(
        _("under re-review since"),
        null=True,
        blank=True,
        help_text=_("When the article was last sent back to the board for re-review."),
    )
    review_due_reason = models.TextField(
        _("reason for re-review"),
        blank=True,
        help_text=_("Why the article was flagged for re-review (interval passed, retracted source...)."),
    )

    history = RevisionHistory(excluded_fields=["updated_at"], latest_index="article_revision_latest_idx")

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "next_review_due"], name="article_status_due_idx"),
            # The editorial lists' default order (most recently changed first), read a page at a time.
            models.Index(fields=["-updated_at"], name="article_updated_idx"),
            # The public reads exclude retracted articles by this date rather than by status: a
            # condition without a parameter keeps PostgreSQL's prepared plans exact.
            models.Index(
                fields=["retracted_at"], condition=Q(retracted_at__isnull=False), name="article_retracted_idx"
            ),
            # The listed view looks each publication's article up here (NOT EXISTS): a tiny index,
            # read without the table's rows, however many articles there are.
            models.Index(
                fields=["id"], condition=Q(retracted_at__isnull=False), name="article_retracted_ids_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=Status.RETRACTED, retracted_at__isnull=False)
                | (~Q(status=Status.RETRACTED) & Q(retracted_at__isnull=True)),
                name="article_retracted_iff_dated",
                violation_error_message=_("An article has a retraction date exactly when it is retracted."),
            ),
        ]
        permissions = [("manage_board", "Can run the advisory board (assign, approve, retract)")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    # Transitions: memory only. reviews.workflow locks, checks, saves and logs.

    @transition(
        field=status,
        source=[Status.DRAFT, Status.CHANGES_REQUESTED],
        target=Status.SUBMITTED,
    )
    def submit(self) -> None:
        pass

    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.REVIEW_DUE],
        target=Status.UNDER_REVIEW,
    )
    def start_review(self) -> None:
        pass

    @transition(field=status, source=Status.UNDER_REVIEW, target=Status.APPROVED)
    def approve(self, *, reviewed_at, next_review_due) -> None:
        self.last_reviewed_at = reviewed_at
        self.next_review_due = next_review_due
        self.review_due_reason = ""
        if self.first_published_at is None:
            self.first_published_at = reviewed_at

    @transition(field=status, source=Status.UNDER_REVIEW, target=Status.CHANGES_REQUESTED)
    def request_changes(self) -> None:
        pass

    @transition(
        field=status,
        source=[Status.APPROVED, Status.REVIEW_DUE],
        target=Status.DRAFT,
    )
    def revise(self) -> None:
        pass

    @transition(field=status, source=Status.APPROVED, target=Status.REVIEW_DUE)
    def flag_for_rereview(self, *, reason: str) -> None:
        self.review_due_reason = reason
        self.review_due_since = timezone.now()

    @transition(
        field=status,
        source=[Status.APPROVED, Status.REVIEW_DUE],
        target=Status.RETRACTED,
    )
    def retract(self, *, notice: str, retracted_at) -> None:
        self.retraction_notice = notice
        self.retracted_at = retracted_at
