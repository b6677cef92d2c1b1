"""What every admin page of the project shares: history without revert, actions that call a
service or a workflow step on each selected row, and read-only records.

A service or workflow step that refuses answers with one of ``editorial.refusals``'s types; an
action reports it, per row, in the refusal's own words.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from articles import roles
from editorial.refusals import REFUSALS, refusal_for


def describe_refusal(exc: Exception) -> str:
    return refusal_for(exc).message or gettext("Not allowed.")


class HistoryAdmin(SimpleHistoryAdmin):
    """History pages for reading; reverting is off, since it would bypass the services and workflow."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(gettext("Earlier versions can be viewed, not restored."))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        changed = ", ".join(form.changed_data)
        obj._change_reason = (f"changed in the admin: {changed}" if change else "added in the admin")[:100]
        super().save_model(request, obj, form, change)


class ActionFormMixin:
    """Admin actions that call a service or workflow step on each selected row, on its own.

    ``run_each`` reports every row's success or refusal as a message; ``run_with_form`` first asks
    for the step's input (a reason, a notice) on an intermediate page. Actions declared with
    ``permissions=["manage_board"]`` are offered to editors only.
    """

    action_form_template = "admin/action_form.html"

    def has_manage_board_permission(self, request):
        return roles.is_editor(request.user)

    def run_each(self, request, queryset, step, done: str) -> None:
        """Call ``step(obj)`` for every row; a returned string replaces ``done`` in its message."""
        for obj in queryset:
            try:
                result = step(obj)
            except REFUSALS as exc:
                self.message_user(request, f"{obj}: {describe_refusal(exc)}", messages.ERROR)
            else:
                message = result if isinstance(result, str) else done
                self.message_user(request, f"{obj}: {message}", messages.SUCCESS)

    def run_with_form(self, request, queryset, *, form_class, title: str, submit: str, step, done: str):
        """Show ``form_class`` for the selected rows; once it is valid, ``step(obj, cleaned_data)``."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self.run_each(request, queryset, lambda obj: step(obj, form.cleaned_data), done)
            return None
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": opts,
            "verbose_name": opts.verbose_name,
            "verbose_name_plural": opts.verbose_name_plural,
            "form": form,
            "objects": list(queryset),
            "action": request.POST.get("action", ""),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "submit_label": submit,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.action_form_template, context)


class ReadOnlyAdminMixin:
    """Records written by the services and the workflow: shown, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
