"""Triggers that make a table append-only in the database, on PostgreSQL and SQLite alike.

The models refuse changes through the ORM (``ImmutableModel``); these refuse them on every other
path (raw SQL, a shell, another service). ``only_column`` leaves one column that may be set once
from NULL (a publication's ``superseded_at``). Migrations call ``install`` and ``remove``.

On SQLite, Django's test flush empties tables with DELETE; ``editorial.db.sqlite3`` lifts the
``*_no_delete`` triggers around a flush and puts them back. PostgreSQL flushes with TRUNCATE,
which row triggers do not see.
"""

from __future__ import annotations

NO_DELETE_SUFFIX = "_no_delete"


def _pg_function(table: str, only_column: str | None) -> str:
    refuse = (
        "RAISE EXCEPTION '%% rows are append-only: %% refused', TG_TABLE_NAME, TG_OP "
        "USING ERRCODE = 'integrity_constraint_violation';"
    )
    if only_column is None:
        return f"BEGIN {refuse} END;"
    allowed = (
        f"TG_OP = 'UPDATE' AND OLD.{only_column} IS NULL AND NEW.{only_column} IS NOT NULL "
        f"AND (to_jsonb(NEW) - '{only_column}') = (to_jsonb(OLD) - '{only_column}')"
    )
    return f"BEGIN IF {allowed} THEN RETURN NEW; END IF; {refuse} END;"


def _sqlite_columns(cursor, table: str) -> list[str]:
    cursor.execute(f'PRAGMA table_info("{table}")')
    return [row[1] for row in cursor.fetchall()]


def install(schema_editor, table: str, *, only_column: str | None = None) -> None:
    """Refuse UPDATE and DELETE on ``table`` (UPDATE of ``only_column`` from NULL excepted)."""
    remove(schema_editor, table)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
            {_pg_function(table, only_column)}
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
            """
        )
        return
    condition = ""
    if only_column is not None:
        with schema_editor.connection.cursor() as cursor:
            others = [name for name in _sqlite_columns(cursor, table) if name != only_column]
        changed = " OR ".join(f'NEW."{name}" IS NOT OLD."{name}"' for name in others)
        condition = f'WHEN OLD."{only_column}" IS NOT NULL OR NEW."{only_column}" IS NULL OR {changed}'
    schema_editor.execute(
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} {condition} "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only: UPDATE refused'); END;"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {table}{NO_DELETE_SUFFIX} BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only: DELETE refused'); END;"
    )


def remove(schema_editor, table: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_append_only();")
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}{NO_DELETE_SUFFIX};")


def trigger_names(vendor: str, table: str) -> set[str]:
    if vendor == "postgresql":
        return {f"{table}_append_only"}
    return {f"{table}_no_update", f"{table}{NO_DELETE_SUFFIX}"}
