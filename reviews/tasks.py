"""Background work: notification delivery."""

from __future__ import annotations

from django.utils import timezone

from reviews.models import Notification


class _Task:
    """Minimal stand-in until the Celery app is wired; ``delay`` runs the task in process."""

    def __init__(self, func):
        self.func = func

    def delay(self, *args, **kwargs):
        return self.func(*args, **kwargs)

    def __call__(self, *args, **kwargs):
        return self.func(*args, **kwargs)


def _deliver(notification_ids: list[int]) -> int:
    return Notification.objects.filter(pk__in=notification_ids, delivered_at__isnull=True).update(
        delivered_at=timezone.now()
    )


deliver_notifications = _Task(_deliver)
