"""The article admin with its review rounds, its transition log and the editors' workflow steps.

Every step taken here is a call to ``reviews.workflow``, so the admin follows the same rules as
the API and the editorial app: each selected article is tried on its own and reported as done
or refused.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.admin.articles import ArticleAdmin
from articles.admin.base import ActionFormMixin, ReadOnlyAdminMixin
from articles.models import Article
from reviews import workflow
from reviews.models import BoardMember, ReviewRound, TransitionLog

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
    # No approval here: a decision is signed by the editor, one article at a time (decision page).
    actions = ["assign_reviewer", "start_review", "revise", "flag_for_rereview", "retract"]

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
