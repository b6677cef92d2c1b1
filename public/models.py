"""What the read side keeps of its own: the notes of content changes behind the content version,
and the purges a change owes the CDN and the proxy."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContentChange(models.Model):
    """A committed change to something a public page shows, noted by the database itself.

    Triggers on the tables the public pages read (migration 0001) add a row in the transaction of
    every change, whatever process or path makes it: the workflow, the admin, a worker, a command,
    a data fix in SQL. The highest id and the number of rows are the content version
    (``public.freshness``); old rows are pruned daily, which only changes the version once more.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("at"), db_default=Now())

    class Meta:
        verbose_name = _("content change")
        verbose_name_plural = _("content changes")

    def __str__(self) -> str:
        return f"change {self.pk}"


class PurgeRequest(models.Model):
    """A purge key a committed change made stale at the CDN and the proxy: the purge outbox.

    Written in the transaction of the change (``public.purging.changes``), so a purge exists
    exactly when the change committed; sent after it (``public.purging.outbox``) and deleted once
    every configured backend has taken it. A failed send leaves it for a later attempt, with
    backoff. One row per key and change: the sender merges equal keys, and purging a key twice
    does no harm.
    """

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(_("key"), max_length=255)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"),
        default=timezone.now,
        help_text=_("Not before the web processes have seen the change (PUBLIC_PURGE_DELAY)."),
    )
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("purge request")
        verbose_name_plural = _("purge requests")
        indexes = [models.Index(fields=["next_attempt_at", "id"], name="purgerequest_due_idx")]

    def __str__(self) -> str:
        return self.key
