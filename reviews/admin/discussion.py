"""What a round says besides the recommendations, in the back office: decisions (read-only,
append-only records) and comment threads (read-only: people comment in the editorial app)."""

from __future__ import annotations

from django.contrib import admin

from articles.admin.base import ReadOnlyAdminMixin
from reviews.models import Comment, RoundDecision


@admin.register(RoundDecision)
class RoundDecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("decided_at", "article", "round", "decision", "decided_by")
    list_filter = ("decision",)
    search_fields = ("article__title", "letter")
    list_select_related = ("article", "round__article", "decided_by")
    filter_horizontal = ("forwarded",)


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "article", "author", "quote_exact", "resolved_at")
    list_filter = ("resolved_at",)
    search_fields = ("article__title", "body", "quote_exact")
    list_select_related = ("article", "author")
