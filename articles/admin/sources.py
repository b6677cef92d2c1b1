"""The admin of specialties and of the source library; retracting a source is ``reviews.admin``'s."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from articles.admin.base import HistoryAdmin, ReadOnlyAdminMixin
from articles.library import sources
from articles.models import Citation, Source, SourceNotice, Specialty


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


class SourceAdminForm(forms.ModelForm):
    """Names the existing source on a duplicate DOI, PMID or key, as the API does."""

    url = forms.URLField(label=_("URL"), max_length=1000, required=False, assume_scheme="https")

    class Meta:
        model = Source
        fields = sources.EDITABLE_SOURCE_FIELDS

    def _post_clean(self):
        super()._post_clean()
        duplicate = sources.find_duplicate(self.instance)
        if duplicate is not None:
            self.add_error(None, duplicate)


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    form = SourceAdminForm
    list_display = (
        "key",
        "short_title",
        "publication_type",
        "type",
        "year",
        "doi",
        "pmid",
        "citation_count",
        "retracted",
    )
    list_filter = ("publication_type", "type", ("retracted_on", admin.EmptyFieldListFilter))
    search_fields = ("key", "title", "container_title", "doi", "pmid", "pmcid")
    inlines = [CitedByInline, SourceNoticeInline]
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
        fields = [name for name in sources.EDITABLE_SOURCE_FIELDS if name in form.cleaned_data]
        data = {name: getattr(obj, name) for name in fields}
        if change:
            saved = sources.source_update(actor=request.user, source=obj, changes=data)
        else:
            saved = sources.source_create(actor=request.user, data=data)
        obj.pk = saved.pk

    @admin.display(description=_("title"), ordering="title")
    def short_title(self, obj):
        return obj.title if len(obj.title) <= 80 else obj.title[:79] + "…"

    @admin.display(description=_("cited by"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count

    @admin.display(description=_("retracted"), boolean=True, ordering="retracted_on")
    def retracted(self, obj):
        return obj.is_retracted


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
