"""Bookmarks in the public list: where every 250th row of a listing lies, so that a page
asked for by number starts near its first row.

A page by number (``?page=1800``) made the database step over every row before it: at 100,000
articles, 36,000 of them for each request of one page halfway down the list. A listing's
bookmarks (the ordering's values of its rows 250, 500, …) are read in one pass the first time
a page that deep is asked for, and kept in this process's memory (the ``local`` cache) under the
content version (``public.freshness``): the next pages start after the nearest bookmark (a
keyset, as a ``next`` link does) and step over fewer than ``EVERY`` rows. They belong to the list
as its kept counts do, not to the response cache: a deployment without one keeps them too.

A change to what the public sees makes a new version, so the bookmarks are read again when a deep
page is next asked for; until the process sees it (``PUBLIC_FRESHNESS_SECONDS``), a page may
start where the old list had that row, as a stored response of that version may.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime

from django.core.cache import caches
from django.db import connection

from articles.models import ListedPublication
from public.freshness import LOCAL_CACHE, content_version
from public.positions import Position, after_sql, order_sql, ordering_columns
from public.sql import fetch

EVERY = 250  # rows from one bookmark to the next: the most a page by number steps over

# A listing's filters may be as many as its visitors' moments ("updated since"): its bookmarks
# leave the cache an hour after they were last extended, whatever the version.
KEPT_SECONDS = 3600

# Every ``EVERY``-th row after a position (or from the start), up to a number of rows, in one
# pass over the list index (``%%``: the modulo operator, escaped from the parameters' style).
_BOOKMARKS_SQL = """
    SELECT {columns} FROM (
        SELECT {columns}, ROW_NUMBER() OVER (ORDER BY {order}) AS bookmark_row
        FROM {listed} listed
        WHERE {where}
        ORDER BY {order}
        LIMIT %s
    ) listed
    WHERE listed.bookmark_row %% {every:d} = 0
    ORDER BY listed.bookmark_row
"""


class Bookmarks:
    """The bookmarks of one listing: its filter ``conditions`` (SQL on ``listed``) with their
    ``params``, in ``ordering``."""

    def __init__(self, conditions: tuple[str, ...], params: list, ordering: tuple[str, ...]):
        self.conditions, self.params, self.ordering = conditions, params, ordering
        listing = repr((conditions, params, ordering)).encode()
        self.key = f"public:list-bookmarks:{hashlib.sha256(listing).hexdigest()[:40]}"

    def before(self, offset: int) -> tuple[Position, int] | None:
        """The bookmark nearest before the row at ``offset`` and how many rows lie from it to that
        row; ``None`` when the row is within the first ``EVERY``. Past the end of the list, the
        last bookmark (the page read from it is empty, at the cost of fewer than ``EVERY`` rows)."""
        wanted = offset // EVERY
        if wanted == 0:
            return None
        marks = self._marks(wanted)
        found = min(wanted, len(marks))
        if found == 0:
            return None
        return Position(self.ordering, marks[found - 1]), offset - found * EVERY

    def _marks(self, wanted: int) -> list[list]:
        """At least ``wanted`` bookmarks of this version, or all the list has; read on from the
        last one kept when there are fewer."""
        cache = caches[LOCAL_CACHE]
        version = content_version()
        kept = cache.get(self.key)
        marks, complete = kept[1:] if kept is not None and kept[0] == version else ([], False)
        if len(marks) < wanted and not complete:
            more = self._read(marks[-1] if marks else None, wanted - len(marks))
            complete = len(more) < wanted - len(marks)
            marks = marks + more
            cache.set(self.key, (version, marks, complete), KEPT_SECONDS)
        return marks

    def _read(self, after: list | None, count: int) -> list[list]:
        """``count`` bookmarks (fewer at the end of the list) from ``after``, or from the start."""
        sql = _bookmarks_sql(self.conditions, self.ordering, keyset=after is not None, every=EVERY)
        keyset = Position(self.ordering, after).database_values() if after is not None else []
        rows = fetch(sql, [*self.params, *keyset, count * EVERY])
        return [[_aware(value) for value in row] for row in rows]


@functools.lru_cache(maxsize=64)
def _bookmarks_sql(conditions: tuple, ordering: tuple[str, ...], *, keyset: bool, every: int) -> str:
    where = " AND ".join([*conditions, *([after_sql(ordering)] if keyset else [])]) or "1 = 1"
    columns = ", ".join(f"listed.{field.column}" for field in ordering_columns(ordering))
    return _BOOKMARKS_SQL.format(
        columns=columns,
        order=order_sql(ordering, "listed"),
        listed=ListedPublication._meta.db_table,
        where=where,
        every=every,
    )


def _aware(value):
    # SQLite's adapter gives naive datetimes in the database's time zone; a position holds moments.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=connection.timezone)
    return value
