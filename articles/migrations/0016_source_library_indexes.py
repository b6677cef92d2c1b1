"""Indexes for the source library page: its latest additions, and its search on PostgreSQL.

The search (``reviews.selectors.search_sources``) matches a query anywhere in a source's key,
title, authors, journal or DOI (``icontains``: ``UPPER(column::text) LIKE UPPER('%...%')``). On
PostgreSQL each of those expressions has a trigram GIN index (``pg_trgm``), so a search reads
the matching rows instead of every source of the library. Like the full-text index of 0002,
they are kept out of the model state: SQLite has no such index, and searches its file. Their
expressions must stay the ones Django writes for ``icontains``; figures in bench/README.md.
"""

from django.db import migrations, models

SEARCHED = ("key", "title", "authors", "container_title", "doi")


def _trigram_index(column: str) -> str:
    return (
        f"CREATE INDEX IF NOT EXISTS source_{column}_trgm_idx ON articles_source "
        f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
    )


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in SEARCHED:
            schema_editor.execute(_trigram_index(column))


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in SEARCHED:
            schema_editor.execute(f"DROP INDEX IF EXISTS source_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_latest_revision_and_recently_changed_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="source",
            index=models.Index(fields=["-created_at", "key"], name="source_recent_idx"),
        ),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
