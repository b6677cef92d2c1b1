"""Django's SQLite backend, with a flush that lifts the append-only DELETE triggers while it runs.

``flush`` (and the test runner between transactional tests) empties every table with DELETE;
the append-only tables refuse DELETE (``editorial.db.append_only``). Emptying the whole database
is an administrator's act, not an edit of the record, so the flush drops those triggers first
and creates them again, the same, in the same transaction.
"""

from __future__ import annotations

from django.db.backends.sqlite3 import base, operations

from editorial.db.append_only import NO_DELETE_SUFFIX


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements:
            return statements
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s ESCAPE '\\'",
                ["%" + NO_DELETE_SUFFIX.replace("_", "\\_")],
            )
            triggers = cursor.fetchall()
        return (
            [f'DROP TRIGGER "{name}"' for name, _sql in triggers] + statements + [sql for _n, sql in triggers]
        )


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
