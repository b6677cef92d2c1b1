"""A read replica for the public side: public reads answer what the replica holds; the editorial
side and every write use the primary (``editorial.db.replica``).

The replica here is a second database alias, a copy of the test database made on demand
(``replicate``): on SQLite a second file, on PostgreSQL a second database. Until it is copied
again it lags, as a real replica may.
"""

from __future__ import annotations

import os
import tempfile

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from editorial.db.replica import REPLICA
from reviews import workflow

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


def replicate() -> None:
    """Make the replica an exact copy of the primary as it is now."""
    primary, replica = connections["default"], connections[REPLICA]
    replica.close()
    name = replica.settings_dict["NAME"]
    if primary.vendor == "sqlite":
        if os.path.exists(name):
            os.remove(name)
        with primary.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [name])
        return
    primary.close()  # a template database must have no other connection
    with primary._nodb_cursor() as cursor:
        quoted = primary.ops.quote_name
        # Nor one left by an earlier test's thread or process (a live server, a worker).
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [primary.settings_dict["NAME"]],
        )
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted(name)}")
        cursor.execute(f"CREATE DATABASE {quoted(name)} TEMPLATE {quoted(primary.settings_dict['NAME'])}")


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """The ``replica`` alias, as ``DATABASE_REPLICA_URL`` would add it, for this module's tests."""
    primary = connections["default"].settings_dict
    if connections["default"].vendor == "sqlite":
        name = os.path.join(tempfile.mkdtemp(prefix="editorial-replica-"), "replica.sqlite3")
    else:
        name = f"{primary['NAME']}_replica"
    connections.settings[REPLICA] = {**primary, "NAME": name, "TEST": {**primary["TEST"], "NAME": name, "MIRROR": None}}
    try:
        with django_db_blocker.unblock():
            replicate()
        yield
    finally:
        # Even when the copy failed: no later module may find a replica alias it did not ask for.
        with django_db_blocker.unblock():
            connections[REPLICA].close()
            if connections["default"].vendor == "sqlite":
                if os.path.exists(name):
                    os.remove(name)
            else:
                with connections["default"]._nodb_cursor() as cursor:
                    cursor.execute(f"DROP DATABASE IF EXISTS {connections['default'].ops.quote_name(name)}")
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture(autouse=True)
def _fresh_at_once(settings):
    # The content version is read again on every request: what is served follows the replica.
    settings.PUBLIC_FRESHNESS_SECONDS = 0


def test_a_public_read_answers_what_the_replica_holds(client, publish, editor):
    article = publish()
    detail = f"/api/v1/articles/{article.slug}/"

    # Published on the primary, not yet on the replica.
    assert client.get(detail).status_code == 404
    assert client.get("/api/v1/articles/").json()["count"] == 0
    client.force_login(editor)
    assert client.get(f"/api/v1/editorial/articles/{article.pk}/").status_code == 200

    replicate()
    assert client.get(detail).json()["title"] == article.title
    assert client.get(f"/articles/{article.slug}/").status_code == 200
    assert client.get("/api/v1/articles/").json()["count"] == 1


def test_a_public_read_queries_only_the_replica(client, publish):
    article = publish()
    replicate()

    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
    ):
        assert client.get(f"/api/v1/articles/{article.slug}/").status_code == 200
        assert client.get(f"/articles/{article.slug}/").status_code == 200
        assert client.get(f"/api/v1/articles/?topic={article.topic.slug}").status_code == 200

    assert on_primary.captured_queries == []
    assert on_replica.captured_queries


def test_a_retraction_is_written_to_the_primary_and_served_once_the_replica_has_it(client, publish, editor):
    article = publish()
    replicate()
    detail = f"/api/v1/articles/{article.slug}/"
    assert client.get(detail).status_code == 200

    workflow.retract(actor=editor, article=article, notice="Data could not be verified.")

    # The replica lags: its answer, and the content version it is cached under, are its own.
    assert client.get(detail).status_code == 200
    replicate()
    assert client.get(detail).status_code == 410
