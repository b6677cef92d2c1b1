"""Indexes for public reads: current publications by approval date, and full-text search.

The GIN index exists on PostgreSQL only (SQLite searches with LIKE). It is kept out of the model
state on purpose: as a model index it would be recreated, and fail, whenever SQLite rebuilds the
table. Its expression must stay identical to ``public.listing.search_vector()``;
``tests/public/test_search.py`` checks with EXPLAIN that the planner uses it.
"""

from django.db import migrations, models

SEARCH_INDEX = "publication_search_idx"


def _search_index():
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )
    return GinIndex(vector, name=SEARCH_INDEX, condition=models.Q(superseded_at__isnull=True))


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        publication = apps.get_model("articles", "Publication")
        schema_editor.add_index(publication, _search_index())


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        publication = apps.get_model("articles", "Publication")
        schema_editor.remove_index(publication, _search_index())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="publication",
            index=models.Index(
                condition=models.Q(("superseded_at__isnull", True)),
                fields=["-approved_at"],
                name="publication_approved_idx",
            ),
        ),
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
