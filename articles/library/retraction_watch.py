"""The Retraction Watch database as Crossref publishes it: its CSV, read and matched to the library.

The CSV is read with ``csv.DictReader`` one row at a time (``rows``) and matched against the
library in batches (``library_matches``: one query per batch), so a 100,000-row file needs the
memory of one batch. What a retraction does to the articles citing a source is
``reviews.retractions``'s to decide; this module only reads the evidence.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q

from articles.library.citations import InvalidIdentifier, MalformedFile, normalize_doi, normalize_pmid
from articles.models import NoticeKind, Source, normalize_notice

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


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    values: dict
    doi: str
    pmid: str


def rows(stream) -> Iterator[Row]:
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
            yield Row(
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


def batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def library_matches(batch: list[Row]) -> tuple[dict, dict]:
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
