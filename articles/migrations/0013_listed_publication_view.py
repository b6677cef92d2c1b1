"""What readers can find, defined once: the view ``articles_listedpublication``.

A publication is listed while it is current (``superseded_at`` empty) and its article is not
retracted (``retracted_at`` empty; retracted articles are excluded by that date rather than by
status, a condition without a parameter, so a prepared plan knows how few rows it selects).
The ORM reads the view through ``ListedPublication``, the public list's hand-written SQL reads
it by name, and on PostgreSQL the triggers that keep ``ListedPublicationCount`` count its rows:
before a change they take away the rows of the view it touches, after it they add them back, so
they hold no definition of their own. Each adds a difference to the one count row, so concurrent
transactions serialise there and none loses another's change. They replace the triggers of
migration 0011, which restated the definition in PL/pgSQL.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

# Migrating back restores the triggers of migration 0011.
previous = importlib.import_module("articles.migrations.0011_listed_publication_count")

VIEW = "articles_listedpublication"
COUNT_TABLE = "articles_listedpublicationcount"
COLUMNS = (
    "id",
    "article_id",
    "slug",
    "title",
    "summary",
    "body",
    "audience",
    "topic_name",
    "topic_slug",
    "authors",
    "approved_at",
    "first_published_at",
    "last_reviewed_at",
    "next_review_due",
)

CREATE_VIEW = f"""
CREATE VIEW {VIEW} AS
SELECT {", ".join(f"p.{column}" for column in COLUMNS)}
FROM articles_publication p
WHERE p.superseded_at IS NULL
  AND p.article_id NOT IN (SELECT a.id FROM articles_article a WHERE a.retracted_at IS NOT NULL)
"""
DROP_VIEW = f"DROP VIEW IF EXISTS {VIEW}"

# The rows of the view that a publication row (by id) or an article row (by the article's
# publications) contributes, before or after the change.
_CONTRIBUTION = f"""
    IF TG_TABLE_NAME = 'articles_publication' THEN
        SELECT COUNT(*) INTO listed FROM {VIEW} WHERE id = changed.id;
    ELSE
        SELECT COUNT(*) INTO listed FROM {VIEW} v
        JOIN articles_publication p ON p.id = v.id WHERE p.article_id = changed.id;
    END IF;
"""

# One statement each: they are sent as prepared statements, which hold a single command.
CREATE_TRIGGERS = (
    f"""
CREATE FUNCTION articles_add_to_listed_count(delta bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- No row means zero (an emptied table); the upsert creates it.
    IF delta <> 0 THEN
        INSERT INTO {COUNT_TABLE} (key, count) VALUES (1, delta)
        ON CONFLICT (key) DO UPDATE SET count = {COUNT_TABLE}.count + EXCLUDED.count;
    END IF;
END
$$
""",
    f"""
CREATE FUNCTION articles_uncount_listed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed record := OLD;
    listed bigint;
BEGIN
    {_CONTRIBUTION}
    PERFORM articles_add_to_listed_count(-listed);
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$
""",
    f"""
CREATE FUNCTION articles_count_listed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed record := NEW;
    listed bigint;
BEGIN
    {_CONTRIBUTION}
    PERFORM articles_add_to_listed_count(listed);
    RETURN NULL;
END
$$
""",
    """
CREATE TRIGGER articles_publication_uncount_listed BEFORE UPDATE OR DELETE ON articles_publication
FOR EACH ROW EXECUTE FUNCTION articles_uncount_listed()
""",
    """
CREATE TRIGGER articles_publication_count_listed AFTER INSERT OR UPDATE ON articles_publication
FOR EACH ROW EXECUTE FUNCTION articles_count_listed()
""",
    """
CREATE TRIGGER articles_article_uncount_listed BEFORE UPDATE ON articles_article
FOR EACH ROW EXECUTE FUNCTION articles_uncount_listed()
""",
    """
CREATE TRIGGER articles_article_count_listed AFTER UPDATE ON articles_article
FOR EACH ROW EXECUTE FUNCTION articles_count_listed()
""",
)

DROP_TRIGGERS = (
    "DROP TRIGGER IF EXISTS articles_article_count_listed ON articles_article",
    "DROP TRIGGER IF EXISTS articles_article_uncount_listed ON articles_article",
    "DROP TRIGGER IF EXISTS articles_publication_count_listed ON articles_publication",
    "DROP TRIGGER IF EXISTS articles_publication_uncount_listed ON articles_publication",
    "DROP FUNCTION IF EXISTS articles_count_listed()",
    "DROP FUNCTION IF EXISTS articles_uncount_listed()",
    "DROP FUNCTION IF EXISTS articles_add_to_listed_count(bigint)",
)

# The triggers and the function of migration 0011.
DROP_OLD_TRIGGERS = (
    "DROP TRIGGER IF EXISTS articles_article_listed_count ON articles_article",
    "DROP TRIGGER IF EXISTS articles_publication_listed_count ON articles_publication",
    "DROP FUNCTION IF EXISTS articles_count_retraction_change()",
    "DROP FUNCTION IF EXISTS articles_count_publication_change()",
    "DROP FUNCTION IF EXISTS articles_publication_listed(articles_publication)",
)

# After the triggers: creating them locks both tables against writes until this migration
# commits, so no change can fall between the count and the first trigger.
RECOUNT = f"""
INSERT INTO {COUNT_TABLE} (key, count) SELECT 1, COUNT(*) FROM {VIEW}
ON CONFLICT (key) DO UPDATE SET count = EXCLUDED.count
"""


def create_view_and_triggers(apps, schema_editor):
    schema_editor.execute(CREATE_VIEW)
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP_OLD_TRIGGERS + CREATE_TRIGGERS:
            schema_editor.execute(statement)
        schema_editor.execute(RECOUNT)


def drop_view_and_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP_TRIGGERS:
            schema_editor.execute(statement)
    schema_editor.execute(DROP_VIEW)
    if schema_editor.connection.vendor == "postgresql":
        for statement in previous.CREATE_TRIGGERS:
            schema_editor.execute(statement)
        schema_editor.execute(f"DELETE FROM {COUNT_TABLE}")
        schema_editor.execute(previous.INITIAL_COUNT)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_public_topics_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListedPublication",
            fields=[
                ("slug", models.SlugField(max_length=255, verbose_name="slug")),
                ("title", models.CharField(max_length=255, verbose_name="title")),
                ("summary", models.TextField(blank=True, verbose_name="summary")),
                ("body", models.TextField(verbose_name="body (Markdown)")),
                (
                    "audience",
                    models.CharField(
                        choices=[("patient", "Patient"), ("professional", "Professional")],
                        max_length=20,
                        verbose_name="audience",
                    ),
                ),
                ("topic_name", models.CharField(max_length=120, verbose_name="topic")),
                ("topic_slug", models.SlugField(max_length=120, verbose_name="topic slug")),
                ("authors", models.JSONField(default=list, verbose_name="authors")),
                ("approved_at", models.DateTimeField(verbose_name="approved at")),
                ("first_published_at", models.DateTimeField(verbose_name="first published")),
                ("last_reviewed_at", models.DateTimeField(verbose_name="last reviewed")),
                ("next_review_due", models.DateField(verbose_name="next review due")),
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "verbose_name": "listed publication",
                "verbose_name_plural": "listed publications",
                "db_table": "articles_listedpublication",
                "managed": False,
            },
        ),
        migrations.RunPython(create_view_and_triggers, drop_view_and_triggers, elidable=False),
    ]
