"""Tamper evidence: the database refuses changes, and the hash chain catches what gets past it."""

from __future__ import annotations

import importlib
import itertools
import json

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from rest_framework.test import APIClient

from articles.models import Publication, PublicationDocument
from editorial.db import append_only
from reviews import audit, tasks
from reviews.models import (
    AuditEntry,
    AuditKind,
    Notification,
    NotificationKind,
    Signature,
    SignOff,
    TransitionLog,
)

pytestmark = pytest.mark.django_db

chains_migration = importlib.import_module("reviews.migrations.0009_integrity_triggers_and_chains")
PROTECTED = (*chains_migration.APPEND_ONLY, chains_migration.SUPERSEDE_ONLY[0], "reviews_rounddecision")


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def refused(sql: str, params=()) -> bool:
    try:
        with transaction.atomic():
            raw(sql, params)
    except DatabaseError:
        return True
    return False


def drop_triggers(*tables: str) -> None:
    """What an attacker with database access does first (undone with the test's transaction)."""
    for table in tables:
        for name in append_only.trigger_names(connection.vendor, table):
            raw(
                f"DROP TRIGGER IF EXISTS {name}"
                + (f" ON {table}" if connection.vendor == "postgresql" else "")
            )


def test_a_review_builds_one_chain_in_order(approved):
    kinds = list(
        AuditEntry.objects.filter(article=approved).order_by("position").values_list("kind", flat=True)
    )

    assert kinds == ["transition", "transition", "signoff", "signoff", "decision", "transition", "publication"]
    result = audit.verify_article(approved)
    assert (result.ok, result.entries) == (True, 7)
    entries = list(AuditEntry.objects.filter(article=approved).order_by("position"))
    assert entries[0].previous_hash == audit.GENESIS
    assert all(later.previous_hash == earlier.entry_hash for earlier, later in itertools.pairwise(entries))


def test_the_triggers_of_every_protected_table_are_installed(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        installed = {row[0] for row in cursor.fetchall()}
    for table in PROTECTED:
        assert append_only.trigger_names(connection.vendor, table) <= installed, table


def test_the_database_refuses_updates_and_deletes(approved):
    signoff = SignOff.objects.first()
    log = TransitionLog.objects.first()
    entry = AuditEntry.objects.first()
    signature = Signature.objects.first()

    assert refused("UPDATE reviews_signoff SET comments = 'x' WHERE id = %s", [signoff.pk])
    assert refused("DELETE FROM reviews_signoff WHERE id = %s", [signoff.pk])
    assert refused("UPDATE reviews_transitionlog SET comment = 'x' WHERE id = %s", [log.pk])
    assert refused("DELETE FROM reviews_transitionlog WHERE id = %s", [log.pk])
    assert refused("UPDATE reviews_auditentry SET entry_hash = 'x' WHERE id = %s", [entry.pk])
    assert refused("DELETE FROM reviews_auditentry WHERE id = %s", [entry.pk])
    assert refused(
        "UPDATE reviews_signature SET printed_name = 'x' WHERE id = %s",
        [signature.pk.hex if connection.vendor == "sqlite" else signature.pk],
    )


def test_a_publication_may_only_gain_its_superseded_at(approved):
    publication = Publication.objects.get(article=approved)

    assert refused(
        "UPDATE articles_publication SET body_html = '<p>altered</p>' WHERE id = %s", [publication.pk]
    )
    assert refused("DELETE FROM articles_publication WHERE id = %s", [publication.pk])
    assert not refused(
        "UPDATE articles_publication SET superseded_at = %s WHERE id = %s",
        [publication.approved_at, publication.pk],
    )
    assert refused("UPDATE articles_publication SET superseded_at = NULL WHERE id = %s", [publication.pk])


def test_a_changed_log_entry_is_caught_by_the_command_and_the_api(approved, editor):
    drop_triggers("reviews_transitionlog")
    log = TransitionLog.objects.filter(article=approved, action="start_review").get()
    raw("UPDATE reviews_transitionlog SET comment = 'rewritten' WHERE id = %s", [log.pk])

    with pytest.raises(CommandError, match=f"article {approved.pk}, entry 2 \\(transition {log.pk}\\)"):
        call_command("verify_audit", "--no-progress")

    client = APIClient()
    client.force_authenticate(editor)
    body = client.get(f"/api/v1/editorial/articles/{approved.pk}/audit/verify/").json()
    assert body["ok"] is False
    assert body["entries"] == 7
    assert body["first_broken"]["position"] == 2
    assert body["first_broken"]["reason"] == "the record differs from what was chained"


def test_a_deleted_signoff_is_caught(approved):
    drop_triggers("reviews_signoff")
    entry = AuditEntry.objects.filter(article=approved, kind=AuditKind.SIGNOFF).order_by("position").first()
    # The sign-off's own comment goes with it, as an attacker keeping the foreign keys would.
    raw("DELETE FROM reviews_comment WHERE signoff_id = %s", [int(entry.record_id)])
    raw("DELETE FROM reviews_signoff WHERE id = %s", [int(entry.record_id)])

    result = audit.verify_article(approved)

    assert not result.ok
    assert (result.first_broken.position, result.first_broken.reason) == (
        entry.position,
        "the record is missing",
    )


def test_a_removed_link_is_caught(approved):
    drop_triggers("reviews_auditentry")
    entry = AuditEntry.objects.filter(article=approved, kind=AuditKind.SIGNOFF).order_by("position").first()
    raw("DELETE FROM reviews_auditentry WHERE id = %s", [entry.pk])

    result = audit.verify_article(approved)

    assert not result.ok
    assert result.first_broken.position == entry.position + 1


def test_an_edited_stored_publication_is_caught(approved):
    drop_triggers("articles_publication")
    publication = Publication.objects.get(article=approved)
    raw(
        "UPDATE articles_publication SET body_html = '<p>Take twice the dose.</p>' WHERE id = %s",
        [publication.pk],
    )

    result = audit.verify_article(approved)

    assert not result.ok
    assert (result.first_broken.kind, result.first_broken.record_id) == ("publication", str(publication.pk))


def test_an_edited_public_document_is_caught(approved):
    document = PublicationDocument.objects.get(publication__article=approved)
    shown = json.loads(document.json)
    shown["body_html"] = "<p>Take twice the dose.</p>"
    PublicationDocument.objects.filter(pk=document.pk).update(json=json.dumps(shown))

    result = audit.verify_article(approved)

    assert not result.ok
    assert result.first_broken.reason == "the stored public document differs from the publication"


def test_a_record_inserted_behind_the_chain_is_caught(approved):
    drop_triggers("reviews_transitionlog")
    raw(
        "INSERT INTO reviews_transitionlog (article_id, action, from_status, to_status, at, comment, content_hash)"
        " VALUES (%s, 'approve', 'under_review', 'approved', %s, '', '')",
        [approved.pk, approved.last_reviewed_at],
    )

    result = audit.verify_article(approved)

    assert not result.ok
    assert result.first_broken.reason == "the record is not in the chain"


def test_the_command_passes_on_an_intact_trail(approved, capsys):
    call_command("verify_audit", "--no-progress")

    assert "Verified 7 chain entries of 1 article(s)" in capsys.readouterr().out


def test_only_editors_verify_through_the_api(approved, author, editor):
    client = APIClient()
    client.force_authenticate(author)
    assert client.get(f"/api/v1/editorial/articles/{approved.pk}/audit/verify/").status_code == 403
    client.force_authenticate(editor)
    body = client.get(f"/api/v1/editorial/articles/{approved.pk}/audit/verify/").json()
    assert body == {"ok": True, "entries": 7, "first_broken": None}


def test_the_nightly_job_tells_the_editors_when_the_trail_breaks(approved, editor):
    assert tasks.verify_audit_trail()["ok"] is True
    assert not Notification.objects.filter(kind=NotificationKind.AUDIT_FAILED).exists()
    drop_triggers("reviews_signoff")
    raw("UPDATE reviews_signoff SET comments = 'Never read it.' WHERE id = %s", [SignOff.objects.first().pk])

    outcome = tasks.verify_audit_trail()

    assert outcome["ok"] is False
    told = Notification.objects.get(kind=NotificationKind.AUDIT_FAILED)
    assert told.recipient == editor
    assert f"article {approved.pk}" in told.payload["reason"]


def test_the_migration_builds_chains_for_existing_records(approved):
    drop_triggers("reviews_auditentry")
    expected = list(
        AuditEntry.objects.order_by("article_id", "position").values_list("kind", "record_id", "entry_hash")
    )
    raw("DELETE FROM reviews_auditentry")

    chains_migration.build_chains(django_apps, None)

    rebuilt = list(
        AuditEntry.objects.order_by("article_id", "position").values_list("kind", "record_id", "entry_hash")
    )
    assert rebuilt == expected
    assert audit.verify_article(approved).ok
