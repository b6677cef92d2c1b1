"""Bookmarks in the public list: where every 250th row of a listing lies, so that a page
asked for by number starts near its first row.

A page by number (``?page=1800``) made the database step over every row before it: at 100,000
articles, 36,000 of them for each request of one page halfway down the list. A listing's
bookmarks (the ordering's values of its rows 250, 500, …) are read in one pass over the whole
listing the first time a page that deep is asked for, and kept in this process's memory (the
``local`` cache) under the content version (``public.freshness``): the next pages start after
the nearest bookmark (a keyset, as a ``next`` link does) and step over fewer than ``EVERY``
rows. They belong to the list as its kept counts do, not to the response cache: a deployment
without one keeps them too.

A change to what the public sees makes a new version, so the bookmarks are read again when a deep
page is next asked for; until the process sees it (``PUBLIC_FRESHNESS_SECONDS``), a page may
start where the old list had that row, as a stored response of that version may.
"""

from __future__ import annotations

import functools
import hashlib

from django.core.cache import caches

from articles.models import ListedPublication
from public.freshness import LOCAL_CACHE, content_version
from public.positions import Position, order_sql, ordering_columns
from public.sql import aware, fetch

EVERY = 250  # rows from one bookmark to the next: the most a page by number steps over

# A listing's filters may be as many as its visitors' moments ("updated since"): its bookmarks
# leave the cache an hour after they were read, whatever the version.
KEPT_SECONDS = 3600

# Every ``EVERY``-th row of the listing, in one pass over it (``%%``: the modulo operator, escaped
# from the parameters' style).
_BOOKMARKS_SQL = """
    SELECT {columns} FROM (
        SELECT {columns}, ROW_NUMBER() OVER (ORDER BY {order}) AS bookmark_row
        FROM {listed} listed
        WHERE {where}
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

    def before(self, offset: int) -> tuple[Position | None, int]:
        """The bookmark nearest before the row at ``offset`` (``None``: the start of the list) and
        how many rows lie from it to that row. Past the end of the list, the last bookmark (or the
        start) and ``EVERY``: fewer rows than that follow it, so the page read is empty."""
        wanted = offset // EVERY
        marks = self._marks() if wanted else []
        found = min(wanted, len(marks))
        skip = offset - found * EVERY if found == wanted else EVERY
        return (Position(self.ordering, marks[found - 1]) if found else None), skip

    def _marks(self) -> list[list]:
        """The listing's bookmarks in this version, read when there are none."""
        cache = caches[LOCAL_CACHE]
        version = content_version()
        kept = cache.get(self.key)
        if kept is not None and kept[0] == version:
            return kept[1]
        sql = _bookmarks_sql(self.conditions, self.ordering, every=EVERY)
        marks = [[aware(value) for value in row] for row in fetch(sql, self.params)]
        cache.set(self.key, (version, marks), KEPT_SECONDS)
        return marks


@functools.lru_cache(maxsize=64)
def _bookmarks_sql(conditions: tuple, ordering: tuple[str, ...], *, every: int) -> str:
    columns = ", ".join(f"listed.{field.column}" for field in ordering_columns(ordering))
    return _BOOKMARKS_SQL.format(
        columns=columns,
        order=order_sql(ordering, "listed"),
        listed=ListedPublication._meta.db_table,
        where=" AND ".join(conditions) or "1 = 1",
        every=every,
    )
