"""Read replicas for the public side: public reads go to ``replica``, everything else to ``default``.

``DATABASE_REPLICA_URL`` adds the ``replica`` alias (``editorial/settings.py``). A public read
(what ``public.middleware.PublicReadMiddleware`` answers) runs inside ``public_reads()``: its
ORM reads are routed there by ``PublicReplicaRouter``, and its hand-written SQL asks
``read_alias()`` (``public.sql``). Writes, and every read of the editorial side, the admin, the
workers and the commands, go to ``default``, so a transition always reads what it locked.

The content version a stored public response is checked against is read from the same alias as
the response's content (``public.freshness``): the notes behind it are written in the change's
own transaction on ``default`` and reach the replica with it, so a response rendered from a
lagging replica is tagged with that replica's version, never with a newer one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_public_read: ContextVar[bool] = ContextVar("public_read", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def public_reads() -> Iterator[None]:
    """Within this block, reads go to the replica when one is configured."""
    token = _public_read.set(True)
    try:
        yield
    finally:
        _public_read.reset(token)


def read_alias() -> str:
    """The database alias a read made now goes to."""
    return REPLICA if _public_read.get() and replica_configured() else DEFAULT_DB_ALIAS


class PublicReplicaRouter:
    """``DATABASE_ROUTERS``: public reads to the replica; writes, and all else, to ``default``."""

    def db_for_read(self, model, **hints) -> str | None:
        alias = read_alias()
        return alias if alias == REPLICA else None

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica is a copy of default: an object read from either relates to the other's.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # A replica receives the schema from its primary; it is never migrated itself.
        return db != REPLICA
