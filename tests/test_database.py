"""The PostgreSQL backend's health check: a dead connection is replaced, a live one costs nothing.

Each request checks its reused connection before its first query (``CONN_HEALTH_CHECKS``). A
connection the server closed while it sat idle (a restart, ``pg_terminate_backend``) must be
replaced without failing the request; a live one must not cost a round trip to the server.
"""

from __future__ import annotations

import select

import psycopg
import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _start_of_request() -> None:
    # What ``close_old_connections`` does when a request starts (Django's test client skips it).
    connection.close_if_unusable_or_obsolete()


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _terminate(pid: int) -> None:
    """End the server's side of the connection, as a restart does, and wait until it has."""
    socket = connection.connection.pgconn.socket
    params = connection.get_connection_params()
    with psycopg.connect(**{**params, "autocommit": True}) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    waiting = select.poll()
    waiting.register(socket, select.POLLIN)
    assert waiting.poll(5000), "the server did not close the connection"


def test_the_backend_is_ours_with_health_checks_on():
    assert connection.settings_dict["ENGINE"] == "editorial.db.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_connection_the_server_closed_is_replaced_before_the_first_query():
    old_pid = _backend_pid()
    _terminate(old_pid)

    _start_of_request()
    new_pid = _backend_pid()

    assert new_pid != old_pid
    assert connection.errors_occurred is False


def test_a_live_connection_is_checked_without_asking_the_server(monkeypatch):
    pid = _backend_pid()
    sent = []
    raw = connection.connection
    monkeypatch.setattr(raw, "cursor", lambda *a, **k: sent.append("cursor") or type(raw).cursor(raw, *a, **k))
    monkeypatch.setattr(raw, "execute", lambda *a, **k: sent.append("execute") or type(raw).execute(raw, *a, **k))

    _start_of_request()
    connection.close_if_health_check_failed()

    assert connection.health_check_done is True
    assert sent == []
    monkeypatch.undo()
    assert _backend_pid() == pid


def test_a_closed_connection_is_not_usable():
    _backend_pid()
    connection.connection.close()

    assert connection.is_usable() is False
    connection.close()


def test_a_connection_left_in_a_failed_transaction_is_not_usable():
    _backend_pid()
    raw = connection.connection
    raw.autocommit = False
    with pytest.raises(psycopg.errors.DivisionByZero):
        raw.execute("SELECT 1 / 0")

    assert connection.is_usable() is False
    raw.rollback()
    raw.autocommit = True
