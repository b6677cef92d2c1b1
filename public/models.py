"""What the read side keeps of its own: the notes of content changes behind the content version."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now
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
