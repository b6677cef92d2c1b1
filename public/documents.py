"""The public API's stored documents: what never changes in its answers, rendered once.

Most of ``GET /api/v1/articles/{slug}/`` is the immutable publication: title, body, authors,
reviewers, dates and references never change after the board signs them off. Only the status,
the notices (a retracted source, an overdue review, a correction) and the page's absolute URL are
decided per request. So ``publish`` renders the rest once, as JSON (``publication_snapshot``),
into a ``PublicationDocument`` (``store_new_publication``, on ``publication_made``); a request
reads it with the live facts in one query and appends the live fields to it without parsing it
(``article_json``). A row of the list is kept the same way (``list_row_snapshot``, appended to by
``ListAnswer``). What this saves per request is measured in ``bench/README.md``.

A document is served only in the current *format*: ``DOCUMENT_VERSION``, DRF's JSON settings
and the time zone its dates are written in. A change to what a document holds bumps the version
(a test fails until it does); after the deploy, ``manage.py render_public_documents`` renders the
documents again, and until then a request renders its publication's snapshot itself (the
article: one query more; a list row: from the columns the page reads anyway). The answer is
never stale, only slower.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass

import rest_framework
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from articles.models import Publication, PublicationDocument
from public import serializers
from public.listing import ListRow
from public.notices import PublicStatus
from public.publications import PublicArticle, PublishedPage, public_references, published_page
from public.purging.keys import cache_keys_of

# What a stored document holds (``serializers.publication_snapshot`` and ``list_row_snapshot``).
# Bump it with any change to their output: documents of another version are never served.
DOCUMENT_VERSION = 2

RENDERER = JSONRenderer()


def render_json(data) -> bytes:
    """``data`` as the API's JSON: DRF's renderer, so the same bytes as a DRF response."""
    return RENDERER.render(data)


@functools.lru_cache(maxsize=8)
def _format_in(zone_name: str) -> str:
    json_settings = (api_settings.UNICODE_JSON, api_settings.COMPACT_JSON, api_settings.STRICT_JSON)
    settings_digest = hashlib.sha256(repr((json_settings, rest_framework.VERSION, zone_name)).encode())
    return f"v{DOCUMENT_VERSION}-{settings_digest.hexdigest()[:12]}"


def document_format() -> str:
    """The format of a document rendered now, in the current time zone."""
    return _format_in(timezone.get_current_timezone_name())


def forget_formats(*, setting: str, **_signal) -> None:
    """``setting_changed`` (tests): the format depends on the JSON settings and the time zone."""
    if setting in ("REST_FRAMEWORK", "TIME_ZONE"):
        _format_in.cache_clear()


def render_document(publication: Publication | PublishedPage) -> str:
    """``publication``'s snapshot fields as JSON text, a JSON object."""
    return render_json(serializers.publication_snapshot(publication)).decode()


def render_list_row(publication: Publication | ListRow) -> str:
    """The snapshot fields of ``publication``'s list row as JSON text, a JSON object."""
    return render_json(serializers.list_row_snapshot(publication)).decode()


def store_documents(publications) -> int:
    """Render and keep the documents (article and list row) of ``publications`` in the current
    format; how many.

    An existing document is replaced in the same statement (an upsert), so two processes
    rendering the same publication cannot collide.
    """
    document_format_now = document_format()
    publications = list(publications)
    # The purge keys of its responses (public.purging), stored with it: not read per request.
    cache_keys = cache_keys_of(publications)
    documents = [
        PublicationDocument(
            publication=publication,
            format=document_format_now,
            json=render_document(publication),
            list_row=render_list_row(publication),
            cache_keys=cache_keys[publication.pk],
        )
        for publication in publications
    ]
    PublicationDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["publication"],
        update_fields=["format", "json", "list_row", "cache_keys", "rendered_at"],
    )
    return len(documents)


def store_new_publication(*, publication: Publication, **_signal) -> None:
    """``publication_made``: render the new publication's documents; those of the publications
    it replaced go, since only a current publication is ever answered."""
    PublicationDocument.objects.filter(publication__article_id=publication.article_id).exclude(
        publication=publication
    ).delete()
    store_documents([publication])


def publications_without_document():
    """Current publications with no document in the current format, or one without its purge keys
    (``render_public_documents``)."""
    return (
        Publication.objects.current()
        .exclude(document__format=document_format(), document__cache_keys__gt="")
        .order_by("pk")
    )


def article_json(article: PublicArticle, request) -> bytes:
    """The detail API's answer for a live ``selectors.stored_public_article``.

    The stored document with the live fields appended; rendered now when none is stored in the
    current format, and re-rendered with the references marked when a cited source has been
    retracted since (rare: the second query has already read which).
    """
    stored = article.publication
    document = stored.document or render_document(published_page(stored.id))
    if article.retracted_sources:
        snapshot = json.loads(document)
        snapshot["references"] = public_references(snapshot["references"], article.retracted_sources)
        document = render_json(snapshot).decode()
    members = LiveMembers.of(request)
    # Both are JSON objects' members from the same renderer: "{snapshot" + "," + "live}" is one.
    return f"{document[:-1]}{members.separator}{members.article(article)}}}".encode()


class ListAnswer:
    """The list's answer for one request, as JSON: each row is its stored part followed by its
    live fields (``PublicationListSerializer``'s last four: status, status label, addresses).

    What the rows share is rendered once per request; a row costs a few string operations.
    """

    def __init__(self, request):
        self._members = LiveMembers.of(request)

    def row(self, publication: ListRow) -> str:
        """``publication``'s row, from its stored list row when it has one in the current format."""
        stored = publication.stored_row or render_list_row(publication)
        members = self._members
        status = members.statuses[publication.public_status]
        addresses = members.addresses(publication.slug)
        return f"{stored[:-1]}{members.separator}{status}{members.separator}{addresses}}}"

    def render(self, envelope: dict, publications: list[ListRow]) -> bytes:
        """The answer: ``envelope`` (DRF's page: ``count``, ``next``, ``previous``, then
        ``results``, empty) with the rows of ``publications`` as its results."""
        empty = render_json(envelope).decode()
        if not empty.endswith("[]}"):
            raise ValueError(f"the results are not the envelope's last member: {empty}")
        rows = self._members.separator.join(self.row(publication) for publication in publications)
        return f"{empty[:-3]}[{rows}]}}".encode()


@dataclass(frozen=True)
class LiveMembers:
    """The live fields' JSON members that depend only on the site's address and the language,
    rendered once for each (``LiveMembers.of``): the status members by status, and the
    addresses with the slug as a placeholder. Answering an article or a list row then costs a
    few string operations, and renders only notices, which are rare."""

    separator: str  # between members: "," or ", " (COMPACT_JSON)
    statuses: dict[str, str]  # "status" and "status_label"
    page_address: str  # "url" (the article)
    list_addresses: str  # "url" and "api_url" (a list row)
    no_notices: str  # "notices", empty
    no_variants: str  # "audience_variants", empty

    @staticmethod
    def of(request) -> LiveMembers:
        return _live_members(serializers.address_key(request), translation.get_language())

    def article(self, article: PublicArticle) -> str:
        """``PublicArticleSerializer``'s live fields for ``article``: status, label, notices, the
        audience versions, url."""
        notices = (
            _members({"notices": [notice_data(notice) for notice in article.notices]})
            if article.notices
            else self.no_notices
        )
        variants = article.publication.audience_variants
        variants = _members({"audience_variants": variants}) if variants else self.no_variants
        url = self.page_address.replace(serializers.SLUG_PLACEHOLDER, article.publication.slug)
        return self.separator.join((self.statuses[article.status], notices, variants, url))

    def addresses(self, slug: str) -> str:
        # A slug is letters, digits, hyphens and underscores (validated when its article is
        # created): written the same in an address and in JSON, as the placeholder is.
        return self.list_addresses.replace(serializers.SLUG_PLACEHOLDER, slug)


def notice_data(notice) -> dict:
    return {
        "kind": notice.kind,
        "message": notice.message,
        "date": notice.date.isoformat() if notice.date else None,
    }


@functools.lru_cache(maxsize=64)
def _live_members(address_key: tuple[str, str, str], language: str | None) -> LiveMembers:
    with translation.override(language):
        statuses = {
            status: _members({"status": status, "status_label": str(label)})
            for status, label in PublicStatus.LABELS.items()
        }
    placeholder = serializers.SLUG_PLACEHOLDER
    page = serializers.article_url("public:article-detail", address_key, placeholder)
    api = serializers.article_url("public-article-detail", address_key, placeholder)
    return LiveMembers(
        separator=render_json([0, 0]).decode()[2:-2],
        statuses=statuses,
        page_address=_members({"url": page}),
        list_addresses=_members({"url": page, "api_url": api}),
        no_notices=_members({"notices": []}),
        no_variants=_members({"audience_variants": []}),
    )


def _members(fields: dict) -> str:
    # A JSON object's members, without its braces.
    return render_json(fields).decode()[1:-1]
