"""Notifications: the outbox the workflow writes to, its delivery, and the emails it sends."""

from reviews.notifications.delivery import (
    MAX_DELIVERY_ATTEMPTS,
    DeliveryFailed,
    DeliveryReport,
    deliver,
    deliver_pending,
    pending_notifications,
    retry_delay,
    undeliverable_notifications,
)
from reviews.notifications.emails import build_email, email_context
from reviews.notifications.outbox import notify, queued

__all__ = [
    "MAX_DELIVERY_ATTEMPTS",
    "DeliveryFailed",
    "DeliveryReport",
    "build_email",
    "deliver",
    "deliver_pending",
    "email_context",
    "notify",
    "pending_notifications",
    "queued",
    "retry_delay",
    "undeliverable_notifications",
]
