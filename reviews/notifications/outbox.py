"""The notification outbox: rows written inside the workflow's transaction, delivered after it.

Writing the row in the same transaction as the change means a notification exists exactly when
the change committed; delivery (in-app and email) runs later, so a broken mail server or broker
never rolls a sign-off back. Once the transaction commits, ``queued`` is sent with the new rows'
ids; ``reviews.tasks`` hands them to the delivery task (connected in ``ReviewsConfig.ready``).

Payloads the templates under ``templates/email/`` read, by kind: ``assigned`` ``due_date``;
``due_soon`` and ``overdue`` ``due_date``, ``reviewer`` (display name), ``reviewer_user`` (user id);
``changes_requested`` ``comments``; ``review_due`` ``reason``; ``submitted`` ``comment``;
``source_retracted`` ``source`` (title or key) and ``reason``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

from articles.models import Article
from reviews.models import Notification

# Sent after commit with ``notification_ids``: the rows written by one transaction.
queued = Signal()


def notify(recipients: Iterable, kind: str, article: Article | None, payload: dict) -> list[Notification]:
    """Queue one notification per distinct recipient and deliver them once the transaction commits."""
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, article=article, payload=payload) for user in unique.values()
    )
    ids = [row.pk for row in rows]
    if ids:
        # Robust: the change has committed, so nothing in handing the rows on (a broker down, a
        # missing transport) may fail the request; the rows stay pending and the sweep delivers.
        transaction.on_commit(lambda: queued.send(sender=Notification, notification_ids=ids), robust=True)
    return rows
