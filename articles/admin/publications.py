"""The admin of publications: the immutable snapshots the public reads, inspected, never changed."""

from __future__ import annotations

from django.contrib import admin
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.admin.base import ReadOnlyAdminMixin
from articles.models import Publication, PublishedCitation


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
