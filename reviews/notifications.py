"""The notification outbox: rows written inside the workflow's transaction, delivered after it.

Writing the row in the same transaction as the change means a notification exists exactly when
the change committed; delivery (in-app and email) runs later, so a broken mail server or broker
never rolls a sign-off back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from articles.models import Article
from reviews.models import Notification


def notify(recipients: Iterable, kind: str, article: Article | None, payload: dict) -> list[Notification]:
    """Queue one notification per distinct recipient and deliver them once the transaction commits."""
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, article=article, payload=payload) for user in unique.values()
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: schedule_delivery(ids))
    return rows


def schedule_delivery(notification_ids: list[int]) -> None:
    """Hand the rows to the delivery task (in process when no broker is configured)."""
    from reviews.tasks import deliver_notifications

    deliver_notifications.delay(notification_ids)
