"""Content changes, noted by the database on every table a public page reads.

Each trigger adds a row to ``public_contentchange`` in the transaction of the change, so a
change made by any process (a worker, a command, a second web process, a data fix in SQL) moves
the content version (``public.freshness``) when it commits. PostgreSQL notes a change per
statement; SQLite, which has only row triggers, per row. A migration that rebuilds one of these
tables on SQLite loses its triggers: ``tests/test_database.py`` checks they are all there.
"""

import django.db.models.functions.datetime
from django.db import migrations, models

# The tables whose rows the public pages, the public API and the feed show.
WATCHED = (
    "articles_article",
    "articles_article_authors",
    "articles_publication",
    "articles_publishedcitation",
    "articles_source",
    "articles_sourcenotice",
    "articles_specialty",
    "reviews_boardmember",
    "reviews_boardmember_specialties",
    "reviews_reviewpolicy",
)
OPERATIONS = ("INSERT", "UPDATE", "DELETE")

POSTGRES_FUNCTION = """
CREATE FUNCTION public_note_content_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public_contentchange (at) VALUES (now());
    RETURN NULL;
END
$$
"""


def trigger_name(table: str, operation: str = "") -> str:
    return f"public_change_{table}" + (f"_{operation.lower()}" if operation else "")


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
        for table in WATCHED:
            schema_editor.execute(
                f"CREATE TRIGGER {trigger_name(table)} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION public_note_content_change()"
            )
    elif vendor == "sqlite":
        for table in WATCHED:
            for operation in OPERATIONS:
                schema_editor.execute(
                    f"CREATE TRIGGER {trigger_name(table, operation)} AFTER {operation} ON {table} "
                    "BEGIN INSERT INTO public_contentchange (at) VALUES (CURRENT_TIMESTAMP); END"
                )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in WATCHED:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger_name(table)} ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS public_note_content_change()")
    elif vendor == "sqlite":
        for table in WATCHED:
            for operation in OPERATIONS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger_name(table, operation)}")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0013_listed_publication_view"),
        ("reviews", "0003_notification_preferences_and_reminders"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentChange",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                (
                    "at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(), verbose_name="at"
                    ),
                ),
            ],
            options={
                "verbose_name": "content change",
                "verbose_name_plural": "content changes",
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
