"""The public list's count, kept by PostgreSQL triggers (``ListedPublicationCount``).

Counting the live publications was a third of the database's time on an uncached list page,
and it grows with the site. Triggers keep the count in the transaction that changes what it
counts, by whatever path (the workflow, the admin, a shell), and add a difference to it rather
than count again, so concurrent transactions serialise on the one row and none loses another's
change.

A publication is listed while it is current (``superseded_at`` empty) and its article is not
retracted (``retracted_at`` empty), as ``selectors.listed_publications`` says; an article missing
counts as not retracted, as there. On SQLite nothing is created: the list counts its rows.
"""

from django.db import migrations, models

COUNT_TABLE = "articles_listedpublicationcount"

# Add ``delta`` to the count, creating its row if there is none (an emptied table counts zero).
_ADD = f"""
    IF delta <> 0 THEN
        INSERT INTO {COUNT_TABLE} (key, count) VALUES (1, delta)
        ON CONFLICT (key) DO UPDATE SET count = {COUNT_TABLE}.count + EXCLUDED.count;
    END IF;
    RETURN NULL;
"""

# One statement each: they are sent as prepared statements, which hold a single command.
CREATE_TRIGGERS = (
    """
CREATE FUNCTION articles_publication_listed(publication articles_publication) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT publication.superseded_at IS NULL AND NOT EXISTS (
        SELECT 1 FROM articles_article a WHERE a.id = publication.article_id AND a.retracted_at IS NOT NULL
    )
$$
""",
    f"""
CREATE FUNCTION articles_count_publication_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    delta bigint := 0;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF articles_publication_listed(OLD) THEN
            delta := delta - 1;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF articles_publication_listed(NEW) THEN
            delta := delta + 1;
        END IF;
    END IF;
    {_ADD}
END
$$
""",
    f"""
CREATE FUNCTION articles_count_retraction_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    delta bigint;
BEGIN
    SELECT COUNT(*) INTO delta FROM articles_publication p
    WHERE p.article_id = NEW.id AND p.superseded_at IS NULL;
    IF NEW.retracted_at IS NOT NULL THEN
        delta := -delta;
    END IF;
    {_ADD}
END
$$
""",
    """
CREATE TRIGGER articles_publication_listed_count
AFTER INSERT OR DELETE OR UPDATE OF superseded_at, article_id ON articles_publication
FOR EACH ROW EXECUTE FUNCTION articles_count_publication_change()
""",
    """
CREATE TRIGGER articles_article_listed_count
AFTER UPDATE OF retracted_at ON articles_article
FOR EACH ROW WHEN ((OLD.retracted_at IS NULL) IS DISTINCT FROM (NEW.retracted_at IS NULL))
EXECUTE FUNCTION articles_count_retraction_change()
""",
)

DROP_TRIGGERS = (
    "DROP TRIGGER IF EXISTS articles_article_listed_count ON articles_article",
    "DROP TRIGGER IF EXISTS articles_publication_listed_count ON articles_publication",
    "DROP FUNCTION IF EXISTS articles_count_retraction_change()",
    "DROP FUNCTION IF EXISTS articles_count_publication_change()",
    "DROP FUNCTION IF EXISTS articles_publication_listed(articles_publication)",
)

# After the triggers: creating them locks both tables against writes until this migration
# commits, so no change can fall between the count and the first trigger.
INITIAL_COUNT = f"""
INSERT INTO {COUNT_TABLE} (key, count)
SELECT 1, COUNT(*) FROM articles_publication p WHERE articles_publication_listed(p)
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE_TRIGGERS:
            schema_editor.execute(statement)
        schema_editor.execute(INITIAL_COUNT)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_publication_document_list_rows"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListedPublicationCount",
            fields=[
                ("key", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("count", models.BigIntegerField(verbose_name="listed publications")),
            ],
            options={
                "verbose_name": "listed publication count",
                "verbose_name_plural": "listed publication counts",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("key", 1)), name="listed_publication_count_one_row")
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
