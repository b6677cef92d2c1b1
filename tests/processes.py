"""For tests that need a real second process (a worker, a command, another web process).

A second process sees only what this test commits, in a database it can open: ``shared_database``
gives one and its ``DATABASE_URL``.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, connections


def _postgres_url(settings_dict: dict) -> str:
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or "5432"
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture
def shared_database(tmp_path, django_db_blocker):
    """A database this test and a second process both see; yields its ``DATABASE_URL`` for it.

    On PostgreSQL that is pytest-django's test database, where this test commits for real.
    pytest-django's SQLite test database lives in this process's memory, out of its reach,
    so on SQLite this process's connection moves to a migrated file database for the test.
    """
    if connection.vendor == "postgresql":
        yield _postgres_url(connection.settings_dict)
        return
    path = tmp_path / "shared.sqlite3"
    in_memory = connections["default"]
    on_file = in_memory.__class__({**in_memory.settings_dict, "NAME": str(path)}, "default")
    with django_db_blocker.unblock():
        connections["default"] = on_file
        ContentType.objects.clear_cache()
        try:
            call_command("migrate", verbosity=0)
            yield f"sqlite:///{path}"
        finally:
            on_file.close()
            connections["default"] = in_memory
            ContentType.objects.clear_cache()
