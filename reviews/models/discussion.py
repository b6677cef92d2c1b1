"""What a round says besides the recommendations: the review form, comments, the decision.

Comments are anchored to a quote of the revision they were made on (W3C Web Annotation
TextQuoteSelector: ``exact`` with its ``prefix`` and ``suffix``) and threaded by ``parent``.
A round's decision is an append-only row, like a recommendation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ImmutableModel
from reviews.models.board import Decision, ReviewPolicy, ReviewRound, SignOff
from reviews.records import Signature


class FormAnswer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


class ReviewFormItem(models.Model):
    """One question of a policy's review form (checklist), answered with every recommendation."""

    policy = models.ForeignKey(ReviewPolicy, on_delete=models.CASCADE, related_name="form_items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    question = models.CharField(_("question"), max_length=300)
    guidance = models.TextField(_("guidance"), blank=True)
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Must be answered before a reviewer may approve.")
    )

    class Meta:
        ordering = ["policy", "position", "pk"]
        verbose_name = _("review form item")
        verbose_name_plural = _("review form items")
        constraints = [
            models.UniqueConstraint(fields=["policy", "question"], name="reviewformitem_unique_question"),
        ]

    def __str__(self) -> str:
        return self.question


class CommentState(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    OUTDATED = "outdated", _("Outdated")


class Comment(models.Model):
    """A reviewer's or editor's comment on a passage, or a reply in its thread.

    A thread's first comment carries the quote; replies (``parent``) carry none. Whether a quote
    is still found in the current revision is decided when it is shown (``reviews.comments``).
    """

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="review_comments")
    round = models.ForeignKey(
        ReviewRound, on_delete=models.PROTECT, related_name="comments", null=True, blank=True
    )
    revision = models.ForeignKey(
        Article.history.model,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The revision the comment was made on."),
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signoff = models.OneToOneField(
        SignOff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comment",
        help_text=_("Set when the comment is a recommendation's general remarks."),
    )
    quote_exact = models.TextField(_("quoted text"), blank=True)
    quote_prefix = models.CharField(_("text before the quote"), max_length=64, blank=True)
    quote_suffix = models.CharField(_("text after the quote"), max_length=64, blank=True)
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        indexes = [models.Index(fields=["article", "created_at"], name="comment_article_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(quote_exact=""), name="comment_reply_has_no_quote"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="comment_has_body"),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.article}: {self.body[:40]}"

    @property
    def is_thread(self) -> bool:
        return self.parent_id is None


class RoundDecision(ImmutableModel):
    """How a round ended: the editor's decision, or the policy's at quorum. Never changed.

    ``decided_by`` is empty when the policy decided (``decision: auto`` at quorum). A
    ``request_changes`` decision is the author's decision letter: ``letter`` and the
    ``forwarded`` comments.
    """

    round = models.OneToOneField(ReviewRound, on_delete=models.PROTECT, related_name="decision")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="round_decisions")
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    letter = models.TextField(_("decision letter"), blank=True)
    forwarded = models.ManyToManyField(Comment, blank=True, related_name="forwarded_in")
    article_history = models.ForeignKey(Article.history.model, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(_("content hash"), max_length=64)
    signature = models.OneToOneField(
        Signature,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="round_decision",
        help_text=_("The editor's electronic signature; empty when the policy decided."),
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("round decision")
        verbose_name_plural = _("round decisions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="request_changes") | ~Q(letter=""),
                name="rounddecision_changes_need_letter",
                violation_error_message=_("A request for changes needs a letter to the authors."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.round}"
