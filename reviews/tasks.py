"""Background work on Celery: notification delivery and the review board's periodic jobs.

The tasks stay thin: the rules live in ``reviews.notifications``, ``reviews.reminders`` and
``reviews.retractions``, which the management commands of the same names call too. The beat
schedule is ``CELERY_BEAT_SCHEDULE`` in the settings.
"""

from __future__ import annotations

import logging

from celery import shared_task
from kombu.exceptions import KombuError

from articles import roles
from articles.models import Article
from reviews import audit, notifications, reminders, retraction_sync, retractions
from reviews.models import NotificationKind
from reviews.notifications import DeliveryFailed, notify

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(DeliveryFailed,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=6,
)
def deliver_notifications(self, notification_ids: list[int]) -> dict:
    """Deliver freshly written outbox rows; retried with exponential backoff while some fail.

    Retrying only re-sends what is still pending, so a retry never repeats an email. In process
    (no broker) a failure is not retried on the spot, which would block the request that made
    the change: the rows stay pending for the sweep.
    """
    report = notifications.deliver(notification_ids)
    if report.failed and not self.request.is_eager:
        raise DeliveryFailed(report.failed)
    return report.as_dict()


@shared_task
def sweep_notifications() -> dict:
    """Deliver every row still pending, e.g. written while the broker was down (every minute)."""
    return notifications.deliver_pending().as_dict()


@shared_task
def send_review_reminders() -> dict:
    """Due-soon and overdue reminders, once per assignment and stage (hourly)."""
    return reminders.send_review_reminders().as_dict()


@shared_task
def flag_due_reviews() -> list[int]:
    """Move approved articles whose review date has come to Review Due (daily)."""
    return [article.pk for article in reminders.flag_due_reviews()]


@shared_task
def reapply_retractions() -> list[int]:
    """Send every approved article that still cites a retracted source back to review (daily)."""
    return retractions.reapply_retractions()


@shared_task
def sync_retraction_watch() -> dict:
    """The daily Retraction Watch sync; does nothing while ``RETRACTION_WATCH_URL`` is empty."""
    sync = retraction_sync.sync_retraction_watch()
    return {"off": True} if sync is None else {"rows": sync.rows, "applied": sync.changed}


def queue_delivery(*, notification_ids: list[int], **_signal) -> None:
    """Hand freshly committed outbox rows to the delivery task (``notifications.queued``).

    Runs after the commit, so an unreachable broker must not fail the request that made the
    change: the rows stay pending and the periodic sweep delivers them.
    """
    try:
        deliver_notifications.delay(notification_ids)
    except (KombuError, OSError):
        logger.warning(
            "Could not queue delivery of notifications %s; the sweep will deliver them.",
            notification_ids,
            exc_info=True,
        )


@shared_task
def verify_audit_trail() -> dict:
    """Recompute every audit chain and stored publication; tell the editors when one breaks (nightly)."""
    result = audit.verify_everything()
    if not result.ok:
        first = result.first_broken
        logger.error("The audit trail does not verify: %s (%d problem(s))", first, len(result.broken))
        notify(
            roles.editors(),
            NotificationKind.AUDIT_FAILED,
            Article.objects.filter(pk=first.article_id).first(),
            {"reason": str(first), "broken_count": len(result.broken), "first_broken": first.as_dict()},
        )
    return {
        "ok": result.ok,
        "articles": result.articles,
        "entries": result.entries,
        "broken": len(result.broken),
    }
