"""Template context for every page: the unread count behind the notification bell."""

from __future__ import annotations

from reviews import selectors


class _UnreadCount:
    """Counts on first use only, so pages that never show the bell never query."""

    def __init__(self, user):
        self.user = user
        self.value: int | None = None

    def __call__(self) -> int:
        if self.value is None:
            self.value = selectors.unread_notification_count(self.user)
        return self.value


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": _UnreadCount(user)}
