"""Integrity records: electronic signatures and the per-article hash chain of the audit trail.

Both are append-only (``ImmutableModel``, and database triggers: migration
``reviews/0009_integrity_triggers_and_chains``). They are written by ``reviews.signatures`` and
``reviews.audit``; ``reviews.models`` re-exports them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import CONTENT_HASH_VERSION, Article, ImmutableModel


class SignatureMeaning(models.TextChoices):
    APPROVE = "approve", _("Approval: recommends publishing this content")
    REQUEST_CHANGES = "request_changes", _("Request for changes: this content may not be published as it is")
    DECISION_APPROVE = "decision_approve", _("Editorial decision: approve for publication")
    DECISION_REQUEST_CHANGES = "decision_request_changes", _("Editorial decision: send back for changes")


class SignatureMethod(models.TextChoices):
    PASSWORD = "password", _("Password re-entered")
    OTP = "otp", _("One-time code")


class Signature(ImmutableModel):
    """An electronic signature: who signed what, when, meaning what, proven how.

    The printed name and credentials are copied at signing, so the record reads the same after
    a board member's details change.
    """

    id = models.UUIDField(_("signature id"), primary_key=True, default=uuid.uuid4, editable=False)
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    printed_name = models.CharField(_("printed name"), max_length=200)
    credentials = models.CharField(_("credentials"), max_length=100, blank=True)
    meaning = models.CharField(_("meaning"), max_length=30, choices=SignatureMeaning.choices)
    statement = models.TextField(_("statement signed"))
    method = models.CharField(_("method"), max_length=10, choices=SignatureMethod.choices)
    content_hash = models.CharField(_("content hash"), max_length=64)
    content_hash_version = models.PositiveSmallIntegerField(
        _("content hash version"), default=CONTENT_HASH_VERSION
    )
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        ordering = ["signed_at"]
        verbose_name = _("electronic signature")
        verbose_name_plural = _("electronic signatures")

    def __str__(self) -> str:
        return f"{self.printed_name}, {self.credentials}: {self.meaning} ({self.signed_at:%Y-%m-%d %H:%M})"


class AuditKind(models.TextChoices):
    TRANSITION = "transition", _("Transition")
    SIGNOFF = "signoff", _("Sign-off")
    PUBLICATION = "publication", _("Publication")
    SOURCE_NOTICE = "source_notice", _("Source notice")
    SOURCE_CHANGE = "source_change", _("Cited source changed")
    DECISION = "decision", _("Round decision")


class AuditEntry(ImmutableModel):
    """One link of an article's hash chain: ``entry_hash = SHA-256(previous_hash + entry)``.

    ``entry`` is the canonical JSON of the record (``kind``, ``record_id``) as ``reviews.audit``
    writes it; changing the record, or removing or reordering a link, breaks the chain there.
    """

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="audit_entries")
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=AuditKind.choices)
    record_id = models.CharField(_("record id"), max_length=40)
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    entry_hash = models.CharField(_("entry hash"), max_length=64)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["article", "position"]
        verbose_name = _("audit chain entry")
        verbose_name_plural = _("audit chain entries")
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="auditentry_unique_position"),
            models.UniqueConstraint(fields=["article", "kind", "record_id"], name="auditentry_record_once"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}#{self.position} {self.kind} {self.record_id}"
