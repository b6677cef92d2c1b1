"""The read side's background jobs: pruning the notes of content changes (``public.freshness``)
and sending the purge outbox to the CDN (``public.purging.outbox``)."""

from __future__ import annotations

import logging

from celery import shared_task
from kombu.exceptions import KombuError

from public import freshness
from public.purging import outbox

logger = logging.getLogger(__name__)


@shared_task
def prune_content_changes() -> int:
    """Keep the newest notes only (daily); how many were deleted."""
    return freshness.prune_content_changes()


@shared_task
def purge_cdn() -> dict:
    """Send the due purges (after each change that queued some, and every 30 seconds)."""
    return outbox.send_due().as_dict()


def queue_purge(*, delay: float, **_signal) -> None:
    """After a change that queued purges committed: send them once they are due.

    In process (no broker) the task runs at once and sends only what is already due; the rest
    waits for beat or ``manage.py purge_cdn``. A broker that is down loses nothing either: the
    rows stay in the outbox.
    """
    try:
        purge_cdn.apply_async(countdown=delay)
    except (KombuError, OSError):
        logger.warning("Could not queue the purge task; beat will send the purges.", exc_info=True)
