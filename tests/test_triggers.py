"""The database triggers the migrations install are all there, on SQLite and on PostgreSQL.

Rules that hold whatever path writes (append-only records, the kept list count, the notes of
content changes) live in triggers. On SQLite, a later migration that rebuilds a table (Django's
way of altering most columns there) drops that table's triggers without a word; this test is
where that shows.
"""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

content_changes = importlib.import_module("public.migrations.0001_content_changes")


def installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def expected_triggers() -> set[str]:
    if connection.vendor == "postgresql":
        return {
            "reviews_signoff_append_only",
            "reviews_transitionlog_append_only",
            "articles_publication_uncount_listed",
            "articles_publication_count_listed",
            "articles_article_uncount_listed",
            "articles_article_count_listed",
            *(content_changes.trigger_name(table) for table in content_changes.WATCHED),
        }
    return {
        "reviews_signoff_no_update",
        "reviews_transitionlog_no_update",
        *(
            content_changes.trigger_name(table, operation)
            for table in content_changes.WATCHED
            for operation in content_changes.OPERATIONS
        ),
    }


def test_every_trigger_the_migrations_install_is_there():
    missing = expected_triggers() - installed_triggers()

    assert missing == set()
