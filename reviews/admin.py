"""The admin of the advisory board and its reviews, and the workflow actions on articles.

Every workflow step taken here is a call to ``reviews.workflow``, so the admin follows the same
rules as the API and the editorial app: each selected article is tried on its own and reported
as done or refused. Rounds, assignments, sign-offs, the transition log and notifications are
records the workflow writes; the admin shows them and never changes them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.admin import ActionFormMixin, ArticleAdmin, HistoryAdmin, ReadOnlyAdminMixin
from articles.models import Article
from reviews import workflow
from reviews.models import (
    BoardMember,
    Notification,
    NotificationPreference,
    ReminderSent,
    ReviewAssignment,
    ReviewPolicy,
    ReviewRound,
    SignOff,
    TransitionLog,
)

# Forms for the actions that need input ----------------------------------------------------------


class AssignReviewerForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        queryset=BoardMember.objects.filter(active=True).order_by("display_name"),
        label=_("Reviewer"),
    )
    due_date = forms.DateField(
        required=False,
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the review policy's default."),
    )


class FlagForRereviewForm(forms.Form):
    text = forms.CharField(
        label=_("Reason for re-review"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Shown to the authors and the board, and on the public page while the review is due."),
    )


class RetractForm(forms.Form):
    text = forms.CharField(
        label=_("Retraction notice"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Shown to readers in place of the article."),
    )


# Articles: the content admin plus the workflow ---------------------------------------------------


class ReviewRoundInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReviewRound
    fields = ("number", "status", "opened_at", "started_at", "closed_at")
    readonly_fields = fields
    extra = 0
    show_change_link = True


class TransitionLogInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TransitionLog
    fields = ("at", "action", "from_status", "to_status", "actor", "comment")
    readonly_fields = fields
    extra = 0
    verbose_name_plural = _("workflow steps")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ReviewedArticleAdmin(ActionFormMixin, ArticleAdmin):
    """The article admin with its review rounds, its transition log and the editors' workflow steps.

    Registered here rather than in ``articles.admin`` because ``reviews`` builds on ``articles``,
    not the other way round. Each action calls one ``reviews.workflow`` function per article.
    """

    inlines = [*ArticleAdmin.inlines, ReviewRoundInline, TransitionLogInline]
    actions = ["assign_reviewer", "start_review", "approve", "revise", "flag_for_rereview", "retract"]

    @admin.action(description=_("Assign a reviewer"), permissions=["manage_board"])
    def assign_reviewer(self, request, queryset):
        def step(article, data):
            assignment = workflow.assign_reviewer(
                actor=request.user, article=article, reviewer=data["reviewer"], due_date=data["due_date"]
            )
            return gettext("%(reviewer)s assigned, due %(due)s.") % {
                "reviewer": assignment.reviewer,
                "due": assignment.due_date.isoformat(),
            }

        return self.run_with_form(
            request,
            queryset,
            form_class=AssignReviewerForm,
            title=gettext("Assign a reviewer"),
            submit=gettext("Assign"),
            step=step,
            done=gettext("reviewer assigned."),
        )

    @admin.action(description=_("Start the review round"), permissions=["manage_board"])
    def start_review(self, request, queryset):
        self.run_each(
            request,
            queryset,
            lambda article: workflow.start_review(actor=request.user, article=article),
            gettext("review started."),
        )

    @admin.action(description=_("Approve (quorum reached)"), permissions=["manage_board"])
    def approve(self, request, queryset):
        self.run_each(
            request,
            queryset,
            lambda article: workflow.approve(actor=request.user, article=article),
            gettext("approved and published."),
        )

    @admin.action(description=_("Start a revision (new draft)"), permissions=["manage_board"])
    def revise(self, request, queryset):
        self.run_each(
            request,
            queryset,
            lambda article: workflow.revise(actor=request.user, article=article),
            gettext("a new draft is open; the current publication stays live."),
        )

    @admin.action(description=_("Flag for re-review"), permissions=["manage_board"])
    def flag_for_rereview(self, request, queryset):
        return self.run_with_form(
            request,
            queryset,
            form_class=FlagForRereviewForm,
            title=gettext("Flag for re-review"),
            submit=gettext("Flag for re-review"),
            step=lambda article, data: workflow.flag_for_rereview(
                actor=request.user, article=article, reason=data["text"]
            ),
            done=gettext("flagged for re-review."),
        )

    @admin.action(description=_("Retract"), permissions=["manage_board"])
    def retract(self, request, queryset):
        return self.run_with_form(
            request,
            queryset,
            form_class=RetractForm,
            title=gettext("Retract"),
            submit=gettext("Retract"),
            step=lambda article, data: workflow.retract(
                actor=request.user, article=article, notice=data["text"]
            ),
            done=gettext("retracted."),
        )


admin.site.unregister(Article)
admin.site.register(Article, ReviewedArticleAdmin)


# The board and its policies -------------------------------------------------------------------


@admin.register(BoardMember)
class BoardMemberAdmin(HistoryAdmin):
    list_display = ("display_name", "credentials", "user", "specialty_names", "active", "joined_at")
    list_filter = ("active", "specialties")
    search_fields = ("display_name", "credentials", "user__username", "user__email")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    filter_horizontal = ("specialties",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("specialties")

    def get_readonly_fields(self, request, obj=None):
        # A member's sign-offs belong to their user account: it is chosen once.
        return ("joined_at",) if obj is None else ("user", "joined_at")

    @admin.display(description=_("specialties"))
    def specialty_names(self, obj):
        return ", ".join(specialty.name for specialty in obj.specialties.all())


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(HistoryAdmin):
    list_display = (
        "scope",
        "approvals_required",
        "specialty_match_required",
        "review_interval_days",
        "assignment_due_days",
    )
    list_filter = ("specialty_match_required",)
    search_fields = ("specialty__name",)
    list_select_related = ("specialty",)

    @admin.display(description=_("applies to"), ordering="specialty__name")
    def scope(self, obj):
        return obj.specialty.name if obj.specialty_id else gettext("Site-wide default")


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
