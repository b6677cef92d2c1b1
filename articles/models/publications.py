"""Publications: immutable snapshots of exactly what the board signed, and what the public reads of them."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles.models.articles import Article, Audience
from articles.models.records import ImmutableModel, ImmutableQuerySet
from articles.models.sources import Source


class PublicationQuerySet(ImmutableQuerySet):
    def current(self):
        return self.filter(superseded_at__isnull=True)


class PublishedContent(models.Model):
    """What a reader finds of a publication in a list, a search or the feed."""

    slug = models.SlugField(_("slug"), max_length=255)
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body (Markdown)"))
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    topic_name = models.CharField(_("topic"), max_length=120)
    topic_slug = models.SlugField(_("topic slug"), max_length=120)
    authors = models.JSONField(_("authors"), default=list)
    approved_at = models.DateTimeField(_("approved at"))
    first_published_at = models.DateTimeField(_("first published"))
    last_reviewed_at = models.DateTimeField(_("last reviewed"))
    next_review_due = models.DateField(_("next review due"))

    class Meta:
        abstract = True


class Publication(PublishedContent, ImmutableModel):
    """An immutable, pre-rendered snapshot of exactly the content the board signed off.

    Only ``superseded_at`` is ever set after creation, by ``supersede_current_publication``,
    when the next approval replaces it.
    """

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="publications")
    version = models.PositiveIntegerField(_("version"))
    body_html = models.TextField(_("body (HTML)"))
    reviewers = models.JSONField(
        _("reviewers"), default=list, help_text=_("name, credentials, specialties, signed_at")
    )
    references = models.JSONField(
        _("references"), default=list, help_text=_("number, formatted, doi, pmid, url, retracted")
    )
    content_hash = models.CharField(_("content hash"), max_length=64)
    signed_content = models.TextField(
        _("signed content"),
        null=True,
        blank=True,
        help_text=_(
            "The canonical JSON the content hash was taken of (articles.hashing); empty for "
            "publications made under hash version 1."
        ),
    )
    article_history_id = models.PositiveBigIntegerField(_("signed revision"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the quorum approved it automatically."),
    )
    created_at = models.DateTimeField(_("article created"))
    last_modified_at = models.DateTimeField(_("last modified"))
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    cited_sources = models.ManyToManyField(
        Source, through="PublishedCitation", related_name="publications", verbose_name=_("cited sources")
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-approved_at"]
        get_latest_by = "approved_at"
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(superseded_at__isnull=True),
                name="publication_one_current_per_article",
            ),
            models.UniqueConstraint(fields=["article", "version"], name="publication_unique_version"),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(superseded_at__isnull=True),
                name="publication_unique_current_slug",
            ),
        ]
        indexes = [
            models.Index(fields=["-last_reviewed_at"], name="publication_reviewed_idx"),
            # The feed (newest approval first) and the API's updated_since filter; current rows only.
            # Full-text search has a PostgreSQL-only GIN index, made in migration 0002.
            models.Index(
                fields=["-approved_at"],
                condition=Q(superseded_at__isnull=True),
                name="publication_approved_idx",
            ),
            # The public list's default order, covering the retraction filter (article_id): a page
            # at any offset, and the count, read only the index and the page's own 20 rows.
            # SQLite takes an index as covering only if it holds every column the query names,
            # its own condition's column included, hence the (always empty) superseded_at.
            models.Index(
                fields=["-last_reviewed_at", "-id", "article", "superseded_at"],
                condition=Q(superseded_at__isnull=True),
                name="publication_list_idx",
            ),
            # The HTML list's topic filter (``public_topics``), covering in the same way: without
            # it, every uncached list page read every live publication's wide row.
            models.Index(
                fields=["topic_name", "topic_slug", "article", "superseded_at"],
                condition=Q(superseded_at__isnull=True),
                name="publication_topics_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def content_hash_version(self) -> int:
        """The hash definition of ``content_hash``: written in the signed content, else 1."""
        return json.loads(self.signed_content)["hash_version"] if self.signed_content else 1


class PublishedCitation(ImmutableModel):
    """A library source behind a publication's numbered reference, fixed at publication.

    The snapshot's ``references`` say how each source read when the board signed; these rows
    link the same numbers to the live sources, so that a retraction found later reaches every
    publication that cites it, by an indexed join rather than by matching identifiers.
    """

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="published_citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="published_citations")
    number = models.PositiveIntegerField(_("number"))

    class Meta:
        ordering = ["publication", "number"]
        verbose_name = _("published citation")
        verbose_name_plural = _("published citations")
        constraints = [
            models.UniqueConstraint(fields=["publication", "number"], name="published_citation_number"),
            models.UniqueConstraint(fields=["publication", "source"], name="published_citation_source"),
        ]

    def __str__(self) -> str:
        return f"{self.publication_id} [{self.number}] {self.source_id}"


class PublicationDocument(models.Model):
    """A current publication's answers in the public API, rendered once: all but their live parts.

    ``json`` is the article (``GET /api/v1/articles/{slug}/``), ``list_row`` its row in the list.

    Derived from the immutable publication, never edited: rendered when the publication is made,
    again by ``render_public_documents`` when ``format`` is no longer the current one, and
    deleted when the publication is superseded. A request serves only a document of the current
    format (``public.documents``), so a stale one is never seen, only re-rendered.
    """

    publication = models.OneToOneField(
        Publication, on_delete=models.CASCADE, primary_key=True, related_name="document"
    )
    format = models.CharField(
        _("format"),
        max_length=32,
        help_text=_("Fingerprint of the code, settings and time zone that rendered it."),
    )
    json = models.TextField(_("JSON"))
    list_row = models.TextField(_("list row JSON"))
    # The read side's purge keys of the publication's responses (``public.purging.keys``), kept
    # here so that a request names them without reading the cited sources.
    cache_keys = models.TextField(_("cache keys"), blank=True, default="")
    rendered_at = models.DateTimeField(_("rendered at"), auto_now=True)

    class Meta:
        verbose_name = _("publication document")
        verbose_name_plural = _("publication documents")

    def __str__(self) -> str:
        return f"{self.publication_id} ({self.format})"


class ListedPublication(PublishedContent):
    """A publication readers can find: current, of an article that is not retracted.

    A database view (migration 0013) is the one definition of what is listed: the public list,
    its search, the feed and the topics read it through this model or in SQL, and PostgreSQL's
    triggers count its rows (``ListedPublicationCount``). A migration that changes a column of
    ``articles_publication`` the view selects drops the view first and creates it again.
    """

    id = models.BigAutoField(primary_key=True)
    article = models.ForeignKey(Article, on_delete=models.DO_NOTHING, related_name="+")

    class Meta:
        managed = False
        db_table = "articles_listedpublication"
        verbose_name = _("listed publication")
        verbose_name_plural = _("listed publications")

    def __str__(self) -> str:
        return self.title


class ListedPublicationCount(models.Model):
    """How many publications the public list shows (the rows of ``ListedPublication``).

    On PostgreSQL, triggers on publications and articles (migration 0013) keep ``count`` in the
    same transaction as the rows it counts, so the unfiltered list reads it rather than counting
    every live publication on each uncached request. At most one row (``key`` 1); no row means
    none (the table is emptied with the others, e.g. by a test database's flush). On SQLite, the
    embedded single-process default, the list counts rows and this table stays empty.
    """

    key = models.PositiveSmallIntegerField(primary_key=True, default=1)
    count = models.BigIntegerField(_("listed publications"))

    class Meta:
        verbose_name = _("listed publication count")
        verbose_name_plural = _("listed publication counts")
        constraints = [models.CheckConstraint(condition=Q(key=1), name="listed_publication_count_one_row")]

    def __str__(self) -> str:
        return str(self.count)


class ListedTopicCount(models.Model):
    """How many publications the public list shows under one topic (``topic_slug``).

    Kept by the same PostgreSQL triggers as ``ListedPublicationCount`` (migration 0024), so a
    topic's list reads its count rather than counting thousands of rows per uncached request.
    A topic without a row counts zero. On SQLite the list counts rows and this table stays empty.
    """

    topic_slug = models.SlugField(_("topic slug"), max_length=120, primary_key=True)
    count = models.BigIntegerField(_("listed publications"))

    class Meta:
        verbose_name = _("listed topic count")
        verbose_name_plural = _("listed topic counts")

    def __str__(self) -> str:
        return f"{self.topic_slug}: {self.count}"
