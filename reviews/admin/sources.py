"""The source admin with the editors' "Mark retracted" action (``reviews.retractions``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.admin.base import ActionFormMixin
from articles.admin.sources import SourceAdmin
from articles.models import Source
from reviews import retractions


class RetractSourceForm(forms.Form):
    retracted_on = forms.DateField(label=_("Retracted on"), widget=forms.DateInput(attrs={"type": "date"}))
    notice = forms.CharField(
        label=_("Retraction notice"),
        max_length=1000,
        help_text=_("DOI or URL of the notice."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class LibrarySourceAdmin(ActionFormMixin, SourceAdmin):
    """Sources, and retracting them: every approved article citing a retracted source goes back
    to the board. Registered here because that rule is the workflow's."""

    actions = ["mark_retracted"]

    @admin.action(description=_("Mark retracted"), permissions=["manage_board"])
    def mark_retracted(self, request, queryset):
        def step(source, data):
            flagged = retractions.retract_source(
                actor=request.user,
                source=source,
                retracted_on=data["retracted_on"],
                notice=data["notice"],
                reason=data["reason"],
            )
            return gettext("marked retracted; %(n)d approved article(s) sent back for review.") % {
                "n": len(flagged)
            }

        return self.run_with_form(
            request,
            queryset,
            form_class=RetractSourceForm,
            title=gettext("Mark sources retracted"),
            submit=gettext("Mark retracted"),
            step=step,
            done=gettext("marked retracted."),
        )


admin.site.unregister(Source)
admin.site.register(Source, LibrarySourceAdmin)
