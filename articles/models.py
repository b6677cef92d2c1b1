"""Articles, the shared source library, citations and publications.

State changes of an article happen only through ``reviews.workflow``; the ``@transition``
methods here only set fields in memory.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from articles.library.citations.identifiers import (
    InvalidIdentifier,
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
)


class Specialty(models.Model):
    """A medical specialty: an article's topic and a board member's field."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")

    def __str__(self) -> str:
        return self.name


class Audience(models.TextChoices):
    PATIENT = "patient", _("Patient")
    PROFESSIONAL = "professional", _("Professional")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under Review")
    CHANGES_REQUESTED = "changes_requested", _("Changes Requested")
    APPROVED = "approved", _("Approved")
    REVIEW_DUE = "review_due", _("Review Due")
    RETRACTED = "retracted", _("Retracted")


def is_article_author(article: Article, user) -> bool:
    return article.authors.filter(pk=user.pk).exists()


def is_author_or_editor(article: Article, user) -> bool:
    return user.has_perm("articles.manage_board") or is_article_author(article, user)


EDITOR_PERMISSION = "articles.manage_board"

EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})

# The fields an author edits; a change to any of them is a content change.
CONTENT_FIELDS = ("title", "summary", "body", "audience", "topic")


class Article(ConcurrentTransitionMixin, models.Model):
    """A medical article moving through draft, advisory-board review and publication."""

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.PATIENT
    )
    topic = models.ForeignKey(
        Specialty, on_delete=models.PROTECT, related_name="articles", verbose_name=_("topic")
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="authored_articles", verbose_name=_("authors")
    )
    attached_sources = models.ManyToManyField(
        "Source",
        blank=True,
        related_name="attached_to",
        verbose_name=_("attached sources"),
        help_text=_("Sources the author collected for this article, cited or not."),
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        protected=True,
        db_index=True,
    )
    content_hash = models.CharField(
        _("content hash"),
        max_length=64,
        editable=False,
        help_text=_("SHA-256 of the canonical content that a sign-off covers."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    content_modified_at = models.DateTimeField(_("last modified (content)"), null=True, blank=True)
    first_published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    last_reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    retracted_at = models.DateTimeField(_("retracted"), null=True, blank=True)
    retraction_notice = models.TextField(_("retraction notice"), blank=True)
    review_due_reason = models.TextField(
        _("reason for re-review"),
        blank=True,
        help_text=_("Why the article was flagged for re-review (interval passed, retracted source...)."),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "next_review_due"], name="article_status_due_idx"),
            # The public reads exclude retracted articles by this date rather than by status: a
            # condition without a parameter keeps PostgreSQL's prepared plans exact.
            models.Index(
                fields=["retracted_at"], condition=Q(retracted_at__isnull=False), name="article_retracted_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=Status.RETRACTED, retracted_at__isnull=False)
                | (~Q(status=Status.RETRACTED) & Q(retracted_at__isnull=True)),
                name="article_retracted_iff_dated",
                violation_error_message=_("An article has a retraction date exactly when it is retracted."),
            ),
        ]
        permissions = [("manage_board", "Can run the advisory board (assign, approve, retract)")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    # Transitions: memory only. reviews.workflow locks, checks, saves and logs.

    @transition(
        field=status,
        source=[Status.DRAFT, Status.CHANGES_REQUESTED],
        target=Status.SUBMITTED,
        permission=is_article_author,
    )
    def submit(self) -> None:
        pass

    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.REVIEW_DUE],
        target=Status.UNDER_REVIEW,
        permission=EDITOR_PERMISSION,
    )
    def start_review(self) -> None:
        pass

    @transition(
        field=status, source=Status.UNDER_REVIEW, target=Status.APPROVED, permission=EDITOR_PERMISSION
    )
    def approve(self, *, reviewed_at, next_review_due) -> None:
        self.last_reviewed_at = reviewed_at
        self.next_review_due = next_review_due
        self.review_due_reason = ""
        if self.first_published_at is None:
            self.first_published_at = reviewed_at

    @transition(field=status, source=Status.UNDER_REVIEW, target=Status.CHANGES_REQUESTED)
    def request_changes(self) -> None:
        pass

    @transition(
        field=status,
        source=[Status.APPROVED, Status.REVIEW_DUE],
        target=Status.DRAFT,
        permission=is_author_or_editor,
    )
    def revise(self) -> None:
        pass

    @transition(field=status, source=Status.APPROVED, target=Status.REVIEW_DUE, permission=EDITOR_PERMISSION)
    def flag_for_rereview(self, *, reason: str) -> None:
        self.review_due_reason = reason

    @transition(
        field=status,
        source=[Status.APPROVED, Status.REVIEW_DUE],
        target=Status.RETRACTED,
        permission=EDITOR_PERMISSION,
    )
    def retract(self, *, notice: str, retracted_at) -> None:
        self.retraction_notice = notice
        self.retracted_at = retracted_at


class SourceType(models.TextChoices):
    GUIDELINE = "guideline", _("Guideline")
    SYSTEMATIC_REVIEW = "systematic_review", _("Systematic review")
    META_ANALYSIS = "meta_analysis", _("Meta-analysis")
    RANDOMIZED_TRIAL = "randomized_trial", _("Randomized trial")
    COHORT_STUDY = "cohort_study", _("Cohort study")
    CASE_REPORT = "case_report", _("Case report")
    REVIEW = "review", _("Review")
    TEXTBOOK = "textbook", _("Textbook")
    WEBSITE = "website", _("Website")
    OTHER = "other", _("Other")


def validate_citation_key(value: str) -> None:
    if not value or not all(ch.isalnum() or ch in "_-:." for ch in value) or value[-1] in ":.":
        raise ValidationError(
            _("'%(value)s' is not a citation key: use letters, digits and _-:. (e.g. will2018)."),
            code="invalid_key",
            params={"value": value},
        )


class Source(models.Model):
    """One entry of the shared source library, with CSL-JSON-compatible fields."""

    key = models.CharField(
        _("citation key"),
        max_length=100,
        unique=True,
        validators=[validate_citation_key],
        help_text=_("Cite it in an article body as [@key]."),
    )
    type = models.CharField(_("type"), max_length=30, choices=SourceType.choices, default=SourceType.OTHER)
    title = models.CharField(_("title"), max_length=1000)
    authors = models.JSONField(
        _("authors"),
        default=list,
        blank=True,
        help_text=_('List of {"family": ..., "given": ...} or {"literal": ...} for organisations.'),
    )
    container_title = models.CharField(_("journal or container"), max_length=500, blank=True)
    container_title_short = models.CharField(_("abbreviated journal"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    volume = models.CharField(_("volume"), max_length=40, blank=True)
    issue = models.CharField(_("issue"), max_length=40, blank=True)
    pages = models.CharField(_("pages"), max_length=40, blank=True)
    doi = models.CharField(_("DOI"), max_length=255, blank=True)
    pmid = models.CharField(_("PMID"), max_length=20, blank=True)
    pmcid = models.CharField(_("PMCID"), max_length=20, blank=True)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    accessed = models.DateField(_("accessed"), null=True, blank=True)
    retracted_on = models.DateField(_("retracted on"), null=True, blank=True)
    retraction_notice = models.CharField(
        _("retraction notice"), max_length=1000, blank=True, help_text=_("DOI or URL of the notice.")
    )
    retraction_reason = models.TextField(_("retraction reason"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["key"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(fields=["doi"], condition=~Q(doi=""), name="source_unique_doi"),
            models.UniqueConstraint(fields=["pmid"], condition=~Q(pmid=""), name="source_unique_pmid"),
        ]
        indexes = [
            # The few retracted sources of a large library: every article page asks whether it
            # cites one, and the re-check of retractions starts from them.
            models.Index(
                fields=["retracted_on"], condition=Q(retracted_on__isnull=False), name="source_retracted_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"

    @property
    def is_retracted(self) -> bool:
        return self.retracted_on is not None

    def clean(self) -> None:
        errors = {}
        for field, normalize in (
            ("doi", normalize_doi),
            ("pmid", normalize_pmid),
            ("pmcid", normalize_pmcid),
        ):
            try:
                setattr(self, field, normalize(getattr(self, field)))
            except InvalidIdentifier as exc:
                errors[field] = ValidationError(str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)


class Citation(models.Model):
    """A source cited in an article body, numbered by first appearance (kept on every save)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    number = models.PositiveIntegerField(_("number"))

    class Meta:
        ordering = ["article", "number"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="citation_unique_number"),
            models.UniqueConstraint(fields=["article", "source"], name="citation_unique_source"),
        ]

    def __str__(self) -> str:
        return f"[{self.number}] {self.source.key}"


class ImmutableQuerySet(models.QuerySet):
    """Refuses bulk updates and deletes: the rows are a record of what happened."""

    def update(self, **kwargs):
        raise ValidationError(
            _("%(model)s records are immutable.") % {"model": self.model._meta.verbose_name}
        )

    def delete(self):
        raise ValidationError(
            _("%(model)s records cannot be deleted.") % {"model": self.model._meta.verbose_name}
        )


class ImmutableModel(models.Model):
    """A model whose rows are written once and never changed or deleted through the ORM."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("%(model)s records are immutable.") % {"model": self._meta.verbose_name})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("%(model)s records cannot be deleted.") % {"model": self._meta.verbose_name})


class PublicationQuerySet(ImmutableQuerySet):
    def current(self):
        return self.filter(superseded_at__isnull=True)


class Publication(ImmutableModel):
    """An immutable, pre-rendered snapshot of exactly the content the board signed off.

    Only ``superseded_at`` is ever set after creation, by ``supersede_current_publication``,
    when the next approval replaces it.
    """

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="publications")
    version = models.PositiveIntegerField(_("version"))
    slug = models.SlugField(_("slug"), max_length=255)
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body (Markdown)"))
    body_html = models.TextField(_("body (HTML)"))
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    topic_name = models.CharField(_("topic"), max_length=120)
    topic_slug = models.SlugField(_("topic slug"), max_length=120)
    authors = models.JSONField(_("authors"), default=list)
    reviewers = models.JSONField(
        _("reviewers"), default=list, help_text=_("name, credentials, specialties, signed_at")
    )
    references = models.JSONField(
        _("references"), default=list, help_text=_("number, formatted, doi, pmid, url, retracted")
    )
    content_hash = models.CharField(_("content hash"), max_length=64)
    article_history_id = models.PositiveBigIntegerField(_("signed revision"))
    approved_at = models.DateTimeField(_("approved at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the quorum approved it automatically."),
    )
    created_at = models.DateTimeField(_("article created"))
    first_published_at = models.DateTimeField(_("first published"))
    last_modified_at = models.DateTimeField(_("last modified"))
    last_reviewed_at = models.DateTimeField(_("last reviewed"))
    next_review_due = models.DateField(_("next review due"))
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
    format (``articles.public_documents``), so a stale one is never seen, only re-rendered.
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
    rendered_at = models.DateTimeField(_("rendered at"), auto_now=True)

    class Meta:
        verbose_name = _("publication document")
        verbose_name_plural = _("publication documents")

    def __str__(self) -> str:
        return f"{self.publication_id} ({self.format})"


class ListedPublicationCount(models.Model):
    """How many publications the public list shows: current, of an article not retracted.

    On PostgreSQL, triggers on publications and articles (migration 0011) keep ``count`` in the
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


# Notices about sources (retractions, expressions of concern, corrections) -----------------------


def normalize_notice(value: str) -> str:
    """The link to a notice: a DOI becomes ``https://doi.org/<doi>``; an http(s) URL is kept.

    Raises ``ValidationError`` naming the value when it is neither. An empty value stays empty.
    """
    text = (value or "").strip()
    if not text:
        return ""
    try:
        return f"https://doi.org/{normalize_doi(text)}"
    except InvalidIdentifier:
        pass
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        raise ValidationError(
            _("'%(value)s' is neither a DOI (10.1234/abc) nor an http(s) URL."),
            code="invalid_notice",
            params={"value": text[:200]},
        ) from None
    return text


class NoticeKind(models.TextChoices):
    RETRACTION = "retraction", _("Retraction")
    EXPRESSION_OF_CONCERN = "expression_of_concern", _("Expression of concern")
    CORRECTION = "correction", _("Correction")
    REINSTATEMENT = "reinstatement", _("Reinstatement")


class SourceNoticeQuerySet(ImmutableQuerySet):
    def record(
        self, *, source: Source, kind: str, notice: str, date=None, reason: str = "", record_id: str = ""
    ) -> tuple[SourceNotice, bool]:
        """Store a notice once: recording the same (source, kind, notice) again changes nothing."""
        return self.get_or_create(
            source=source,
            kind=kind,
            notice=notice,
            defaults={"date": date, "reason": reason, "record_id": record_id},
        )


class SourceNotice(ImmutableModel):
    """A notice published about a source: its retraction, an expression of concern, a correction.

    Append-only. Only a retraction changes the source (``Source.retracted_on``, set by
    ``reviews.workflow.retract_source``); the other kinds are shown to editors and readers as-is.
    """

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("kind"), max_length=30, choices=NoticeKind.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    notice = models.CharField(
        _("notice"),
        max_length=1000,
        blank=True,
        help_text=_("URL of the notice (DOIs as https://doi.org/...)."),
    )
    reason = models.TextField(_("reason"), blank=True)
    record_id = models.CharField(
        _("record id"),
        max_length=40,
        blank=True,
        help_text=_("Retraction Watch Record ID, when it came from there."),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = SourceNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["source", "date", "pk"]
        verbose_name = _("source notice")
        verbose_name_plural = _("source notices")
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "notice"], name="sourcenotice_unique_notice"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.source.key}"
