"""The purge outbox in the back office: what is waiting for the CDN, and why it failed."""

from __future__ import annotations

from django.contrib import admin

from articles.admin.base import ReadOnlyAdminMixin
from public.models import PurgeRequest


@admin.register(PurgeRequest)
class PurgeRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rows leave once sent (``manage.py purge_cdn`` sends the due ones now)."""

    list_display = ("key", "queued_at", "next_attempt_at", "attempts", "last_error")
    list_filter = ("attempts",)
    search_fields = ("key",)
    readonly_fields = list_display
    ordering = ("next_attempt_at", "id")
