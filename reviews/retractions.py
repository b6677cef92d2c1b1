"""A retracted source sends every approved article citing it back to the board.

A retraction comes from an editor (the API, the web app, the admin), from a Retraction Watch
file (``apply_retraction_watch_csv``, the ``import_retractions`` command) or from the periodic
safety net (``reapply_retractions``). ``retract_source`` holds the rule; each retraction commits
on its own, so a run that stops half-way has applied what it reported, and running the file
again is harmless (notices are recorded once, retracted sources are skipped).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import roles
from articles.library.importing import describe, within_query_limit
from articles.library.retraction_watch import (
    NOTICE_KIND_BY_NATURE,
    Row,
    batches,
    clean_reason,
    library_matches,
    notice_link,
    parse_retraction_watch_date,
    rows,
)
from articles.models import Article, NoticeKind, Source, SourceNotice, Status, normalize_notice
from editorial.refusals import PermissionDenied
from reviews import audit, workflow
from reviews.models import AuditKind, NotificationKind
from reviews.notifications import notify


def chain_notice(notice: SourceNotice) -> None:
    """Append a new notice to the audit chain of every article citing its source."""
    citing = Article.objects.filter(citations__source_id=notice.source_id).values_list("pk", flat=True)
    audit.append_to_citing(citing, AuditKind.SOURCE_NOTICE, notice)


@transaction.atomic
def retract_source(
    *, actor, source: Source, retracted_on: date, notice: str, reason: str, record_id: str = ""
) -> list[Article]:
    """Mark a library source retracted and send every approved article citing it back to the board.

    ``actor`` None: the system did it (a Retraction Watch import). Each approved citing article is
    flagged for re-review with the source named in its transition log; the authors and editors of
    every article citing it are notified. Articles in progress stay where they are: submit and
    approve already refuse a retracted citation. Calling it again for a retracted source updates
    the details if they changed and flags any approved citing article that escaped (the periodic
    ``reapply_retractions`` relies on this). Returns the flagged articles.
    """
    if actor is not None and not roles.is_editor(actor):
        raise PermissionDenied(_("Only an editor may mark a source retracted."))
    source = Source.objects.select_for_update().get(pk=source.pk)
    # Values already stored are taken as they are, so that re-applying a retraction entered
    # by hand (reapply_retractions) never fails on details nobody is changing.
    if retracted_on is None:
        raise ValidationError({"retracted_on": _("Give the date of the retraction.")})
    if retracted_on != source.retracted_on and retracted_on > timezone.localdate():
        raise ValidationError({"retracted_on": _("The retraction date cannot be in the future.")})
    if notice != source.retraction_notice:
        try:
            notice = normalize_notice(notice)
        except ValidationError as exc:
            raise ValidationError({"notice": exc.error_list}) from None
    reason = reason.strip()
    first = not source.is_retracted
    details = (retracted_on, notice, reason)
    if (source.retracted_on, source.retraction_notice, source.retraction_reason) != details:
        source.retracted_on, source.retraction_notice, source.retraction_reason = details
        prefix = "retracted: " if first else "retraction updated: "
        source._change_reason = (prefix + (reason or notice))[:100]
        source._history_user = actor
        source.save()
    recorded, created = SourceNotice.objects.record(
        source=source,
        kind=NoticeKind.RETRACTION,
        notice=notice,
        date=retracted_on,
        reason=reason,
        record_id=record_id,
    )
    if created:
        chain_notice(recorded)
    comment = _("Cited source retracted: [@%(key)s] %(title)s (retracted %(date)s%(notice)s)%(reason)s") % {
        "key": source.key,
        "title": source.title,
        "date": retracted_on.isoformat(),
        "notice": f"; notice {notice}" if notice else "",
        "reason": f": {reason}" if reason else ".",
    }
    payload = {
        "source": source.pk,
        "key": source.key,
        "title": source.title,
        "retracted_on": retracted_on.isoformat(),
        "notice": notice,
        "reason": reason,
    }
    editors = list(roles.editors())
    flagged = []
    # Citation rows are kept on every save, so "who cites this" is one indexed query.
    citing = Article.objects.filter(citations__source=source).exclude(status=Status.RETRACTED)
    for article in citing.order_by("pk"):
        article = workflow.lock(article)
        # One notification says both things (retracted source, review due), not two.
        needs_rereview = workflow.send_back_to_review(actor=actor, article=article, reason=comment)
        if needs_rereview:
            flagged.append(article)
        if first or needs_rereview:
            notify(
                editors + list(article.authors.all()),
                NotificationKind.SOURCE_RETRACTED,
                article,
                {**payload, "flagged_for_rereview": needs_rereview},
            )
    return flagged


def reapply_retractions() -> list[int]:
    """Flag approved articles that still cite a retracted source; returns their ids.

    The periodic safety net for retractions that bypassed the workflow (a date typed in the
    admin, a restored backup): normally it finds nothing.
    """
    flagged = []
    stale = Source.objects.filter(
        retracted_on__isnull=False, citations__article__status=Status.APPROVED
    ).distinct()
    for source in stale.order_by("pk"):
        flagged += retract_source(
            actor=None,
            source=source,
            retracted_on=source.retracted_on,
            notice=source.retraction_notice,
            reason=source.retraction_reason,
        )
    return [article.pk for article in flagged]


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


class _DryRun(Exception):
    """Leaves the dry run's transaction without committing."""


def _apply_row(row: Row, source: Source, summary: RetractionSummary) -> None:
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
            flagged = retract_source(
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
    recorded, created = SourceNotice.objects.record(
        source=source, kind=kind, notice=notice, date=when, reason=reason, record_id=record_id
    )
    if created:
        chain_notice(recorded)
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
            for batch in batches(rows(stream), batch_size):
                by_doi, by_pmid = library_matches(batch)
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
