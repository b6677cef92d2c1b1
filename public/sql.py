"""Running the public reads' hand-written SQL and loading their rows as the ORM would.

The article page, the API's article and the list page each read one statement, written once in
portable SQL (``public.publications``, ``public.listing``): building and compiling the same
query with the ORM cost more than the database took to answer it.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from datetime import datetime
from typing import Any

from django.db import connection, connections

from editorial.db.replica import read_alias


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


# Columns of the hand-written reads that the ORM would have converted on loading. The adapters
# already give dates and datetimes (SQLite's by declared type, but naive, in the database's time
# zone); JSON arrives as text, and EXISTS as 0 or 1 on SQLite. Other columns are used as they come.
_JSON_COLUMNS = frozenset({"authors", "reviewers", "references"})
_BOOLEAN_COLUMNS = frozenset({"cites_retracted_source"})
_DATETIME_COLUMNS = frozenset(
    {
        "approved_at",
        "created_at",
        "first_published_at",
        "last_modified_at",
        "last_reviewed_at",
        "article_updated_at",
        "retracted_at",
        "review_due_since",
    }
)


def read(row_class, sql: str, params: list) -> list:
    """The rows of a hand-written public read, as ``row_class`` instances loaded as the ORM would.

    The statement selects ``row_class``'s fields in their declared order
    (``tests/public/test_public_sql.py`` checks each statement against its row class): reading the
    column names of every result cost more than building its rows.
    """
    return rows_as(row_class, fetch(sql, params))


def fetch(sql: str, params: list) -> list[tuple]:
    """The rows of a hand-written public read, from the read replica during a public read."""
    with connections[read_alias()].cursor() as cursor:
        if connection.vendor == "postgresql":
            _load_timestamps_natively(cursor)
        cursor.execute(sql, params)
        return cursor.fetchall()


def rows_as(row_class, rows: list[tuple]) -> list:
    conversions = _conversions(row_class, connection.vendor)
    if not conversions:
        return [row_class(*row) for row in rows]
    loaded = []
    for row in rows:
        values = list(row)
        for i, convert in conversions:
            values[i] = convert(values[i])
        loaded.append(row_class(*values))
    return loaded


def read_one(row_class, sql: str, params: list):
    rows = read(row_class, sql, params)
    return rows[0] if rows else None


def _load_timestamps_natively(cursor) -> None:
    # Django loads timestamptz with a Python subclass of psycopg's loader, so psycopg cannot use
    # its C loader, and a list page loads sixty timestamps. psycopg's own loader gives
    # the same moments, aware in the connection's time zone (UTC, set by Django); only this
    # cursor's reads are affected.
    from psycopg.types.datetime import TimestamptzLoader

    cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)


@functools.cache
def _conversions(row_class, vendor: str) -> list[tuple[int, Any]]:
    converters = dict.fromkeys(_JSON_COLUMNS, _json)
    if vendor != "postgresql":
        # psycopg gives booleans, and aware datetimes (``_load_timestamps_natively``).
        converters |= dict.fromkeys(_BOOLEAN_COLUMNS, bool) | dict.fromkeys(_DATETIME_COLUMNS, aware)
    fields = dataclasses.fields(row_class)
    return [(i, converters[field.name]) for i, field in enumerate(fields) if field.name in converters]


def aware(value: Any) -> Any:
    """A naive datetime (SQLite's adapter gives them in the database's time zone) as the moment it
    is; any other value (``None``, a date, a number, an aware datetime) as it is."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=connection.timezone)
    return value

