"""Retractions of library sources: by an editor, or in bulk from a Retraction Watch CSV.

The rule (a retracted source sends every approved article citing it back to the board) lives
in ``reviews.workflow.retract_source``, because it changes article states; this module reads
the evidence and calls it. ``reviews`` builds on ``articles``, so the workflow is imported
inside the functions: importing this module never imports ``reviews``.

The CSV is read with ``csv.DictReader`` one row at a time and matched against the library in
batches (one query per batch), so a 100,000-row file needs the memory of one batch. Each
retraction commits on its own: a run that stops half-way has applied what it reported, and
running the file again is harmless (notices are recorded once, retracted sources are skipped).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from articles.library.citations import InvalidIdentifier, MalformedFile, normalize_doi, normalize_pmid
from articles.library.importing import describe, within_query_limit
from articles.models import NoticeKind, Source, SourceNotice, Status, normalize_notice

# The header of the Retraction Watch database export (see DESIGN.md).
RETRACTION_WATCH_COLUMNS = (
    "Record ID",
    "Title",
    "Subject",
    "Institution",
    "Journal",
    "Publisher",
    "Country",
    "Author",
    "URLS",
    "ArticleType",
    "RetractionDate",
    "RetractionDOI",
    "RetractionPubMedID",
    "OriginalPaperDate",
    "OriginalPaperDOI",
    "OriginalPaperPubMedID",
    "RetractionNature",
    "Reason",
    "Paywalled",
    "Notes",
)
REQUIRED_COLUMNS = (
    "Record ID",
    "RetractionDate",
    "RetractionDOI",
    "RetractionPubMedID",
    "OriginalPaperDOI",
    "OriginalPaperPubMedID",
    "RetractionNature",
    "Reason",
)
# Only a retraction retracts; the other natures are recorded as notices on the source.
NOTICE_KIND_BY_NATURE = {
    "retraction": NoticeKind.RETRACTION,
    "expression of concern": NoticeKind.EXPRESSION_OF_CONCERN,
    "correction": NoticeKind.CORRECTION,
    "reinstatement": NoticeKind.REINSTATEMENT,
}
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def mark_source_retracted(
    *, actor, source: Source, retracted_on: date, notice: str, reason: str, record_id=""
):
    """Retract ``source`` through the workflow; returns the approved articles sent back to review."""
    from reviews import workflow

    return workflow.retract_source(
        actor=actor,
        source=source,
        retracted_on=retracted_on,
        notice=notice,
        reason=reason,
        record_id=record_id,
    )


def reapply_retractions() -> list[int]:
    """Flag approved articles that still cite a retracted source; returns their ids.

    The periodic safety net for retractions that bypassed the workflow (a date typed in the
    admin, a restored backup): normally it finds nothing.
    """
    from reviews import workflow

    flagged = []
    stale = Source.objects.filter(
        retracted_on__isnull=False, citations__article__status=Status.APPROVED
    ).distinct()
    for source in stale.order_by("pk"):
        flagged += workflow.retract_source(
            actor=None,
            source=source,
            retracted_on=source.retracted_on,
            notice=source.retraction_notice,
            reason=source.retraction_reason,
        )
    return [article.pk for article in flagged]


# Retraction Watch ----------------------------------------------------------------------------


def parse_retraction_watch_date(value: str) -> date | None:
    """``2/2/2010 0:00`` (month/day/year, as the database exports it) or ``2010-02-02``."""
    text = (value or "").strip()
    if not text:
        return None
    if match := _US_DATE.match(text):
        month, day, year = map(int, match.groups())
    elif match := _ISO_DATE.match(text):
        year, month, day = map(int, match.groups())
    else:
        raise ValueError(f"{text!r} is not a date like 2/2/2010 0:00")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2/2/2010 0:00") from None


def _doi(value: str) -> str:
    try:
        return normalize_doi(value)
    except InvalidIdentifier:
        return ""  # "unavailable", "Unavailable", blanks: no DOI to match


def _pmid(value: str) -> str:
    try:
        return normalize_pmid(value)
    except InvalidIdentifier:
        return ""  # the export writes 0 when there is no PubMed record


def notice_link(row: dict) -> str:
    """The best link to the notice: its DOI, else its PubMed record, else the first URL given."""
    if doi := _doi(row.get("RetractionDOI", "")):
        return f"https://doi.org/{doi}"
    if pmid := _pmid(row.get("RetractionPubMedID", "")):
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    for url in re.split(r"[;\s]+", row.get("URLS") or ""):
        try:
            return normalize_notice(url) if url else ""
        except ValidationError:
            continue
    return ""


def clean_reason(value: str) -> str:
    """``+Concerns/Issues About Data;+Investigation by Journal/Publisher;`` → readable text."""
    parts = [part.strip().lstrip("+").strip() for part in (value or "").split(";")]
    return "; ".join(part for part in parts if part)


@dataclass
class RetractionSummary:
    """What a Retraction Watch run did; detail lists keep their first ``max_details`` rows."""

    dry_run: bool = False
    max_details: int = 1000
    rows: int = 0
    matched: int = 0
    unmatched: int = 0
    retracted: list[dict] = field(default_factory=list)
    retracted_count: int = 0
    already_retracted: int = 0
    notices: Counter = field(default_factory=Counter)
    flagged_count: int = 0
    flagged_articles: list[int] = field(default_factory=list)
    ignored: Counter = field(default_factory=Counter)
    rejected: list[dict] = field(default_factory=list)
    rejected_count: int = 0

    def add_retracted(self, line: int, source: Source, record_id: str, flagged: list) -> None:
        self.retracted_count += 1
        self.flagged_count += len(flagged)
        room = self.max_details - len(self.flagged_articles)
        self.flagged_articles += [article.pk for article in flagged][: max(room, 0)]
        if len(self.retracted) < self.max_details:
            self.retracted.append(
                {
                    "line": line,
                    "record_id": record_id,
                    "source": source.pk,
                    "key": source.key,
                    "flagged_articles": [article.pk for article in flagged],
                }
            )

    def add_rejected(self, line: int, record_id: str, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < self.max_details:
            self.rejected.append({"line": line, "record_id": record_id, "reason": reason})

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "rows": self.rows,
            "matched": self.matched,
            "unmatched": self.unmatched,
            "retracted_count": self.retracted_count,
            "already_retracted": self.already_retracted,
            "notices": dict(self.notices),
            "ignored": dict(self.ignored),
            "flagged_count": self.flagged_count,
            "flagged_articles": self.flagged_articles,
            "retracted": self.retracted,
            "rejected_count": self.rejected_count,
            "rejected": self.rejected,
        }


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    values: dict
    doi: str
    pmid: str


class _DryRun(Exception):
    """Leaves the dry run's transaction without committing."""


def _rows(stream) -> Iterator[_Row]:
    reader = csv.DictReader(stream)
    header = reader.fieldnames
    if not header:
        raise MalformedFile("The Retraction Watch file is empty: expected a CSV header.")
    header = [name.strip().lstrip("\ufeff") for name in header]
    reader.fieldnames = header
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise MalformedFile(
            "Not a Retraction Watch CSV: the header lacks "
            + ", ".join(missing)
            + f" (found {', '.join(header)})"
        )
    start = reader.line_num + 1
    try:
        for values in reader:
            yield _Row(
                line=start,
                values=values,
                doi=_doi(values.get("OriginalPaperDOI") or ""),
                pmid=_pmid(values.get("OriginalPaperPubMedID") or ""),
            )
            start = reader.line_num + 1
    except csv.Error as exc:
        raise MalformedFile(f"Not a valid CSV file: line {reader.line_num}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise MalformedFile(
            f"The file is not UTF-8 text: byte 0x{exc.object[exc.start]:02x} cannot be decoded"
        ) from None


def _batches(rows: Iterator[_Row], size: int) -> Iterator[list[_Row]]:
    batch: list[_Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _library_matches(batch: list[_Row]) -> tuple[dict, dict]:
    """One query: the library sources whose DOI or PMID appears in the batch."""
    dois = {row.doi for row in batch if row.doi}
    pmids = {row.pmid for row in batch if row.pmid}
    if not dois and not pmids:
        return {}, {}
    by_doi, by_pmid = {}, {}
    for source in Source.objects.filter(Q(doi__in=dois) | Q(pmid__in=pmids)):
        if source.doi:
            by_doi[source.doi] = source
        if source.pmid:
            by_pmid[source.pmid] = source
    return by_doi, by_pmid


def _apply_row(row: _Row, source: Source, summary: RetractionSummary) -> None:
    values = row.values
    record_id = (values.get("Record ID") or "").strip()
    nature = " ".join((values.get("RetractionNature") or "").split())
    kind = NOTICE_KIND_BY_NATURE.get(nature.lower())
    if kind is None:
        summary.ignored[nature or "(empty)"] += 1
        return
    try:
        when = parse_retraction_watch_date(values.get("RetractionDate") or "")
    except ValueError as exc:
        summary.add_rejected(row.line, record_id, f"RetractionDate: {exc}")
        return
    notice, reason = notice_link(values), clean_reason(values.get("Reason") or "")
    if kind == NoticeKind.RETRACTION and not source.is_retracted:
        if when is None:
            summary.add_rejected(row.line, record_id, "RetractionDate is empty: a retraction needs its date")
            return
        try:
            flagged = mark_source_retracted(
                actor=None,
                source=source,
                retracted_on=when,
                notice=notice,
                reason=reason,
                record_id=record_id,
            )
        except ValidationError as exc:
            summary.add_rejected(row.line, record_id, describe(exc))
            return
        source.retracted_on = when  # a later row of the same batch sees it retracted
        summary.add_retracted(row.line, source, record_id, flagged)
        return
    if kind == NoticeKind.RETRACTION:
        summary.already_retracted += 1
    _notice, created = SourceNotice.objects.record(
        source=source, kind=kind, notice=notice, date=when, reason=reason, record_id=record_id
    )
    summary.notices[kind] += int(created)


def apply_retraction_watch_csv(
    stream,
    *,
    progress: Callable[[RetractionSummary], None] | None = None,
    dry_run: bool = False,
    batch_size: int = 1000,
    max_details: int = 1000,
) -> RetractionSummary:
    """Apply a Retraction Watch CSV (a text stream) to the library.

    Rows are matched on ``OriginalPaperDOI`` (normalised), else ``OriginalPaperPubMedID``.
    ``Retraction`` retracts the source through the workflow; ``Expression of concern``,
    ``Correction`` and ``Reinstatement`` are recorded as notices and change nothing else.
    ``progress`` is called with the summary after each batch. Raises ``MalformedFile`` when
    the header is not a Retraction Watch header or the CSV cannot be read.
    """
    summary = RetractionSummary(dry_run=dry_run, max_details=max_details)
    batch_size = within_query_limit(batch_size, per_item=2)  # a DOI and a PMID per row
    try:
        # A dry run wraps everything in one transaction to roll back; a real run commits each
        # retraction on its own (see the module docstring).
        with transaction.atomic() if dry_run else nullcontext():
            for batch in _batches(_rows(stream), batch_size):
                by_doi, by_pmid = _library_matches(batch)
                for row in batch:
                    summary.rows += 1
                    source = by_doi.get(row.doi) if row.doi else None
                    source = source or (by_pmid.get(row.pmid) if row.pmid else None)
                    if source is None:
                        summary.unmatched += 1
                        continue
                    summary.matched += 1
                    _apply_row(row, source, summary)
                if progress is not None:
                    progress(summary)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return summary
