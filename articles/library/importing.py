"""Sources in and out of the shared library: one at a time (API, admin), file import, export.

Both paths keep the same rules. Identifiers are normalised and validated by ``Source.clean``.
The same DOI or PMID is never two Sources: the database refuses it (``source_unique_doi``,
``source_unique_pmid``) and this module names the source that already holds it, also when a
concurrent writer won the race. Citation keys are unique: a taken key gets a letter,
``will2018`` → ``will2018a``, ``will2018b``.

A file import streams: ``articles.library.citations.read_sources`` yields one entry at a time and the
entries are written in batches (one lookup query, one insert), so memory holds a batch and the
capped summary, never the file. The whole import is one transaction: a dry run, or a file with
any rejected entry (unless ``partial``), is rolled back and reports what would have happened.
An export streams too, and importing it gives the same sources back.
"""

from __future__ import annotations

import io
import itertools
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from articles.library.bibliography import source_to_csl
from articles.library.citations import (
    FORMATS,
    MalformedFile,
    ParsedEntry,
    citation_key,
    detect_format,
    iter_bibtex,
    iter_csl_json,
    iter_ris,
    read_sources,
    source_type_of,
)
from articles.models import EDITABLE_STATUSES, EDITOR_PERMISSION, Source

# The fields a person may set on a source; the retraction fields change only through
# ``reviews.workflow.retract_source``.
EDITABLE_SOURCE_FIELDS = (
    "key",
    "type",
    "title",
    "authors",
    "container_title",
    "container_title_short",
    "year",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "url",
    "publisher",
    "accessed",
)
IDENTIFIER_LABELS = {"doi": "DOI", "pmid": "PMID", "key": "citation key"}
KEY_MAX_LENGTH = Source._meta.get_field("key").max_length


# Permissions ---------------------------------------------------------------------------------


def can_add_sources(user) -> bool:
    """Anyone who writes articles (or runs the board) may add sources to the shared library."""
    return bool(
        user
        and user.is_authenticated
        and (
            user.has_perm(EDITOR_PERMISSION)
            or user.has_perm("articles.add_article")
            or user.has_perm("articles.add_source")
        )
    )


def can_change_source(user, source: Source) -> bool:
    """Editors may correct any source; other writers only one that no article under review cites.

    A sign-off covers the sources as they were, so once an article citing the source has left
    drafting only an editor may change what the reference says.
    """
    if not can_add_sources(user):
        return False
    if user.has_perm(EDITOR_PERMISSION) or user.has_perm("articles.change_source"):
        return True
    return not source.citations.exclude(article__status__in=EDITABLE_STATUSES).exists()


# Duplicates and keys -------------------------------------------------------------------------


class DuplicateSource(ValidationError):
    """The DOI, PMID or citation key already belongs to another source, named in ``existing``."""

    def __init__(self, field_name: str, existing: Source):
        self.field = field_name
        self.existing = existing
        message = ValidationError(
            _("The %(label)s %(value)s already belongs to source %(id)s: [@%(key)s] %(title)s."),
            code="duplicate",
            params={
                "label": IDENTIFIER_LABELS[field_name],
                "value": getattr(existing, field_name),
                "id": existing.pk,
                "key": existing.key,
                "title": existing.title,
            },
        )
        super().__init__({field_name: [message]})


def find_duplicate(source: Source) -> DuplicateSource | None:
    """The first clash of ``source`` (DOI, then PMID, then key) with another library source."""
    clauses = {name: getattr(source, name) for name in ("doi", "pmid", "key") if getattr(source, name)}
    if not clauses:
        return None
    query = Q()
    for name, value in clauses.items():
        query |= Q(**{name: value})
    others = Source.objects.filter(query)
    if source.pk:
        others = others.exclude(pk=source.pk)
    found = list(others)
    for name, value in clauses.items():
        for other in found:
            if getattr(other, name) == value:
                return DuplicateSource(name, other)
    return None


def clean_key(value: object) -> str:
    """A usable citation key from a file's key: letters, digits and ``_-:.``, within the length."""
    text = "".join(ch for ch in str(value or "") if ch.isalnum() or ch in "_-:.")
    return text[: KEY_MAX_LENGTH - 4].rstrip(":.")


def _suffixes() -> Iterator[str]:
    """``a`` … ``z``, then ``aa`` … ``zz``, as reference managers disambiguate ``will2018``."""
    for length in itertools.count(1):
        for letters in itertools.product(string.ascii_lowercase, repeat=length):
            yield "".join(letters)


def free_key(base: str, *, also_taken: Iterable[str] = ()) -> str:
    """``base`` if no source uses it, else ``base`` plus the first free letter suffix."""
    taken = set(Source.objects.filter(key__startswith=base).values_list("key", flat=True))
    taken.update(key for key in also_taken if key.startswith(base))
    if base not in taken:
        return base
    return next(base + suffix for suffix in _suffixes() if base + suffix not in taken)


# One source at a time ------------------------------------------------------------------------


def _validate_fields(source: Source) -> None:
    """Field-level validation (and identifier normalisation in ``clean``) without queries."""
    # PostgreSQL cannot store NUL characters; a file can contain them.
    texts = {
        name: getattr(source, name) for name in EDITABLE_SOURCE_FIELDS if name not in ("authors", "year")
    }
    texts["authors"] = " ".join(str(value) for name in source.authors for value in dict(name).values())
    with_nul = sorted(name for name, value in texts.items() if isinstance(value, str) and "\x00" in value)
    if with_nul:
        raise ValidationError({name: _("Contains a NUL character.") for name in with_nul})
    exclude = [] if source.key else ["key"]
    source.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _save_new(source: Source, *, actor, reason: str, key_given: bool) -> Source:
    """Insert ``source``; a constraint lost to a concurrent writer names that writer's source."""
    for _attempt in range(3):
        if not key_given:
            source.key = free_key(clean_key(citation_key(source_to_csl(source))) or "source")
        source._history_user = actor
        source._change_reason = reason
        try:
            with transaction.atomic():
                source.save()
            return source
        except IntegrityError:
            source.pk = None
            source._state.adding = True
            duplicate = find_duplicate(source)
            if duplicate is None:
                raise
            if duplicate.field != "key" or key_given:
                raise duplicate from None
            # Someone took the generated key in the meantime: generate the next one.
    raise IntegrityError("could not find a free citation key")


@transaction.atomic
def source_create(*, actor, data: dict) -> Source:
    """Add one source to the library; refused (``DuplicateSource``) when its DOI, PMID or key is taken."""
    if actor is not None and not can_add_sources(actor):
        raise PermissionDenied(_("You may not add sources to the library."))
    unknown = set(data) - set(EDITABLE_SOURCE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    source = Source(**data)
    _validate_fields(source)
    duplicate = find_duplicate(source)
    if duplicate is not None:
        raise duplicate
    return _save_new(source, actor=actor, reason="created", key_given=bool(source.key))


@transaction.atomic
def source_update(*, actor, source: Source, changes: dict) -> Source:
    """Correct a source's bibliographic fields under a row lock, with a history reason."""
    locked = Source.objects.select_for_update().get(pk=source.pk)
    if actor is not None and not can_change_source(actor, locked):
        raise PermissionDenied(
            _("Only an editor may change a source cited by an article that has left drafting.")
        )
    unknown = set(changes) - set(EDITABLE_SOURCE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    if "key" in changed and locked.citations.exists():
        # Article bodies cite by key: renaming it would turn their citations into unknown keys.
        raise ValidationError(
            {"key": _("[@%(key)s] is cited by articles; its key cannot change.") % {"key": locked.key}}
        )
    for name in changed:
        setattr(locked, name, changes[name])
    if not changed:
        return locked
    _validate_fields(locked)
    duplicate = find_duplicate(locked)
    if duplicate is not None:
        raise duplicate
    locked._history_user = actor
    locked._change_reason = ("edited: " + ", ".join(changed))[:100]
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        duplicate = find_duplicate(locked)
        if duplicate is None:
            raise
        raise duplicate from None
    return locked


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
                _validate_fields(source)
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
            _save_new(source, actor=self.actor, reason=self.reason, key_given=True)
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
    if actor is not None and not can_add_sources(actor):
        raise PermissionDenied(_("You may not add sources to the library."))
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


# Export --------------------------------------------------------------------------------------

# Format → (writer, media type, file extension).
EXPORTS = {
    "bibtex": (iter_bibtex, "application/x-bibtex", "bib"),
    "ris": (iter_ris, "application/x-research-info-systems", "ris"),
    "csl-json": (iter_csl_json, "application/vnd.citationstyles.csl+json", "json"),
}
EXPORT_FORMATS = tuple(EXPORTS)


def export_chunks(sources: Iterable[Source], fmt: str) -> Iterator[str]:
    """``sources`` written in ``fmt``, one entry at a time (an import of it gives them back)."""
    write = EXPORTS[fmt][0]
    return write(source_to_csl(source) for source in sources)
