"""The purge outbox: keys written in the change's transaction, sent to the CDN after it.

``queue`` writes one ``PurgeRequest`` per key inside the transaction of the change that made the
key stale, so a purge exists exactly when the change committed and is never lost to a crash, a
broker outage or a CDN outage. Once the transaction commits, the ``purge_cdn`` task sends what is
due; the same task runs every 30 seconds from beat, and ``manage.py purge_cdn`` does it by hand.

A key is due ``PUBLIC_PURGE_DELAY`` seconds after it was queued: by then every web process has
seen the change (``public.freshness``), so the CDN's next fetch gets the new page and not a
stored copy of the old one. ``send_due`` claims due rows (``SKIP LOCKED`` on PostgreSQL, so two
senders share the work), sends their distinct keys to every configured backend, and deletes them;
when a backend fails, the rows stay with the error and their next attempt is put off with
exponential backoff (or by the ``Retry-After`` the vendor gave). Sending a key twice is harmless,
so a retry never has to know what had gone through.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from public.models import PurgeRequest
from public.purging.backends import NoPurge, PurgeFailed, configured_backends

logger = logging.getLogger(__name__)

# Sent after a transaction that queued purges commits (the task is queued on it: public.apps).
queued = Signal()

SEND_BATCH_SIZE = 500
BACKOFF_SECONDS = 15
BACKOFF_MAX_SECONDS = 3600


def queue(keys: Iterable[str]) -> list[PurgeRequest]:
    """Owe a purge of ``keys`` once the current transaction commits (inside it, if any)."""
    distinct = sorted(set(keys))
    if not distinct or not purging():
        return []
    due = timezone.now() + timedelta(seconds=settings.PUBLIC_PURGE_DELAY)
    rows = PurgeRequest.objects.bulk_create(PurgeRequest(key=key, next_attempt_at=due) for key in distinct)
    # Robust: the change has committed; a broker that is down must not fail it (beat sends later).
    transaction.on_commit(
        lambda: queued.send(sender=PurgeRequest, delay=settings.PUBLIC_PURGE_DELAY), robust=True
    )
    return rows


def purging() -> bool:
    """Whether anything is in front of the site to purge (with only ``NoPurge``, nothing is queued)."""
    return any(not isinstance(backend, NoPurge) for backend in configured_backends())


@dataclass
class SendReport:
    """What one ``send_due`` did: keys purged, rows done, and rows left for a later attempt."""

    purged: int = 0
    rows: int = 0
    failed_rows: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "purged": self.purged,
            "rows": self.rows,
            "failed_rows": self.failed_rows,
            "errors": self.errors,
        }


def due_requests():
    return PurgeRequest.objects.filter(next_attempt_at__lte=timezone.now())


def send_due(*, batch_size: int = SEND_BATCH_SIZE, progress=None) -> SendReport:
    """Send every due purge, a batch of rows at a time, until none is due or a batch fails."""
    report = SendReport()
    while _send_batch(report, batch_size):
        if progress is not None:
            progress(report)
    return report


def _send_batch(report: SendReport, batch_size: int) -> bool:
    """Claim and send one batch; whether another may follow."""
    with transaction.atomic():
        claimed = list(
            due_requests()
            .select_for_update(skip_locked=True)
            .order_by("id")
            .values_list("id", "key", "attempts")[:batch_size]
        )
        if not claimed:
            return False
        ids = [row[0] for row in claimed]
        keys = sorted({row[1] for row in claimed})
        try:
            for backend in configured_backends():
                backend.purge(keys)
        except PurgeFailed as exc:
            logger.warning("Could not purge %d key(s); trying again later: %s", len(keys), exc)
            _put_off(ids, attempts=max(row[2] for row in claimed) + 1, error=exc)
            report.failed_rows += len(ids)
            report.errors.append(str(exc))
            return False
        PurgeRequest.objects.filter(id__in=ids).delete()
    report.purged += len(keys)
    report.rows += len(ids)
    return len(claimed) == batch_size


def backoff(attempts: int) -> float:
    """Seconds before attempt ``attempts + 1``: 15, 30, 60 ... up to an hour."""
    return min(BACKOFF_SECONDS * 2 ** (attempts - 1), BACKOFF_MAX_SECONDS)


def _put_off(ids: list[int], *, attempts: int, error: PurgeFailed) -> None:
    wait = max(backoff(attempts), error.retry_after or 0)
    PurgeRequest.objects.filter(id__in=ids).update(
        attempts=F("attempts") + 1,
        next_attempt_at=timezone.now() + timedelta(seconds=wait),
        last_error=str(error)[:2000],
    )
