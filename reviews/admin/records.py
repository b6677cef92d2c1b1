"""Records the workflow writes (rounds, sign-offs, signatures, the log and its chain,
notifications): shown, never changed."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from articles.admin.base import HistoryAdmin, ReadOnlyAdminMixin
from reviews.models import (
    AuditEntry,
    Notification,
    NotificationPreference,
    ReminderSent,
    ReviewAssignment,
    ReviewRound,
    Signature,
    SignOff,
    TransitionLog,
)

# Records of the reviews (read-only) ------------------------------------------------------------


class AssignmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReviewAssignment
    fields = ("reviewer", "status", "due_date", "conflict_of_interest", "decision")
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer", "signoff")

    @admin.display(description=_("decision"))
    def decision(self, obj):
        signoff = getattr(obj, "signoff", None)
        return signoff.get_decision_display() if signoff else "—"


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ("article", "number", "status", "opened_at", "started_at", "closed_at")
    list_filter = ("status",)
    search_fields = ("article__title", "article__slug")
    list_select_related = ("article", "started_by")
    date_hierarchy = "opened_at"
    inlines = [AssignmentInline]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ("reviewer", "article", "round_number", "status", "due_date", "conflict_of_interest")
    list_filter = ("status", "conflict_of_interest", "due_date")
    search_fields = ("reviewer__display_name", "reviewer__user__username", "round__article__title")
    list_select_related = ("reviewer", "round__article", "assigned_by")
    date_hierarchy = "due_date"

    @admin.display(description=_("article"), ordering="round__article__title")
    def article(self, obj):
        return obj.round.article

    @admin.display(description=_("round"), ordering="round__number")
    def round_number(self, obj):
        return obj.round.number


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Sign-offs are immutable: no add, change or delete permission, whoever asks."""

    list_display = ("article", "reviewer", "decision", "signed_at", "short_hash")
    list_filter = ("decision", "signed_at")
    search_fields = ("assignment__reviewer__display_name", "assignment__round__article__title", "comments")
    list_select_related = ("assignment__reviewer", "assignment__round__article")
    date_hierarchy = "signed_at"
    fields = (
        "article",
        "reviewer",
        "assignment",
        "decision",
        "comments",
        "attestation",
        "signed_at",
        "content_hash",
        "content_hash_version",
        "signature",
        "article_history",
    )
    readonly_fields = fields

    @admin.display(description=_("article"), ordering="assignment__round__article__title")
    def article(self, obj):
        return obj.assignment.round.article

    @admin.display(description=_("reviewer"), ordering="assignment__reviewer__display_name")
    def reviewer(self, obj):
        return obj.assignment.reviewer

    @admin.display(description=_("content hash"))
    def short_hash(self, obj):
        return obj.content_hash[:12]


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "article", "action", "from_status", "to_status", "actor")
    list_filter = ("action", "to_status")
    search_fields = ("article__title", "comment", "actor__username")
    list_select_related = ("article", "actor")
    date_hierarchy = "at"
    fields = ("article", "action", "from_status", "to_status", "actor", "at", "comment", "content_hash")
    readonly_fields = fields


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Electronic signatures: who signed what, meaning what, when; never changed."""

    list_display = ("signed_at", "printed_name", "credentials", "meaning", "article", "method")
    list_filter = ("meaning", "method")
    search_fields = ("printed_name", "article__title", "id")
    list_select_related = ("article",)
    date_hierarchy = "signed_at"
    fields = (
        "id",
        "article",
        "signer",
        "printed_name",
        "credentials",
        "meaning",
        "statement",
        "method",
        "content_hash",
        "content_hash_version",
        "signed_at",
    )
    readonly_fields = fields


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Links of the articles' audit chains; ``manage.py verify_audit`` recomputes them."""

    list_display = ("article", "position", "kind", "record_id", "recorded_at")
    list_filter = ("kind",)
    search_fields = ("article__title", "record_id", "entry_hash")
    list_select_related = ("article",)
    fields = ("article", "position", "kind", "record_id", "previous_hash", "entry_hash", "recorded_at")
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "article", "delivered_at", "read_at", "attempts")
    list_filter = (
        "kind",
        ("delivered_at", admin.EmptyFieldListFilter),
        ("read_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("recipient__username", "article__title")
    list_select_related = ("recipient", "article")
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "email")
    list_filter = ("kind", "email")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("sent_at", "assignment", "stage")
    list_filter = ("stage",)
    search_fields = ("assignment__reviewer__display_name", "assignment__round__article__title")
    list_select_related = ("assignment__reviewer", "assignment__round__article")
    date_hierarchy = "sent_at"
