"""What the public API shows of a Publication (the contract in DESIGN.md, "Public contract").

The declared fields document the API (OpenAPI schema) and are the reference rendering of its
answers. The hot paths do not go field by field, since DRF's per-field machinery was most of a
request's time: what never changes in an article and in its list row is rendered once, when it
is published (``publication_snapshot``, ``list_row_snapshot``), and a request appends the live
fields (``public.documents``). Tests hold the answers to the exact bytes DRF renders
from these declarations (``tests/public/test_documents.py``).
"""

from __future__ import annotations

import functools
from datetime import datetime, tzinfo

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.models import Audience
from public.notices import Notice, PublicStatus

# Stands for the slug in an article's address (its URL pattern is reversed once).
SLUG_PLACEHOLDER = "--slug--"


def page_url(request, slug: str) -> str:
    """The absolute URL of the article's public page."""
    return article_url("public:article-detail", address_key(request), slug)


def api_url(request, slug: str) -> str:
    return article_url("public-article-detail", address_key(request), slug)


def address_key(request) -> tuple[str, str, str]:
    """What an article's absolute URL depends on besides its slug: the site's root
    (``scheme://host``), the script prefix and the URLconf."""
    root = request.build_absolute_uri("/")[:-1]
    return root, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


def article_url(url_name: str, key: tuple[str, str, str], slug: str) -> str:
    """The absolute URL named ``url_name`` of the article at ``slug``, for an ``address_key``."""
    return _article_url_pattern(url_name, *key).replace(SLUG_PLACEHOLDER, slug)


@functools.lru_cache(maxsize=64)
def _article_url_pattern(url_name: str, root: str, script_prefix: str, urlconf: str) -> str:
    # reverse() walks the URLconf on every call, and the public reads ask on every request; the
    # address of an article only changes with the key. The root and the path, joined as
    # ``build_absolute_uri`` joins them: the path is reversed, so already quoted.
    return root + reverse(url_name, kwargs={"slug": SLUG_PLACEHOLDER}, urlconf=urlconf)


def datetime_text(value: datetime, zone: tzinfo) -> str:
    """``value`` as DRF's DateTimeField renders it (ISO 8601 in ``zone``, UTC as "Z").

    Without the field's per-call settings and time zone lookups: a list page formats twenty.
    """
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


REVIEWER_FIELDS = ("name", "slug", "orcid", "credentials", "specialties", "signed_at")
REFERENCE_FIELDS = (
    "number",
    "formatted",
    "formatted_html",
    "doi",
    "pmid",
    "url",
    "retracted",
    "publication_type",
    "evidence_type",
    "group",
)
# What a reference of a publication made before these were stored says.
REFERENCE_DEFAULTS = {"group": "other"}


class ReviewerSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField(
        allow_blank=True,
        default="",
        help_text="The reviewer's page: /board/{slug}/ (empty for older articles).",
    )
    orcid = serializers.CharField(allow_blank=True, default="", help_text="ORCID iD: 0000-0002-1825-0097.")
    credentials = serializers.CharField()
    specialties = serializers.ListField(child=serializers.CharField(), required=False)
    signed_at = serializers.DateTimeField()


class AuthorSerializer(serializers.Serializer):
    name = serializers.CharField()


class ReferenceSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    formatted = serializers.CharField(help_text="The AMA-style reference as plain text.")
    formatted_html = serializers.CharField(help_text="The same with inline markup (italics).")
    doi = serializers.CharField(allow_blank=True)
    pmid = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    retracted = serializers.BooleanField(help_text="The source is retracted (now, not only when reviewed).")
    publication_type = serializers.CharField(
        allow_blank=True,
        default="",
        help_text="How the work was published, a CSL type (article-journal, book, chapter, report, webpage, "
        "dataset, document); empty for articles published before it was recorded.",
    )
    evidence_type = serializers.CharField(
        allow_blank=True,
        default="",
        help_text="What kind of evidence it is (guideline, systematic_review, randomized_trial, ...); "
        "empty for articles published before it was recorded.",
    )
    group = serializers.ChoiceField(
        choices=["guidelines", "research", "other"],
        default="other",
        help_text="Where the page lists it: From the guidelines, From the research, or the others.",
    )


class NoticeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(kind, kind) for kind in Notice.KINDS])
    message = serializers.CharField()
    date = serializers.DateField(allow_null=True)


class AudienceVariantSerializer(serializers.Serializer):
    audience = serializers.ChoiceField(choices=Audience.choices)
    slug = serializers.SlugField()


class PublicationListSerializer(serializers.Serializer):
    """One article in the list. ``status`` comes from ``selectors.public_status``.

    The declaration documents the row and is its reference rendering (tests compare); the API
    answers ``list_row_snapshot`` (stored at publication) followed by the live fields, in this
    order of fields.
    """

    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    audience = serializers.ChoiceField(choices=Audience.choices)
    topic = serializers.SlugField(source="topic_slug", help_text="Topic (specialty) slug.")
    topic_name = serializers.CharField()
    last_reviewed_at = serializers.DateTimeField()
    next_review_due = serializers.DateField()
    status = serializers.ChoiceField(source="public_status", choices=PublicStatus.CHOICES)
    status_label = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The article's public page.")
    api_url = serializers.SerializerMethodField(help_text="This article in the API.")

    def get_status_label(self, publication) -> str:
        return PublicStatus.LABELS[publication.public_status]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, publication) -> str:
        return page_url(self.context["request"], publication.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, publication) -> str:
        return api_url(self.context["request"], publication.slug)


def list_row_snapshot(publication) -> dict:
    """The fields of ``PublicationListSerializer`` that never change once a publication is made.

    ``publication`` is a ``Publication`` or a ``public.listing.ListRow``.
    """
    return {
        "slug": publication.slug,
        "title": publication.title,
        "summary": publication.summary,
        "audience": publication.audience,
        "topic": publication.topic_slug,
        "topic_name": publication.topic_name,
        "last_reviewed_at": datetime_text(publication.last_reviewed_at, timezone.get_current_timezone()),
        "next_review_due": publication.next_review_due.isoformat(),
    }


class PublicArticleSerializer(serializers.Serializer):
    """Everything an article page shows, from a ``selectors.PublicArticle``.

    The declaration documents the answer and is its reference rendering (tests compare); the API
    answers ``publication_snapshot`` (stored at publication, ``articles.public_documents``)
    followed by its live fields (``documents.LiveMembers``), in this order of fields.
    """

    slug = serializers.SlugField(source="publication.slug")
    title = serializers.CharField(source="publication.title")
    summary = serializers.CharField(source="publication.summary")
    body_html = serializers.CharField(
        source="publication.body_html",
        help_text="Sanitised HTML; citations are <sup> links to #ref-N of the reference list.",
    )
    audience = serializers.ChoiceField(source="publication.audience", choices=Audience.choices)
    topic = serializers.SlugField(source="publication.topic_slug")
    topic_name = serializers.CharField(source="publication.topic_name")
    version = serializers.IntegerField(source="publication.version")
    authors = AuthorSerializer(source="publication.authors", many=True)
    reviewers = ReviewerSerializer(source="publication.reviewers", many=True)
    created_at = serializers.DateTimeField(source="publication.created_at")
    first_published_at = serializers.DateTimeField(source="publication.first_published_at")
    last_modified_at = serializers.DateTimeField(
        source="publication.last_modified_at", help_text="When the content last changed."
    )
    last_reviewed_at = serializers.DateTimeField(
        source="publication.last_reviewed_at", help_text="When the board last completed a review."
    )
    next_review_due = serializers.DateField(source="publication.next_review_due")
    references = ReferenceSerializer(many=True)
    status = serializers.ChoiceField(choices=PublicStatus.CHOICES)
    status_label = serializers.CharField()
    notices = NoticeSerializer(many=True)
    audience_variants = AudienceVariantSerializer(
        source="publication.audience_variants",
        many=True,
        help_text="This article and its published version for the other audience (patients first); "
        "empty when there is none.",
    )
    url = serializers.SerializerMethodField(help_text="The article's public page.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, article) -> str:
        return page_url(self.context["request"], article.publication.slug)


def publication_snapshot(publication) -> dict:
    """The fields of ``PublicArticleSerializer`` that never change once a publication is made.

    ``publication`` is a ``Publication`` or a ``selectors.PublishedPage``. Each reference says
    whether its source was retracted when the board signed; one retracted since is marked when
    the article is answered (``documents.article_json``).
    """
    zone = timezone.get_current_timezone()
    return {
        "slug": publication.slug,
        "title": publication.title,
        "summary": publication.summary,
        "body_html": publication.body_html,
        "audience": publication.audience,
        "topic": publication.topic_slug,
        "topic_name": publication.topic_name,
        "version": publication.version,
        "authors": [{"name": author["name"]} for author in publication.authors],
        "reviewers": [
            {field: reviewer.get(field, [] if field == "specialties" else "") for field in REVIEWER_FIELDS}
            for reviewer in publication.reviewers
        ],
        "created_at": datetime_text(publication.created_at, zone),
        "first_published_at": datetime_text(publication.first_published_at, zone),
        "last_modified_at": datetime_text(publication.last_modified_at, zone),
        "last_reviewed_at": datetime_text(publication.last_reviewed_at, zone),
        "next_review_due": publication.next_review_due.isoformat(),
        "references": [
            {field: reference.get(field, REFERENCE_DEFAULTS.get(field, "")) for field in REFERENCE_FIELDS}
            | {"retracted": bool(reference.get("retracted"))}
            for reference in publication.references
        ],
    }


class RetractedArticleSerializer(serializers.Serializer):
    """The 410 answer for a retracted article."""

    detail = serializers.CharField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    retracted_at = serializers.DateTimeField(allow_null=True)
    notice = serializers.CharField()
    notices = NoticeSerializer(many=True)


class NotFoundSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="not_found")
