"""File import into the shared library: BibTeX, RIS, MEDLINE or CSL-JSON, with the same rules as
one source at a time (``articles.library.sources``).

An import streams: ``articles.library.citations.read_sources`` yields one entry at a time and
the entries are handled in batches (one lookup query each). It reads the file twice
(``articles.library.import_batches`` holds the two passes):

1. The check validates every entry and matches it against the library with reads only, outside
   any transaction, so it takes no write lock (on SQLite every transaction takes the database's
   write lock when it begins). A dry run is the check alone; so is an import with a rejected
   entry, unless ``partial``: nothing is written and the summary says what would have happened.
   A partial import skips the check.
2. The write reads the file again and writes it batch by batch, each batch looked up, matched
   and inserted in a transaction of its own, so a concurrent edit waits for one batch at most.

What this guarantees:

- a dry run, a file with a rejected entry (unless ``partial``) and a malformed file write nothing;
- memory holds a batch and the capped summary, never the file. So the check, which writes
  nothing, matches an entry to the library and to the entries before it in its batch only: an
  entry repeating one more than a batch further back (or taking its key) is reported as new by
  a dry run, and matched (or given the next letter) by the import;
- a source a concurrent writer adds between the passes (or between a batch's lookup and its
  insert) with an entry's DOI, PMID or key is matched, not refused: the import does not fail;
- an import that stops half-way (a crash, a lost connection) has written whole batches and
  nothing of the others; running it again matches what was written and creates the rest.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

from django.db import connection
from django.db.models import Max

from articles import roles
from articles.library.citations import FORMATS, MalformedFile, ParsedEntry, detect_format, read_sources
from articles.library.import_batches import Check, ImportSummary, Write, describe, source_from_csl
from articles.models import Source

__all__ = [
    "ImportSummary",
    "describe",
    "import_sources",
    "import_upload",
    "open_upload",
    "source_from_csl",
    "within_query_limit",
]


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


def _first_new_pk() -> int:
    return (Source.objects.aggregate(last=Max("pk"))["last"] or 0) + 1


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
    was rejected and ``partial`` is false. The check and then the write read ``stream`` (a
    seekable text stream, or a str) from its start. ``progress`` is called with the pass's
    summary after each batch of each pass. Raises ``MalformedFile`` when the file is not in
    ``fmt`` at all.
    """
    if fmt not in FORMATS:
        raise MalformedFile(f"Unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if actor is not None and (refusal := roles.add_source_refusal(actor)):
        raise refusal
    if isinstance(stream, str):
        stream = io.StringIO(stream)
    if not dry_run and not partial and not stream.seekable():
        raise ValueError("An import reads its file twice: give it a seekable stream.")
    # A batch is looked up with one query of up to three parameters per entry.
    batch_size = within_query_limit(batch_size, per_item=3)
    options = {"format": fmt, "dry_run": dry_run, "partial": partial, "max_details": max_details}

    def run(one_pass: Check | Write) -> ImportSummary:
        for batch in _batches(read_sources(stream, fmt), batch_size):
            one_pass.batch(batch)
            if progress is not None:
                progress(one_pass.summary)
        return one_pass.summary

    if dry_run or not partial:
        checked = run(Check(ImportSummary(**options, phase="check"), first_new_pk=_first_new_pk()))
        if dry_run or checked.rejected_count:
            return checked
        stream.seek(0)
    write = Write(
        ImportSummary(**options, phase="write"),
        first_new_pk=_first_new_pk(),
        actor=actor,
        reason=f"imported from a {fmt} file",
    )
    summary = run(write)
    summary.imported = True
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
