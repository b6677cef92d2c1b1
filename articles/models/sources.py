"""The shared source library: sources, the citations that number them, notices about them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from articles.library.citations.identifiers import (
    InvalidIdentifier,
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
)
from articles.models.articles import Article
from articles.models.records import ImmutableModel, ImmutableQuerySet


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


class PublicationType(models.TextChoices):
    """How a work was published (CSL names): decides how its AMA reference is printed."""

    JOURNAL_ARTICLE = "article-journal", _("Journal article")
    BOOK = "book", _("Book")
    CHAPTER = "chapter", _("Book chapter")
    REPORT = "report", _("Report or guideline document")
    WEBPAGE = "webpage", _("Web page")
    DATASET = "dataset", _("Dataset")
    DOCUMENT = "document", _("Other document")


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
    type = models.CharField(
        _("evidence type"),
        max_length=30,
        choices=SourceType.choices,
        default=SourceType.OTHER,
        help_text=_("What kind of evidence it is: decides the group it is listed under."),
    )
    publication_type = models.CharField(
        _("publication type"),
        max_length=20,
        choices=PublicationType.choices,
        default=PublicationType.JOURNAL_ARTICLE,
        help_text=_("How it was published: decides how its reference is printed."),
    )
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
            # The library page without a search: the latest additions, a page at a time. A search
            # has PostgreSQL-only trigram indexes, made in migration 0015.
            models.Index(fields=["-created_at", "key"], name="source_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"

    @property
    def is_retracted(self) -> bool:
        return self.retracted_on is not None

    @property
    def missing_facts(self) -> list[str]:
        """What a reference needs and this source lacks (``authors``, ``year``), for the editors."""
        return [name for name in ("authors", "year") if not getattr(self, name)]

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


# The scheduled Retraction Watch sync --------------------------------------------------------------


class RetractionWatchRecord(models.Model):
    """A Retraction Watch row as last applied: its fingerprint, so a sync applies only what changed."""

    record_id = models.CharField(_("record id"), max_length=40, primary_key=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    applied_at = models.DateTimeField(_("applied"), auto_now=True)

    class Meta:
        verbose_name = _("Retraction Watch record")
        verbose_name_plural = _("Retraction Watch records")

    def __str__(self) -> str:
        return self.record_id


class RetractionWatchSync(models.Model):
    """One run of the sync: the file's validators, how far it got and what it found."""

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    url = models.URLField(_("URL"), max_length=1000)
    etag = models.CharField(_("ETag"), max_length=200, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    changed = models.PositiveIntegerField(_("rows applied"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        get_latest_by = "started_at"
        verbose_name = _("Retraction Watch sync")
        verbose_name_plural = _("Retraction Watch syncs")

    def __str__(self) -> str:
        return f"{self.url} at {self.started_at:%Y-%m-%d %H:%M}"
