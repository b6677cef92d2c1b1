"""File import into the shared library: BibTeX, RIS, MEDLINE or CSL-JSON, with the same rules as
one source at a time (``articles.library.sources``).

A file import streams: ``articles.library.citations.read_sources`` yields one entry at a time and
the entries are written in batches (one lookup query, one insert), so memory holds a batch and
the capped summary, never the file. The whole import is one transaction: a dry run, or a file
with any rejected entry (unless ``partial``), is rolled back and reports what would have happened.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from articles import roles
from articles.library.citations import (
    FORMATS,
    MalformedFile,
    ParsedEntry,
    citation_key,
    detect_format,
    read_sources,
    source_type_of,
)
from articles.library.sources import (
    DuplicateSource,
    clean_key,
    free_key,
    save_new,
    validate_fields,
)
from articles.models import Source

# From CSL-JSON items -------------------------------------------------------------------------


def _date_parts(item: dict, name: str) -> list[int]:
    parts = ((item.get(name) or {}).get("date-parts") or [[]])[0]
    return [int(part) for part in parts]


def source_from_csl(item: dict) -> Source:
    """An unsaved Source from a CSL-JSON item as the readers produce it (validated later)."""
    issued = _date_parts(item, "issued")
    accessed = _date_parts(item, "accessed")
    try:
        accessed_on = date(*accessed[:3]) if len(accessed) >= 3 else None
    except ValueError:
        raise ValidationError(
            {"accessed": _("%(parts)s is not a date.") % {"parts": "-".join(map(str, accessed))}}
        ) from None

    def text(name: str) -> str:
        value = item.get(name)
        return "" if value is None else str(value)

    return Source(
        key=clean_key(item.get("id")),
        type=source_type_of(item),
        title=text("title"),
        authors=[dict(name) for name in item.get("author") or []],
        container_title=text("container-title"),
        container_title_short=text("container-title-short"),
        year=issued[0] if issued else None,
        volume=text("volume"),
        issue=text("issue"),
        pages=text("page"),
        doi=text("DOI"),
        pmid=text("PMID"),
        pmcid=text("PMCID"),
        url=text("URL"),
        publisher=text("publisher"),
        accessed=accessed_on,
    )


# File import ---------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    """What an import did (or, for a dry run or a refused file, would have done).

    Counts cover every entry; the detail lists keep the first ``max_details`` rows each, so that
    a 100,000-entry file does not make the summary as large as the file.
    """

    format: str
    dry_run: bool = False
    partial: bool = False
    max_details: int = 1000
    read: int = 0
    created_count: int = 0
    matched_count: int = 0
    rejected_count: int = 0
    created: list[dict] = field(default_factory=list)
    matched: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    matched_by: dict[str, int] = field(default_factory=lambda: {"doi": 0, "pmid": 0, "key": 0})
    imported: bool = False

    def add_created(self, line: int, source: Source) -> None:
        self.created_count += 1
        if len(self.created) < self.max_details:
            self.created.append({"line": line, "id": source.pk, "key": source.key, "title": source.title})

    def add_matched(self, line: int, source: Source, by: str, *, in_file: bool) -> None:
        self.matched_count += 1
        self.matched_by[by] += 1
        if len(self.matched) < self.max_details:
            self.matched.append(
                {
                    "line": line,
                    "id": source.pk,
                    "key": source.key,
                    "title": source.title,
                    "by": by,
                    "value": getattr(source, by),
                    "in_file": in_file,
                }
            )

    def add_rejected(self, line: int, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < self.max_details:
            self.rejected.append({"line": line, "reason": reason})

    @property
    def truncated(self) -> bool:
        return (
            self.created_count > len(self.created)
            or self.matched_count > len(self.matched)
            or self.rejected_count > len(self.rejected)
        )

    def forget_ids(self) -> None:
        """After a rollback the new rows are gone: created entries (and matches to them) lose their id."""
        for row in self.created:
            row["id"] = None
        for row in self.matched:
            if row["in_file"]:
                row["id"] = None

    def as_dict(self) -> dict:
        return {
            "format": self.format,
            "dry_run": self.dry_run,
            "partial": self.partial,
            "imported": self.imported,
            "read": self.read,
            "created_count": self.created_count,
            "matched_count": self.matched_count,
            "matched_by": dict(self.matched_by),
            "rejected_count": self.rejected_count,
            "created": self.created,
            "matched": self.matched,
            "rejected": self.rejected,
            "truncated": self.truncated,
        }


class _RollBack(Exception):
    """Leaves the import's transaction without committing (dry run, or refused file)."""


def _same_work(existing: Source, new: Source) -> bool:
    """Same key and the same title and year, and no identifier that says otherwise."""

    def title(value: str) -> str:
        return " ".join(value.casefold().split()).rstrip(".")

    if title(existing.title) != title(new.title):
        return False
    if existing.year and new.year and existing.year != new.year:
        return False
    return not any(
        getattr(existing, name) and getattr(new, name) and getattr(existing, name) != getattr(new, name)
        for name in ("doi", "pmid")
    )


class _BatchWriter:
    """Matches and inserts one batch of parsed entries; the only state kept between batches is
    the summary and the primary key below which sources existed before this import."""

    def __init__(self, summary: ImportSummary, *, actor, reason: str, first_new_pk: int):
        self.summary = summary
        self.actor = actor
        self.reason = reason
        self.first_new_pk = first_new_pk

    def _is_new(self, source: Source) -> bool:
        return source.pk is None or source.pk >= self.first_new_pk

    def write(self, entries: list[ParsedEntry]) -> None:
        candidates = self._valid_sources(entries)
        if not candidates:
            return
        by_doi, by_pmid, by_key = self._existing(source for _line, source in candidates)
        to_create: list[tuple[int, Source]] = []
        pending_matches: list[tuple[int, Source, str]] = []
        for line, source in candidates:
            match = self._match(source, by_doi, by_pmid, by_key)
            if match is not None:
                pending_matches.append((line, *match))
                continue
            source.key = self._key_for(source, by_key)
            for index, name in ((by_doi, "doi"), (by_pmid, "pmid"), (by_key, "key")):
                if getattr(source, name):
                    index[getattr(source, name)] = source
            to_create.append((line, source))
        self._insert(to_create)
        for line, source, by in pending_matches:
            self.summary.add_matched(line, source, by, in_file=self._is_new(source))

    def _valid_sources(self, entries: list[ParsedEntry]) -> list[tuple[int, Source]]:
        valid = []
        for entry in entries:
            self.summary.read += 1
            if entry.error:
                self.summary.add_rejected(entry.line, entry.error.removeprefix(f"line {entry.line}: "))
                continue
            try:
                source = source_from_csl(entry.item)
                source.key = source.key or clean_key(citation_key(entry.item)) or "source"
                validate_fields(source)
            except ValidationError as exc:
                self.summary.add_rejected(entry.line, describe(exc))
                continue
            valid.append((entry.line, source))
        return valid

    @staticmethod
    def _existing(sources: Iterable[Source]) -> tuple[dict, dict, dict]:
        """One query: library sources sharing a DOI, a PMID or a key with the batch."""
        dois, pmids, keys = set(), set(), set()
        for source in sources:
            dois.add(source.doi)
            pmids.add(source.pmid)
            keys.add(source.key)
        dois.discard("")
        pmids.discard("")
        keys.discard("")
        found = Source.objects.filter(Q(doi__in=dois) | Q(pmid__in=pmids) | Q(key__in=keys)).only(
            "pk", "key", "title", "year", "doi", "pmid"
        )
        by_doi, by_pmid, by_key = {}, {}, {}
        for source in found:
            if source.doi:
                by_doi[source.doi] = source
            if source.pmid:
                by_pmid[source.pmid] = source
            by_key[source.key] = source
        return by_doi, by_pmid, by_key

    @staticmethod
    def _match(source: Source, by_doi: dict, by_pmid: dict, by_key: dict) -> tuple[Source, str] | None:
        """The library source this entry describes: same DOI, else same PMID, else same key and work."""
        if source.doi and source.doi in by_doi:
            return by_doi[source.doi], "doi"
        if source.pmid and source.pmid in by_pmid:
            return by_pmid[source.pmid], "pmid"
        existing = by_key.get(source.key) if source.key else None
        if existing is not None and _same_work(existing, source):
            return existing, "key"
        return None

    @staticmethod
    def _key_for(source: Source, by_key: dict) -> str:
        """The entry's key, or the first free ``key`` + letter when a different work holds it."""
        if source.key not in by_key:
            return source.key
        return free_key(source.key, also_taken=by_key)

    def _insert(self, to_create: list[tuple[int, Source]]) -> None:
        if not to_create:
            return
        sources = [source for _line, source in to_create]
        try:
            with transaction.atomic():
                bulk_create_with_history(
                    sources, Source, default_user=self.actor, default_change_reason=self.reason
                )
        except IntegrityError:
            # A concurrent writer took one of these DOIs, PMIDs or keys since the lookup: write
            # this batch one entry at a time so the others still go in and the clash is matched.
            for line, source in to_create:
                source.pk = None
                source._state.adding = True
                self._insert_one(line, source)
            return
        for line, source in to_create:
            self.summary.add_created(line, source)

    def _insert_one(self, line: int, source: Source) -> None:
        by_doi, by_pmid, by_key = self._existing([source])
        match = self._match(source, by_doi, by_pmid, by_key)
        if match is not None:
            self.summary.add_matched(line, *match, in_file=self._is_new(match[0]))
            return
        source.key = self._key_for(source, by_key)
        try:
            save_new(source, actor=self.actor, reason=self.reason, key_given=True)
        except (DuplicateSource, IntegrityError) as exc:
            self.summary.add_rejected(line, describe(exc) if isinstance(exc, ValidationError) else str(exc))
            return
        self.summary.add_created(line, source)


def describe(error: ValidationError) -> str:
    """One line naming each field and its problem: ``url: Enter a valid URL.``."""
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{name}: {' '.join(messages)}" for name, messages in sorted(error.message_dict.items())
        )
    return " ".join(error.messages)


def within_query_limit(batch_size: int, *, per_item: int) -> int:
    """``batch_size``, lowered so that a lookup stays within the database's parameter limit."""
    limit = connection.features.max_query_params
    return max(1, min(batch_size, limit // per_item)) if limit else max(1, batch_size)


def _batches(entries: Iterator[ParsedEntry], size: int) -> Iterator[list[ParsedEntry]]:
    batch: list[ParsedEntry] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_sources(
    stream,
    fmt: str,
    *,
    actor=None,
    partial: bool = False,
    dry_run: bool = False,
    progress: Callable[[ImportSummary], None] | None = None,
    batch_size: int = 500,
    max_details: int = 1000,
) -> ImportSummary:
    """Import a BibTeX, RIS, MEDLINE or CSL-JSON text stream into the library.

    Each entry is matched to an existing source (same DOI, else same PMID, else same key and
    title) or created with a unique key; an entry that cannot be read or validated is
    rejected with its line and reason. Nothing is written on a dry run, nor when any entry
    was rejected and ``partial`` is false. ``progress`` is called with the summary after each
    batch. Raises ``MalformedFile`` when the file is not in ``fmt`` at all.
    """
    if fmt not in FORMATS:
        raise MalformedFile(f"Unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if actor is not None and (refusal := roles.add_source_refusal(actor)):
        raise refusal
    summary = ImportSummary(format=fmt, dry_run=dry_run, partial=partial, max_details=max_details)
    # A batch is looked up with one query of up to three parameters per entry.
    batch_size = within_query_limit(batch_size, per_item=3)
    try:
        with transaction.atomic():
            first_new_pk = (Source.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
            writer = _BatchWriter(
                summary, actor=actor, reason=f"imported from a {fmt} file", first_new_pk=first_new_pk
            )
            for batch in _batches(read_sources(stream, fmt), batch_size):
                writer.write(batch)
                if progress is not None:
                    progress(summary)
            if dry_run or (summary.rejected_count and not partial):
                raise _RollBack
        summary.imported = True
    except _RollBack:
        summary.forget_ids()
    return summary


def import_upload(
    binary,
    *,
    filename: str = "",
    fmt: str | None = None,
    actor=None,
    partial: bool = False,
    dry_run: bool = False,
) -> ImportSummary:
    """Import an uploaded (binary) file, its format detected when not given: what the API and the
    web app's import page both do. Raises ``MalformedFile`` when the file is not in the format."""
    stream, fmt = open_upload(binary, filename=filename, fmt=fmt)
    return import_sources(stream, fmt, actor=actor, partial=partial, dry_run=dry_run)


def open_upload(binary, *, filename: str = "", fmt: str | None = None) -> tuple[io.TextIOWrapper, str]:
    """A text stream over an uploaded (binary) file and its format, detected when not given.

    Only the first 8 KiB are read to detect the format; the file is then read from the start
    as UTF-8 (a byte-order mark is skipped).
    """
    if not fmt:
        head = binary.read(8192)
        binary.seek(0)
        fmt = detect_format(filename, head)
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline=None), fmt

