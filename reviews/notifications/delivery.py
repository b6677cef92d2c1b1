"""Delivering the outbox: in-app at once, by email where the recipient wants it, at most once.

Each row is delivered in its own transaction that first claims it: ``SELECT ... FOR UPDATE SKIP
LOCKED`` lets concurrent workers on PostgreSQL pass over a row that another worker is sending,
and a conditional ``UPDATE ... WHERE delivered_at IS NULL`` is the claim on every database
(SQLite lets one writer in at a time, so a second worker finds the row delivered). The email goes
out inside that transaction: a failed send rolls the claim back and leaves the row pending for a
retry. Only a crash after the mail server took the message and before the commit can send it
again; nothing can send it twice otherwise.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from reviews.models import Notification, NotificationPreference
from reviews.notifications.emails import build_email

logger = logging.getLogger(__name__)

# After this many failed attempts a row stays pending, with its last error, for a person to look at.
MAX_DELIVERY_ATTEMPTS = 12
SWEEP_BATCH_SIZE = 200


class DeliveryFailed(Exception):
    """Some notifications could not be delivered; they stay pending and are tried again."""

    def __init__(self, notification_ids: Iterable[int]):
        self.notification_ids = list(notification_ids)
        super().__init__(f"Could not deliver notifications {self.notification_ids}")


class Outcome(enum.Enum):
    DELIVERED = "delivered"  # in-app only: opted out of email, or no address
    EMAILED = "emailed"
    SKIPPED = "skipped"  # delivered before, or another worker is delivering it now
    FAILED = "failed"


@dataclass
class DeliveryReport:
    """What one delivery run did; ``delivered`` counts the emailed rows too."""

    delivered: int = 0
    emailed: int = 0
    skipped: int = 0
    failed: list[int] = field(default_factory=list)

    def record(self, notification_id: int, outcome: Outcome) -> None:
        if outcome is Outcome.FAILED:
            self.failed.append(notification_id)
        elif outcome is Outcome.SKIPPED:
            self.skipped += 1
        else:
            self.delivered += 1
            self.emailed += outcome is Outcome.EMAILED

    def merge(self, other: DeliveryReport) -> None:
        self.delivered += other.delivered
        self.emailed += other.emailed
        self.skipped += other.skipped
        self.failed += other.failed

    def as_dict(self) -> dict:
        return {
            "delivered": self.delivered,
            "emailed": self.emailed,
            "skipped": self.skipped,
            "failed": list(self.failed),
        }



# Delivering ------------------------------------------------------------------------------------


def deliver(notification_ids: Iterable[int]) -> DeliveryReport:
    """Deliver each notification that is still pending, at most once, whoever else is trying."""
    report = DeliveryReport()
    for pk in notification_ids:
        report.record(pk, _deliver_one(pk))
    return report


def pending_notifications():
    """Rows to deliver now: not delivered, due for a retry, not given up on."""
    return Notification.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()),
        delivered_at__isnull=True,
        attempts__lt=MAX_DELIVERY_ATTEMPTS,
    )


def undeliverable_notifications():
    """Rows that failed ``MAX_DELIVERY_ATTEMPTS`` times; ``last_error`` says why."""
    return Notification.objects.filter(delivered_at__isnull=True, attempts__gte=MAX_DELIVERY_ATTEMPTS)


def deliver_pending(*, batch_size: int = SWEEP_BATCH_SIZE) -> DeliveryReport:
    """The sweep: deliver every row still pending, such as those queued while the broker was down."""
    report = DeliveryReport()
    after = 0
    while True:
        batch = list(
            pending_notifications()
            .filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            return report
        report.merge(deliver(batch))
        after = batch[-1]


def _deliver_one(pk: int) -> Outcome:
    try:
        with transaction.atomic():
            notification = _claim(pk)
            if notification is None:
                return Outcome.SKIPPED
            if not _wants_email(notification):
                return Outcome.DELIVERED
            build_email(notification).send()
            Notification.objects.filter(pk=pk).update(emailed_at=notification.delivered_at)
            return Outcome.EMAILED
    except Exception as exc:  # one bad row must not hold up the others; it is retried later
        logger.exception("Could not deliver notification %s", pk)
        _record_failure(pk, exc)
        return Outcome.FAILED


def _claim(pk: int) -> Notification | None:
    """Take the pending row for this transaction, or ``None`` when it is delivered or taken."""
    notification = (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient", "article")
        .filter(pk=pk, delivered_at__isnull=True)
        .first()
    )
    if notification is None:
        return None
    now = timezone.now()
    claimed = Notification.objects.filter(pk=pk, delivered_at__isnull=True).update(
        delivered_at=now, attempts=F("attempts") + 1, next_attempt_at=None
    )
    if not claimed:
        return None
    notification.delivered_at = now
    return notification


def _wants_email(notification: Notification) -> bool:
    recipient = notification.recipient
    return bool(
        recipient.is_active
        and recipient.email
        and NotificationPreference.email_enabled(recipient, notification.kind)
    )


def retry_delay(attempts: int) -> timedelta:
    """How long the sweep waits after the ``attempts``-th failure: 1, 2, 4 ... minutes, at most an hour."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def _record_failure(pk: int, exc: Exception) -> None:
    attempts = Notification.objects.filter(pk=pk).values_list("attempts", flat=True).first()
    if attempts is None:
        return
    Notification.objects.filter(pk=pk, delivered_at__isnull=True).update(
        attempts=F("attempts") + 1,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        next_attempt_at=timezone.now() + retry_delay(attempts + 1),
    )
