"""Django's PostgreSQL backend, with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS``, Django checks a reused connection once per request, before its
first query, by running ``SELECT 1``. A public page reads one statement, so that check was a
second round trip to the server on every request, with its own work on both sides of it.

The check here asks the socket instead. A connection the server has closed (a restart, a
failover that shut the old primary down, ``pg_terminate_backend``, ``idle_session_timeout``)
has the server's farewell and end-of-file waiting on its socket; a healthy idle connection has
nothing to read. Only when something is waiting does the check fall back to Django's
``SELECT 1``, which then tells a dead connection from a stray notice. What neither check can see
quickly is a peer that vanished without closing (a host powered off): ``SELECT 1`` would wait
for TCP's timeouts just as the request's own query does.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        idle = connection.info.transaction_status == pq.TransactionStatus.IDLE
        if idle and not _input_waiting(connection.pgconn.socket):
            return True
        # Something to read, or a transaction left open (perhaps failed): SELECT 1 decides.
        return super().is_usable()


def _input_waiting(socket: int) -> bool:
    """True when the idle connection's socket has something to read, or is closed."""
    waiting = select.poll()
    waiting.register(socket, select.POLLIN)
    return bool(waiting.poll(0))
