"""The scheduled sync of the Retraction Watch database, as Crossref publishes it (a CSV).

``RETRACTION_WATCH_URL`` turns it on (empty: off). Each run downloads the file with the previous
run's validators (a 304, or the same SHA-256, ends it there), then applies only the rows that
changed since they were last applied (a fingerprint per Record ID), and the rows about sources
added or corrected since the last finished run. Rows are applied in chunks, each followed by the
chunk's fingerprints: a run that stops half-way is finished by the next, which skips what was
applied; applying a row twice changes nothing (``reviews.retractions``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from articles.library.retraction_watch import Row, batches, rows
from articles.models import RetractionWatchRecord, RetractionWatchSync, Source
from reviews.retractions import RetractionSummary, apply_retraction_watch_csv

CHUNK_ROWS = 1000
DOWNLOAD_TIMEOUT_SECONDS = 120


class SyncFailed(Exception):
    """The file could not be fetched; the message names the URL and the reason."""


def fingerprint(row: Row) -> str:
    """A digest of everything a row says, so an unchanged row is recognised across runs."""
    text = "\x1f".join(f"{name}={value}" for name, value in sorted(row.values.items()) if name)
    return hashlib.sha256(text.encode()).hexdigest()


def sync_retraction_watch(
    *, url: str | None = None, progress: Callable[[int, int], None] | None = None
) -> RetractionWatchSync | None:
    """Run the sync once; ``None`` when it is off. ``progress(rows_read, rows_applied)`` after each chunk."""
    url = url or settings.RETRACTION_WATCH_URL
    if not url:
        return None
    previous = RetractionWatchSync.objects.filter(url=url, finished_at__isnull=False).first()
    sync = RetractionWatchSync.objects.create(url=url)
    with tempfile.TemporaryFile() as file:
        modified = _download(url, previous, sync, file)
        if not modified or (previous is not None and previous.sha256 == sync.sha256):
            sync.summary = {"unchanged": True}
            return _finish(sync)
        file.seek(0)
        text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
        watched = _recently_changed_identifiers(previous)
        total = RetractionSummary()
        for chunk in _changed_chunks(rows(text), watched, sync):
            _apply_chunk(chunk, total)
            sync.changed += len(chunk)
            sync.save(update_fields=["rows", "changed"])
            if progress is not None:
                progress(sync.rows, sync.changed)
        if progress is not None:
            progress(sync.rows, sync.changed)
        sync.summary = total.as_dict()
    return _finish(sync)


def _finish(sync: RetractionWatchSync) -> RetractionWatchSync:
    sync.finished_at = timezone.now()
    sync.save()
    return sync


def _download(url: str, previous: RetractionWatchSync | None, sync: RetractionWatchSync, file) -> bool:
    """Write the file at ``url`` into ``file``; ``False`` when the server says it did not change."""
    headers = {
        "User-Agent": f"EditorialReview/1.0 (+{settings.SITE_URL}; mailto:{settings.LOOKUP_CONTACT_EMAIL})"
    }
    if previous is not None and previous.etag:
        headers["If-None-Match"] = previous.etag
    if previous is not None and previous.last_modified:
        headers["If-Modified-Since"] = previous.last_modified
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=DOWNLOAD_TIMEOUT_SECONDS
        ) as response:
            sync.etag = response.headers.get("ETag", "")[:200]
            sync.last_modified = response.headers.get("Last-Modified", "")[:100]
            while block := response.read(1 << 20):
                digest.update(block)
                file.write(block)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return False
        raise SyncFailed(f"{url} answered HTTP {exc.code}.") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SyncFailed(f"{url} could not be reached: {exc}.") from None
    sync.sha256 = digest.hexdigest()
    return True


def _recently_changed_identifiers(previous: RetractionWatchSync | None) -> tuple[set, set]:
    """DOIs and PMIDs of sources added or corrected since the last finished run: their rows are
    applied even when the rows themselves did not change."""
    if previous is None:
        return set(), set()
    recent = Source.objects.filter(updated_at__gte=previous.started_at).filter(~Q(doi="") | ~Q(pmid=""))
    pairs = list(recent.values_list("doi", "pmid"))
    return {doi for doi, _ in pairs if doi}, {pmid for _, pmid in pairs if pmid}


def _changed_chunks(
    all_rows: Iterator[Row], watched: tuple[set, set], sync
) -> Iterator[list[tuple[Row, str]]]:
    dois, pmids = watched
    pending: list[tuple[Row, str]] = []
    for batch in batches(all_rows, CHUNK_ROWS):
        sync.rows += len(batch)
        ids = [row.values.get("Record ID", "").strip() for row in batch]
        known = dict(
            RetractionWatchRecord.objects.filter(record_id__in=[i for i in ids if i]).values_list(
                "record_id", "fingerprint"
            )
        )
        for row, record_id in zip(batch, ids, strict=True):
            digest = fingerprint(row)
            if known.get(record_id) != digest or row.doi in dois or row.pmid in pmids:
                pending.append((row, digest))
        if len(pending) >= CHUNK_ROWS:
            yield pending
            pending = []
    if pending:
        yield pending


def _apply_chunk(chunk: list[tuple[Row, str]], total: RetractionSummary) -> None:
    header = list(chunk[0][0].values)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    for row, _digest in chunk:
        writer.writerow(row.values)
    buffer.seek(0)
    summary = apply_retraction_watch_csv(buffer)
    _add(total, summary)
    records = [
        RetractionWatchRecord(record_id=row.values["Record ID"].strip(), fingerprint=digest)
        for row, digest in chunk
        if (row.values.get("Record ID") or "").strip()
    ]
    RetractionWatchRecord.objects.bulk_create(
        {record.record_id: record for record in records}.values(),
        update_conflicts=True,
        unique_fields=["record_id"],
        update_fields=["fingerprint", "applied_at"],
    )


def _add(total: RetractionSummary, part: RetractionSummary) -> None:
    for name in (
        "rows",
        "matched",
        "unmatched",
        "retracted_count",
        "already_retracted",
        "flagged_count",
        "rejected_count",
    ):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.notices.update(part.notices)
    total.ignored.update(part.ignored)
    total.flagged_articles += part.flagged_articles[: max(total.max_details - len(total.flagged_articles), 0)]
    total.retracted += part.retracted[: max(total.max_details - len(total.retracted), 0)]
    total.rejected += part.rejected[: max(total.max_details - len(total.rejected), 0)]
