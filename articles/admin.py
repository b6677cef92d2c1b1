"""The admin of specialties, sources, articles and publications.

Thin by design. Article content is saved through ``articles.services`` so the content hash, the
citations and the history reason stay right; the status is never a form field; records that the
workflow writes (citations, publications) are read-only; history is shown but never reverted,
because a revert would bypass those services. ``reviews.admin`` extends the article admin with
the workflow actions (this app must not import ``reviews``).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed
from simple_history.admin import SimpleHistoryAdmin

from articles import retractions, services
from articles.library import importing
from articles.models import (
    CONTENT_FIELDS,
    EDITOR_PERMISSION,
    Article,
    Citation,
    Publication,
    PublishedCitation,
    Source,
    SourceNotice,
    Specialty,
    Status,
)

# What an article edit may change: the content fields and the sources attached to it.
EDITABLE_FIELDS = (*CONTENT_FIELDS, "attached_sources")

# What a service or workflow step can answer instead of acting: not this user, not in this
# state, not with this input, not on content that changed meanwhile.
REFUSALS = (PermissionDenied, TransitionNotAllowed, ValidationError, services.StaleContent)


def describe_refusal(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or gettext("Not allowed.")


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
        return request.user.has_perm(EDITOR_PERMISSION)

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


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "article_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


class CitedByInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Which articles cite the source, and as which number."""

    model = Citation
    fk_name = "source"
    fields = ("article", "number")
    readonly_fields = fields
    extra = 0
    verbose_name = _("citing article")
    verbose_name_plural = _("cited by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")


class SourceNoticeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SourceNotice
    fields = ("kind", "date", "notice", "reason", "record_id")
    readonly_fields = fields
    extra = 0


class RetractSourceForm(forms.Form):
    retracted_on = forms.DateField(label=_("Retracted on"), widget=forms.DateInput(attrs={"type": "date"}))
    notice = forms.CharField(
        label=_("Retraction notice"),
        max_length=1000,
        help_text=_("DOI or URL of the notice."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SourceAdminForm(forms.ModelForm):
    """Names the existing source on a duplicate DOI, PMID or key, as the API does."""

    url = forms.URLField(label=_("URL"), max_length=1000, required=False, assume_scheme="https")

    class Meta:
        model = Source
        fields = importing.EDITABLE_SOURCE_FIELDS

    def _post_clean(self):
        super()._post_clean()
        duplicate = importing.find_duplicate(self.instance)
        if duplicate is not None:
            self.add_error(None, duplicate)


@admin.register(Source)
class SourceAdmin(ActionFormMixin, HistoryAdmin):
    form = SourceAdminForm
    list_display = ("key", "short_title", "type", "year", "doi", "pmid", "citation_count", "retracted")
    list_filter = ("type", ("retracted_on", admin.EmptyFieldListFilter))
    search_fields = ("key", "title", "container_title", "doi", "pmid", "pmcid")
    inlines = [CitedByInline, SourceNoticeInline]
    actions = ["mark_retracted"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("key", "type", "title", "authors")}),
        (
            _("Published in"),
            {
                "fields": (
                    "container_title",
                    "container_title_short",
                    "year",
                    "volume",
                    "issue",
                    "pages",
                    "publisher",
                )
            },
        ),
        (_("Identifiers and links"), {"fields": ("doi", "pmid", "pmcid", "url", "accessed")}),
        (
            _("Retraction"),
            {
                "fields": ("retracted_on", "retraction_notice", "retraction_reason"),
                "description": _(
                    "Set by the Mark retracted action of the source list, which also sends "
                    "every approved article citing the source back for review."
                ),
            },
        ),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    record_fields = ("retracted_on", "retraction_notice", "retraction_reason", "created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        # Article bodies cite the key: renaming a cited source would break them.
        if obj is not None and obj.citations.exists():
            return ("key", *self.record_fields)
        return self.record_fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    def save_model(self, request, obj, form, change):
        # Through the library services: permission, cited-key protection and a history reason.
        fields = [name for name in importing.EDITABLE_SOURCE_FIELDS if name in form.cleaned_data]
        data = {name: getattr(obj, name) for name in fields}
        if change:
            saved = importing.source_update(actor=request.user, source=obj, changes=data)
        else:
            saved = importing.source_create(actor=request.user, data=data)
        obj.pk = saved.pk

    @admin.action(description=_("Mark retracted"), permissions=["manage_board"])
    def mark_retracted(self, request, queryset):
        def step(source, data):
            flagged = retractions.mark_source_retracted(
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

    @admin.display(description=_("title"), ordering="title")
    def short_title(self, obj):
        return obj.title if len(obj.title) <= 80 else obj.title[:79] + "…"

    @admin.display(description=_("cited by"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count

    @admin.display(description=_("retracted"), boolean=True, ordering="retracted_on")
    def retracted(self, obj):
        return obj.is_retracted


class CitationInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The sources the body cites, numbered as readers see them (kept by the services)."""

    model = Citation
    fk_name = "article"
    fields = ("number", "source")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class PublishedCitationInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The library sources behind a publication's numbered references, as signed."""

    model = PublishedCitation
    fields = ("number", "source")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class PublicationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Publication
    fields = ("version", "approved_at", "next_review_due", "superseded_at")
    readonly_fields = fields
    extra = 0
    show_change_link = True


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
        return obj.is_editable and services.can_edit_article(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # Only a draft that never left its author's desk may go; PROTECT keeps every other record.
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return obj.status == Status.DRAFT and obj.first_published_at is None

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

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
                and services.can_edit_article(request.user, article)
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
        except (services.StaleContent, TransitionNotAllowed) as exc:
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


def _when(iso_timestamp: str | None) -> str:
    """A timestamp stored as ISO 8601 text in a snapshot, in the site's date format."""
    moment = parse_datetime(iso_timestamp or "")
    return date_format(localtime(moment), "DATETIME_FORMAT") if moment else (iso_timestamp or "")


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The immutable snapshots the public reads: inspected here, never changed."""

    list_display = (
        "title",
        "version",
        "audience",
        "topic_name",
        "approved_at",
        "next_review_due",
        "is_current",
    )
    list_filter = (("superseded_at", admin.EmptyFieldListFilter), "audience", "topic_name")
    search_fields = ("title", "slug", "article__title")
    list_select_related = ("article", "approved_by")
    date_hierarchy = "approved_at"
    inlines = [PublishedCitationInline]
    fields = (
        "article",
        "version",
        "slug",
        "title",
        "summary",
        "audience",
        "topic_name",
        "author_list",
        "reviewer_list",
        "approved_at",
        "approved_by",
        "first_published_at",
        "last_modified_at",
        "last_reviewed_at",
        "next_review_due",
        "superseded_at",
        "content_hash",
        "article_history_id",
        "rendered_body",
        "reference_list",
    )
    readonly_fields = fields

    @admin.display(description=_("current"), boolean=True, ordering="superseded_at")
    def is_current(self, obj):
        return obj.superseded_at is None

    @admin.display(description=_("authors"))
    def author_list(self, obj):
        return ", ".join(author.get("name", "") for author in obj.authors)

    @admin.display(description=_("reviewers"))
    def reviewer_list(self, obj):
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}, {} (signed {})</li>",
                ((r.get("name"), r.get("credentials"), _when(r.get("signed_at"))) for r in obj.reviewers),
            ),
        )

    @admin.display(description=_("body as published"))
    def rendered_body(self, obj):
        # body_html was sanitised with nh3 when the publication was made.
        return format_html('<div class="publication-body">{}</div>', mark_safe(obj.body_html))

    @admin.display(description=_("references"))
    def reference_list(self, obj):
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{}{}</li>",
                (
                    (ref.get("formatted"), gettext(" [retracted]") if ref.get("retracted") else "")
                    for ref in obj.references
                ),
            ),
        )


@admin.register(SourceNotice)
class SourceNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Notices about sources (retractions, corrections): an append-only record."""

    list_display = ("source", "kind", "date", "notice", "record_id", "created_at")
    list_filter = ("kind",)
    search_fields = ("source__key", "source__title", "notice", "record_id")
    list_select_related = ("source",)
    date_hierarchy = "created_at"
    fields = ("source", "kind", "date", "notice", "reason", "record_id", "created_at")
    readonly_fields = fields
