"""The admin of articles: content editable only while Draft or Changes Requested, only through
``articles.services``; the workflow's actions are added by ``reviews.admin``."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles import roles, services
from articles.admin.base import HistoryAdmin, ReadOnlyAdminMixin
from articles.admin.publications import PublicationInline
from articles.models import CONTENT_FIELDS, Article, Citation
from editorial.refusals import StaleContent, TransitionNotAllowed

# What an article edit may change: the content fields and the sources attached to it.
EDITABLE_FIELDS = (*CONTENT_FIELDS, "attached_sources")


class CitationInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The sources the body cites, numbered as readers see them (kept by the services)."""

    model = Citation
    fk_name = "article"
    fields = ("number", "source")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class ArticleAdminForm(forms.ModelForm):
    """Content only: the status is never a field here, and a stale edit is refused, not saved over."""

    loaded_content_hash = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Article
        fields = ("title", "slug", "topic", "audience", "authors", "summary", "body", "attached_sources")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_content_hash"].initial = self.instance.content_hash

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and set(self.changed_data) & set(EDITABLE_FIELDS):
            current = Article.objects.values_list("content_hash", flat=True).get(pk=self.instance.pk)
            loaded = cleaned.get("loaded_content_hash")
            if loaded and loaded != current:
                raise ValidationError(
                    _(
                        "Someone changed this article after you opened it, so your edit was not saved. "
                        "Copy your text, reload the page and make the change again."
                    ),
                    code="stale",
                )
        return cleaned


@admin.register(Article)
class ArticleAdmin(HistoryAdmin):
    """Articles: content editable only while Draft or Changes Requested, and only through the services."""

    form = ArticleAdminForm
    list_display = ("title", "status", "topic", "audience", "author_names", "updated_at", "next_review_due")
    list_filter = ("status", "audience", "topic")
    search_fields = ("title", "slug", "summary", "authors__username", "authors__last_name")
    list_select_related = ("topic",)
    autocomplete_fields = ("authors", "attached_sources")
    inlines = [CitationInline, PublicationInline]
    history_list_display = ["status"]
    record_fields = (
        "status",
        "content_hash",
        "created_at",
        "updated_at",
        "content_modified_at",
        "first_published_at",
        "last_reviewed_at",
        "next_review_due",
        "review_due_reason",
        "retracted_at",
        "retraction_notice",
    )
    add_fieldsets = (
        (None, {"fields": ("title", "slug", "topic", "audience", "authors", "summary", "body")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors")

    @admin.display(description=_("authors"))
    def author_names(self, obj):
        return ", ".join(user.get_full_name() or user.get_username() for user in obj.authors.all())

    # Who may do what ---------------------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        # Anything but Draft or Changes Requested is shown read-only.
        return roles.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # Only a draft that never left its author's desk may go; PROTECT keeps every other record.
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return roles.can_delete(request.user, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj):
        services.article_delete(actor=request.user, article=obj)

    # The form ------------------------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        content = ["title", "topic", "audience", "summary", "body", "attached_sources"]
        if self.has_change_permission(request, obj):
            content.append("loaded_content_hash")
        return (
            (None, {"fields": ("slug", "authors", *content)}),
            (
                _("Review status"),
                {
                    "fields": self.record_fields,
                    "description": _("Changed only by workflow steps (the actions in the article list)."),
                },
            ),
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("slug", "authors", *self.record_fields)

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ("title",)} if obj is None else {}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            authors = form.base_fields["authors"]
            authors.required = False
            authors.label = _("Co-authors")
            authors.help_text = _(
                "You are an author of the draft you create; add anyone writing it with you."
            )
            slug = form.base_fields["slug"]
            slug.required = False
            slug.help_text = _("Leave empty to derive it from the title.")
        return form

    # Saving through the services -------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id:
            article = self.get_object(request, unquote(object_id))
            if (
                article is not None
                and not article.is_editable
                and (roles.is_author(request.user, article) or roles.is_editor(request.user))
            ):
                # Submitted (or further) after the form was opened: say so instead of a bare 403.
                self.message_user(
                    request,
                    gettext(
                        "Nothing was saved: the article is %(status)s, and its content can only be "
                        "edited in Draft or Changes Requested."
                    )
                    % {"status": article.status_label},
                    messages.ERROR,
                )
                return HttpResponseRedirect(request.get_full_path())
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (StaleContent, TransitionNotAllowed) as exc:
            # The article moved on between validation and the locked save; the transaction of the
            # change view rolled back, so nothing was saved.
            self.message_user(
                request, gettext("Nothing was saved: %(reason)s") % {"reason": exc}, messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            article = services.article_create_draft(
                actor=request.user,
                title=data["title"],
                topic=data["topic"],
                summary=data.get("summary", ""),
                body=data.get("body", ""),
                audience=data["audience"],
                slug=data.get("slug") or "",
                authors=list(data.get("authors") or []),
            )
        else:
            changes = {name: data[name] for name in form.changed_data if name in EDITABLE_FIELDS}
            if not changes:
                return
            article = services.article_update_content(
                actor=request.user,
                article=obj,
                changes=changes,
                expected_hash=data.get("loaded_content_hash") or None,
            )
        # The admin goes on with ``obj`` (change message, redirect): make it the saved row.
        obj.pk = article.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # Authors and attached sources were written by the service in save_model; the inlines are
        # read-only records.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
