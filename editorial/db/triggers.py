"""Migrations that rebuild a table on SQLite keep its triggers.

SQLite cannot add a NOT NULL column or a constraint in place: Django copies the table into a new
one and drops the old, and the old table's triggers (the content-change notes of
``public/0001``, the append-only guards) go with it. ``keeping_sqlite_triggers`` wraps such
operations: it reads the table's triggers before and creates again those missing after.
"""

from __future__ import annotations

from django.db import migrations

TRIGGERS_OF = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"


def keeping_sqlite_triggers(table: str, *operations) -> list:
    """``operations`` between a step that notes ``table``'s SQLite triggers and one that restores them."""
    saved: list[tuple[str, str]] = []

    def note(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(TRIGGERS_OF, [table])
            saved[:] = cursor.fetchall()

    def restore(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(TRIGGERS_OF, [table])
            present = {name for name, _sql in cursor.fetchall()}
            for name, sql in saved:
                if name not in present:
                    cursor.execute(sql)

    return [
        migrations.RunPython(note, restore, elidable=False),
        *operations,
        migrations.RunPython(restore, note, elidable=False),
    ]
