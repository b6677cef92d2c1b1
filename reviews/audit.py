"""The audit trail's hash chain: one per article, recomputed by ``verify_audit``.

Every transition-log entry, sign-off and round decision (with its signature), publication,
notice about a cited source and editor's change to a cited source appends an ``AuditEntry`` to
each article it concerns: ``entry_hash = SHA-256(previous_hash + canonical entry)``, where the canonical entry
is the record's fields as JSON (``articles.hashing.canonical_json``). Verifying reads the
records again, so a record changed in the database, a link removed or reordered, or a record
that never entered the chain is found and named. Stored publications are checked as well: their
signed content against their content hash, their public document against their columns.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import NamedTuple

from django.db.models import F, Max

from articles.hashing import canonical_json
from articles.models import Article, Publication, PublicationDocument, Source, SourceNotice
from reviews.models import AuditEntry, AuditKind, RoundDecision, SignOff, TransitionLog

GENESIS = "0" * 64

# Canonical forms ------------------------------------------------------------------------------


def _time(value) -> str | None:
    return value.isoformat() if value is not None else None


TRANSITION_COLUMNS = (
    "id",
    "article_id",
    "action",
    "from_status",
    "to_status",
    "actor_id",
    "at",
    "comment",
    "content_hash",
)


def transition_entry(log: TransitionLog) -> dict:
    return {
        "id": log.pk,
        "action": log.action,
        "from": log.from_status,
        "to": log.to_status,
        "actor": log.actor_id,
        "at": _time(log.at),
        "comment": log.comment,
        "content_hash": log.content_hash,
    }


def signature_entry(signature) -> dict | None:
    if signature is None:
        return None
    return {
        "id": str(signature.pk),
        "signer": signature.signer_id,
        "printed_name": signature.printed_name,
        "credentials": signature.credentials,
        "meaning": signature.meaning,
        "statement": signature.statement,
        "method": signature.method,
        "content_hash": signature.content_hash,
        "content_hash_version": signature.content_hash_version,
        "signed_at": _time(signature.signed_at),
    }


def signoff_entry(signoff: SignOff) -> dict:
    return {
        "id": signoff.pk,
        "assignment": signoff.assignment_id,
        "article_history": signoff.article_history_id,
        "content_hash": signoff.content_hash,
        "content_hash_version": signoff.content_hash_version,
        "decision": signoff.decision,
        "comments": signoff.comments,
        "attestation": signoff.attestation,
        "signed_at": _time(signoff.signed_at),
        "signature": signature_entry(signoff.signature),
    }


def decision_entry(decision: RoundDecision) -> dict:
    return {
        "id": decision.pk,
        "round": decision.round_id,
        "decision": decision.decision,
        "decided_by": decision.decided_by_id,
        "letter": decision.letter,
        "article_history": decision.article_history_id,
        "content_hash": decision.content_hash,
        "decided_at": _time(decision.decided_at),
        "signature": signature_entry(decision.signature),
    }


PUBLICATION_FIELDS = (
    "version", "slug", "title", "summary", "body", "body_html", "audience", "topic_name", "topic_slug",
    "authors", "reviewers", "references", "content_hash", "signed_content",
    "article_history_id", "approved_by_id",
)  # fmt: skip
PUBLICATION_TIMES = (
    "approved_at",
    "first_published_at",
    "last_reviewed_at",
    "created_at",
    "last_modified_at",
)


def publication_entry(publication: Publication) -> dict:
    entry = {name: getattr(publication, name) for name in PUBLICATION_FIELDS}
    entry.update({name: _time(getattr(publication, name)) for name in PUBLICATION_TIMES})
    entry["next_review_due"] = publication.next_review_due.isoformat()
    entry["id"] = publication.pk
    return entry


def source_notice_entry(notice: SourceNotice) -> dict:
    return {
        "id": notice.pk,
        "source": notice.source_id,
        "kind": notice.kind,
        "date": notice.date.isoformat() if notice.date else None,
        "notice": notice.notice,
        "reason": notice.reason,
        "record_id": notice.record_id,
        "created_at": _time(notice.created_at),
    }


# The fields of a source's history row that its chain entry holds: the printed reference, who, when.
SOURCE_CHANGE_FIELDS = (
    "id", "key", "type", "title", "authors", "container_title", "container_title_short", "year",
    "volume", "issue", "pages", "doi", "pmid", "pmcid", "url", "publisher", "history_user_id",
    "history_change_reason",
)  # fmt: skip


def source_change_entry(row) -> dict:
    entry = {name: getattr(row, name) for name in SOURCE_CHANGE_FIELDS}
    entry["accessed"] = row.accessed.isoformat() if row.accessed else None
    entry["history_id"] = row.history_id
    entry["history_date"] = _time(row.history_date)
    return entry


def _signoffs(ids):
    return SignOff.objects.select_related("signature").in_bulk(ids)


def _decisions(ids):
    return RoundDecision.objects.select_related("signature").in_bulk(ids)


def _source_changes(ids):
    return Source.history.model.objects.in_bulk(ids)


# Per kind: how a record's id is written, how records are read in bulk, their canonical form.
KINDS: dict[str, tuple[Callable[[str], object], Callable, Callable[[object], dict]]] = {
    AuditKind.TRANSITION: (int, TransitionLog.objects.in_bulk, transition_entry),
    AuditKind.SIGNOFF: (int, _signoffs, signoff_entry),
    AuditKind.PUBLICATION: (int, Publication.objects.in_bulk, publication_entry),
    AuditKind.DECISION: (int, _decisions, decision_entry),
    AuditKind.SOURCE_NOTICE: (int, SourceNotice.objects.in_bulk, source_notice_entry),
    AuditKind.SOURCE_CHANGE: (int, _source_changes, source_change_entry),
}
CANONICAL = {kind: canonical for kind, (_id, _load, canonical) in KINDS.items()}


def entry_hash(previous_hash: str, *, article_id: int, position: int, kind: str, record: dict) -> str:
    payload = canonical_json({"article": article_id, "position": position, "kind": kind, "record": record})
    return hashlib.sha256((previous_hash + payload).encode("utf-8")).hexdigest()


# Appending ------------------------------------------------------------------------------------


def append(article_id: int, kind: str, record) -> AuditEntry:
    """Append ``record`` to the chain of article ``article_id``, inside the caller's transaction.

    Workflow steps hold the article's row lock, so appends to one chain run one at a time;
    elsewhere ``auditentry_unique_position`` turns a lost race into a 409.
    """
    last = (
        AuditEntry.objects.filter(article_id=article_id)
        .order_by("-position")
        .values_list("position", "entry_hash")
        .first()
    )
    position, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
    return AuditEntry.objects.create(
        article_id=article_id,
        position=position,
        kind=kind,
        record_id=str(record.pk),
        previous_hash=previous,
        entry_hash=entry_hash(
            previous, article_id=article_id, position=position, kind=kind, record=CANONICAL[kind](record)
        ),
    )


def append_to_citing(article_ids: Iterable[int], kind: str, record) -> None:
    for article_id in sorted(set(article_ids)):
        append(article_id, kind, record)


def chain_head(article: Article) -> AuditEntry | None:
    return AuditEntry.objects.filter(article=article).order_by("-position").first()


# Verifying ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrokenEntry:
    article_id: int
    position: int | None
    kind: str
    record_id: str
    reason: str

    def as_dict(self) -> dict:
        return {
            "article": self.article_id,
            "position": self.position,
            "kind": self.kind,
            "record_id": self.record_id,
            "reason": self.reason,
        }

    def __str__(self) -> str:
        at = f"entry {self.position}" if self.position else "outside the chain"
        return f"article {self.article_id}, {at} ({self.kind} {self.record_id}): {self.reason}"


@dataclass
class Verification:
    articles: int = 0
    entries: int = 0
    broken: list[BrokenEntry] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken

    @property
    def first_broken(self) -> BrokenEntry | None:
        return self.broken[0] if self.broken else None


class Link(NamedTuple):
    """One stored chain entry, read as a plain row (verification reads a hundred thousand)."""

    article_id: int
    position: int
    kind: str
    record_id: str
    previous_hash: str
    entry_hash: str


def _check_chain(article_id: int, links: list[Link], records: dict) -> BrokenEntry | None:
    """The first broken link of one article's chain (links in position order), or ``None``."""
    previous = GENESIS
    for expected, link in enumerate(links, start=1):
        reason = None
        record = records.get((link.kind, link.record_id))
        if link.position != expected:
            reason = f"expected entry {expected} here: a link is missing"
        elif link.previous_hash != previous:
            reason = "previous_hash does not match the entry before it"
        elif record is None:
            reason = "the record is missing"
        elif link.entry_hash != entry_hash(
            previous,
            article_id=article_id,
            position=link.position,
            kind=link.kind,
            record=CANONICAL[link.kind](record),
        ):
            reason = "the record differs from what was chained"
        if reason:
            return BrokenEntry(article_id, link.position, link.kind, link.record_id, reason)
        previous = link.entry_hash
    return None


@dataclass
class Records:
    """The records of a batch of articles, by ``(kind, record_id)``, and whose article each is."""

    by_key: dict = field(default_factory=dict)
    owned: list[tuple[int, str, str]] = field(default_factory=list)
    publications: list = field(default_factory=list)

    def add(self, kind: str, article_id: int, record) -> None:
        self.by_key[(kind, str(record.pk))] = record
        self.owned.append((article_id, kind, str(record.pk)))


def _load_records(article_ids: list[int], links: list[Link]) -> Records:
    """Every record the articles own (log, sign-offs, decisions, publications) and the source
    records chained."""
    records = Records()
    # The log is most of every chain: read as rows, not model instances, which cost 20 times more.
    logs = TransitionLog.objects.filter(article_id__in=article_ids).values(*TRANSITION_COLUMNS)
    for row in logs:
        records.add(AuditKind.TRANSITION, row["article_id"], SimpleNamespace(pk=row["id"], **row))
    signoffs = SignOff.objects.filter(assignment__round__article_id__in=article_ids)
    for signoff in signoffs.select_related("signature").annotate(
        article_of=F("assignment__round__article_id")
    ):
        records.add(AuditKind.SIGNOFF, signoff.article_of, signoff)
    decisions = RoundDecision.objects.filter(article_id__in=article_ids).select_related("signature")
    for decision in decisions:
        records.add(AuditKind.DECISION, decision.article_id, decision)
    records.publications = list(Publication.objects.filter(article_id__in=article_ids))
    for publication in records.publications:
        records.add(AuditKind.PUBLICATION, publication.article_id, publication)
    shared = {}
    for link in links:
        if link.kind in (AuditKind.SOURCE_NOTICE, AuditKind.SOURCE_CHANGE):
            shared.setdefault(link.kind, set()).add(int(link.record_id))
    for kind, ids in shared.items():
        for pk, record in KINDS[kind][1](list(ids)).items():
            records.by_key[(kind, str(pk))] = record
    return records


def _unchained(records: Records, links: list[Link]) -> list[BrokenEntry]:
    """Records of these articles that never entered their chain (inserted behind its back)."""
    chained = {(link.kind, link.record_id) for link in links}
    return [
        BrokenEntry(article_id, None, kind, record_id, "the record is not in the chain")
        for article_id, kind, record_id in records.owned
        if (kind, record_id) not in chained
    ]


def _check_publications(article_ids: list[int], publications: list[Publication]) -> list[BrokenEntry]:
    """Stored publications: signed content hashes to the content hash; documents show the columns."""
    found = []
    documents = dict(
        PublicationDocument.objects.filter(publication__article_id__in=article_ids).values_list(
            "publication_id", "json"
        )
    )
    for publication in publications:

        def broken(reason: str, publication=publication) -> BrokenEntry:
            return BrokenEntry(
                publication.article_id, None, AuditKind.PUBLICATION, str(publication.pk), reason
            )

        if publication.signed_content is not None:
            digest = hashlib.sha256(publication.signed_content.encode("utf-8")).hexdigest()
            if digest != publication.content_hash:
                found.append(broken("the signed content does not hash to the content hash"))
        document = documents.get(publication.pk)
        if document is not None:
            shown = json.loads(document)
            if any(
                shown.get(name) != getattr(publication, name) for name in ("title", "summary", "body_html")
            ):
                found.append(broken("the stored public document differs from the publication"))
    return found


def verify_articles(article_ids: list[int]) -> Verification:
    """Verify the chains and publications of ``article_ids``; broken entries in article order."""
    result = Verification(articles=len(article_ids))
    rows = AuditEntry.objects.filter(article_id__in=article_ids).order_by("article_id", "position")
    links = [Link(*row) for row in rows.values_list(*Link._fields)]
    result.entries = len(links)
    records = _load_records(article_ids, links)
    by_article: dict[int, list[Link]] = {article_id: [] for article_id in article_ids}
    for link in links:
        by_article[link.article_id].append(link)
    broken = [_check_chain(article_id, chain, records.by_key) for article_id, chain in by_article.items()]
    found = [b for b in broken if b] + _unchained(records, links)
    found += _check_publications(article_ids, records.publications)
    # Per article: the chain's own breaks first, in chain order, then records outside it.
    result.broken = sorted(found, key=lambda b: (b.article_id, b.position is None, b.position or 0))
    return result


def verify_article(article: Article) -> Verification:
    return verify_articles([article.pk])


def verify_all(*, batch_size: int = 500) -> Iterator[Verification]:
    """Verify every article's chain, a batch of articles at a time (one ``Verification`` each)."""
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        yield verify_articles(ids[start : start + batch_size])


def verify_everything(
    *, batch_size: int = 500, progress: Callable[[Verification], None] | None = None
) -> Verification:
    """Verify every chain and stored publication; ``progress`` hears each batch as it is done."""
    total = Verification()
    for batch in verify_all(batch_size=batch_size):
        total.articles += batch.articles
        total.entries += batch.entries
        total.broken += batch.broken
        if progress is not None:
            progress(batch)
    return total


def article_count() -> int:
    return Article.objects.count()


def chain_length(article: Article) -> int:
    return AuditEntry.objects.filter(article=article).aggregate(n=Max("position"))["n"] or 0
