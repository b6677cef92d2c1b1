"""The database refuses UPDATE and DELETE on the audit records; chains for the existing ones.

Append-only (``editorial.db.append_only``), on PostgreSQL and SQLite alike: sign-offs, their
signatures, the transition log, the chain itself, source notices, the sources' history and
publications (which may only gain ``superseded_at``). Migration 0002 refused only UPDATE on
SQLite, and 0007 (review rounds) rebuilt the sign-off table there, so every table's triggers are made afresh.

Each existing article then gets its chain: its transition-log entries, sign-offs, round decisions
and publications in the order they happened (each publication after the approval that made it),
then the notices about the sources it cites. Sign-offs made before electronic signatures carry no signature.
"""

import hashlib
import json

from django.db import migrations

from editorial.db import append_only

APPEND_ONLY = (
    "reviews_signoff",
    "reviews_transitionlog",
    "reviews_signature",
    "reviews_auditentry",
    "articles_sourcenotice",
    "articles_historicalsource",
)
SUPERSEDE_ONLY = ("articles_publication", "superseded_at")
GENESIS = "0" * 64


def install_triggers(apps, schema_editor):
    for table in APPEND_ONLY:
        append_only.install(schema_editor, table)
    table, column = SUPERSEDE_ONLY
    append_only.install(schema_editor, table, only_column=column)


def remove_triggers(apps, schema_editor):
    for table in (*APPEND_ONLY, SUPERSEDE_ONLY[0]):
        append_only.remove(schema_editor, table)


def _canonical(kind, record):
    # The canonical forms verification recomputes: reviews.audit's own.
    from reviews import audit

    return {
        "transition": audit.transition_entry,
        "signoff": audit.signoff_entry,
        "publication": audit.publication_entry,
        "source_notice": audit.source_notice_entry,
        "decision": audit.decision_entry,
    }[kind](record)


def build_chains(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    TransitionLog = apps.get_model("reviews", "TransitionLog")
    SignOff = apps.get_model("reviews", "SignOff")
    Publication = apps.get_model("articles", "Publication")
    SourceNotice = apps.get_model("articles", "SourceNotice")
    RoundDecision = apps.get_model("reviews", "RoundDecision")
    AuditEntry = apps.get_model("reviews", "AuditEntry")
    for article in Article.objects.order_by("pk").iterator(chunk_size=500):
        logs = list(TransitionLog.objects.filter(article=article))
        events = [(log.at, 0, "transition", log) for log in logs]
        approvals = sorted(log.at for log in logs if log.action == "approve")
        events += [
            (s.signed_at, 1, "signoff", s)
            for s in SignOff.objects.filter(assignment__round__article=article).select_related("signature")
        ]
        for decision in RoundDecision.objects.filter(article=article):
            decision.signature = None  # decisions are signed from 0011 on; these never were
            events.append((decision.decided_at, 1, "decision", decision))
        # A publication follows the approval that made it (logged just after its approved_at).
        events += [
            (next((at for at in approvals if at >= p.approved_at), p.approved_at), 2, "publication", p)
            for p in Publication.objects.filter(article=article)
        ]
        events.sort(key=lambda event: (event[0], event[1], event[3].pk))
        notices = SourceNotice.objects.filter(source__citations__article=article).order_by("created_at", "pk")
        events += [(n.created_at, 3, "source_notice", n) for n in notices]
        previous, rows = GENESIS, []
        for position, (_at, _order, kind, record) in enumerate(events, start=1):
            payload = json.dumps(
                {
                    "article": article.pk,
                    "position": position,
                    "kind": kind,
                    "record": _canonical(kind, record),
                },
                sort_keys=True,
                ensure_ascii=False,
                separators=(",", ":"),
            )
            digest = hashlib.sha256((previous + payload).encode("utf-8")).hexdigest()
            rows.append(
                AuditEntry(
                    article=article,
                    position=position,
                    kind=kind,
                    record_id=str(record.pk),
                    previous_hash=previous,
                    entry_hash=digest,
                )
            )
            previous = digest
        AuditEntry.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0008_signatures_and_audit_chain"),
        ("articles", "0023_content_hash_v2"),
        ("public", "0001_content_changes"),
    ]

    operations = [
        migrations.RunPython(build_chains, migrations.RunPython.noop),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
