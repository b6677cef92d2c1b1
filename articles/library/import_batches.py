"""The two passes of a file import, a batch at a time: the check, which only reads, and the write,
one short transaction a batch. ``articles.library.importing`` runs them.

Both validate a batch of parsed entries, look it up in the library with one query and match each
entry (same DOI, else same PMID, else same key and work) to a library source or to a new entry
before it in the batch, or choose the key of the source it becomes; the write then inserts those
sources. Nothing but the summary outlives a batch: the check, which writes nothing, cannot match
an entry to a new one further back in the file, as the write does once that one is in the library.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from articles.library.citations import ParsedEntry, citation_key, publication_type_of, source_type_of
from articles.library.sources import DuplicateSource, clean_key, free_key, save_new, validate_fields
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
        publication_type=publication_type_of(item),
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
    a 100,000-entry file does not make the summary as large as the file. ``phase`` says which
    pass it counts: ``"check"`` (reads only: all a dry run or a refused file does) or
    ``"write"``.
    """

    format: str
    phase: str = "check"
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


def describe(error: ValidationError) -> str:
    """One line naming each field and its problem: ``url: Enter a valid URL.``."""
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{name}: {' '.join(messages)}" for name, messages in sorted(error.message_dict.items())
        )
    return " ".join(error.messages)


# Matching ------------------------------------------------------------------------------------


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


def _existing(sources: Iterable[Source]) -> tuple[dict, dict, dict]:
    """One query: library sources sharing a DOI, a PMID or a key with ``sources``."""
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


def _match(source: Source, by_doi: dict, by_pmid: dict, by_key: dict) -> tuple[Source, str] | None:
    """The source this entry describes: same DOI, else same PMID, else same key and work."""
    if source.doi and source.doi in by_doi:
        return by_doi[source.doi], "doi"
    if source.pmid and source.pmid in by_pmid:
        return by_pmid[source.pmid], "pmid"
    existing = by_key.get(source.key) if source.key else None
    if existing is not None and _same_work(existing, source):
        return existing, "key"
    return None


def _key_for(source: Source, by_key: dict) -> str:
    """The entry's key, or the first free ``key`` + letter when a different work holds it."""
    return free_key(source.key, also_taken=by_key) if source.key in by_key else source.key


# The passes ----------------------------------------------------------------------------------


class _Pass:
    """What both passes do with a batch: validate, look up, match, choose keys."""

    def __init__(self, summary: ImportSummary, *, first_new_pk: int):
        self.summary = summary
        # Sources from this primary key on did not exist when the pass began.
        self.first_new_pk = first_new_pk

    def _in_file(self, source: Source) -> bool:
        return source.pk is None or source.pk >= self.first_new_pk

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

    def _plan(
        self, candidates: list[tuple[int, Source]]
    ) -> tuple[list[tuple[int, Source]], list[tuple[int, Source, str]]]:
        """The entries to create (their keys chosen) and the matches, after one lookup: each entry
        may match a library source or a new entry before it in the batch."""
        by_doi, by_pmid, by_key = _existing(source for _line, source in candidates)
        to_create, matches = [], []
        for line, source in candidates:
            match = _match(source, by_doi, by_pmid, by_key)
            if match is not None:
                matches.append((line, *match))
                continue
            source.key = _key_for(source, by_key)
            for index, name in ((by_doi, "doi"), (by_pmid, "pmid"), (by_key, "key")):
                if getattr(source, name):
                    index[getattr(source, name)] = source
            to_create.append((line, source))
        return to_create, matches

    def _add_matches(self, matches: list[tuple[int, Source, str]]) -> None:
        for line, source, by in matches:
            self.summary.add_matched(line, source, by, in_file=self._in_file(source))


class Check(_Pass):
    """The first pass: validates and matches each batch with reads only, in no transaction."""

    def batch(self, entries: list[ParsedEntry]) -> None:
        candidates = self._valid_sources(entries)
        if not candidates:
            return
        to_create, matches = self._plan(candidates)
        for line, source in to_create:
            self.summary.add_created(line, source)
        self._add_matches(matches)


class Write(_Pass):
    """The second pass: each batch looked up, matched and inserted in one transaction of its own."""

    def __init__(self, summary: ImportSummary, *, first_new_pk: int, actor, reason: str):
        super().__init__(summary, first_new_pk=first_new_pk)
        self.actor = actor
        self.reason = reason

    def batch(self, entries: list[ParsedEntry]) -> None:
        candidates = self._valid_sources(entries)
        if not candidates:
            return
        with transaction.atomic():
            to_create, matches = self._plan(candidates)
            self._insert(to_create)
        self._add_matches(matches)

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
        by_doi, by_pmid, by_key = _existing([source])
        match = _match(source, by_doi, by_pmid, by_key)
        if match is not None:
            self.summary.add_matched(line, *match, in_file=self._in_file(match[0]))
            return
        source.key = _key_for(source, by_key)
        try:
            save_new(source, actor=self.actor, reason=self.reason, key_given=True)
        except (DuplicateSource, IntegrityError) as exc:
            self.summary.add_rejected(line, describe(exc) if isinstance(exc, ValidationError) else str(exc))
            return
        self.summary.add_created(line, source)
