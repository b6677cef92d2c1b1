"""The admin of the advisory board and its review policies."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.admin.base import HistoryAdmin
from reviews.models import BoardMember, ReviewFormItem, ReviewPolicy

# The board and its policies -------------------------------------------------------------------


@admin.register(BoardMember)
class BoardMemberAdmin(HistoryAdmin):
    list_display = ("display_name", "credentials", "user", "specialty_names", "active", "joined_at")
    list_filter = ("active", "specialties")
    search_fields = ("display_name", "credentials", "user__username", "user__email")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    filter_horizontal = ("specialties",)
    prepopulated_fields = {"slug": ("display_name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("specialties")

    def get_readonly_fields(self, request, obj=None):
        # A member's sign-offs belong to their user account: it is chosen once.
        return ("joined_at",) if obj is None else ("user", "joined_at")

    @admin.display(description=_("specialties"))
    def specialty_names(self, obj):
        return ", ".join(specialty.name for specialty in obj.specialties.all())


class ReviewFormItemInline(admin.TabularInline):
    """The policy's review form: the checklist every recommendation answers."""

    model = ReviewFormItem
    extra = 1
    fields = ("position", "question", "guidance", "required")


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(HistoryAdmin):
    inlines = [ReviewFormItemInline]
    list_display = (
        "scope",
        "approvals_required",
        "specialty_match_required",
        "review_interval_days",
        "assignment_due_days",
        "decision",
    )
    list_filter = ("specialty_match_required", "decision")
    search_fields = ("specialty__name",)
    list_select_related = ("specialty",)

    @admin.display(description=_("applies to"), ordering="specialty__name")
    def scope(self, obj):
        return obj.specialty.name if obj.specialty_id else gettext("Site-wide default")
