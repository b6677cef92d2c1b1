"""The read side's periodic job: pruning the notes of content changes (``public.freshness``)."""

from __future__ import annotations

from celery import shared_task

from public import freshness


@shared_task
def prune_content_changes() -> int:
    """Keep the newest notes only (daily); how many were deleted."""
    return freshness.prune_content_changes()
