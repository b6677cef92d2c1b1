"""Each topic's count of listed publications, kept by the triggers that keep the list's count.

A topic's list counted its rows on every uncached request: at 100,000 articles, some 9,000 per
topic, most of the page's time (bench/README.md). The triggers of migration 0013 now add each
change's difference to its topic's row of ``ListedTopicCount`` as well as to the list's count,
in the same transaction. They still hold no definition of their own: what they count are the
rows of the view ``articles_listedpublication``, grouped by topic.
"""

import importlib

from django.db import migrations, models

# Migrating back restores the trigger functions of migration 0013.
previous = importlib.import_module("articles.migrations.0013_listed_publication_view")

VIEW = "articles_listedpublication"
TOPIC_TABLE = "articles_listedtopiccount"

# One statement each: they are sent as prepared statements, which hold a single command.
CREATE_FUNCTIONS = (
    f"""
CREATE FUNCTION articles_add_to_topic_count(topic text, delta bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF delta <> 0 THEN
        INSERT INTO {TOPIC_TABLE} (topic_slug, count) VALUES (topic, delta)
        ON CONFLICT (topic_slug) DO UPDATE SET count = {TOPIC_TABLE}.count + EXCLUDED.count;
    END IF;
END
$$
""",
    # The rows of the view that a publication (by id) or an article (by its publications)
    # contributes, by topic, added with ``sign`` to their topics' counts and to the list's.
    f"""
CREATE FUNCTION articles_count_contribution(changed_table text, changed_id bigint, sign integer)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    topic text;
    listed bigint;
    total bigint := 0;
BEGIN
    IF changed_table = 'articles_publication' THEN
        FOR topic, listed IN
            SELECT v.topic_slug, COUNT(*) FROM {VIEW} v WHERE v.id = changed_id GROUP BY v.topic_slug
        LOOP
            PERFORM articles_add_to_topic_count(topic, sign * listed);
            total := total + listed;
        END LOOP;
    ELSE
        FOR topic, listed IN
            SELECT v.topic_slug, COUNT(*) FROM {VIEW} v WHERE v.article_id = changed_id GROUP BY v.topic_slug
        LOOP
            PERFORM articles_add_to_topic_count(topic, sign * listed);
            total := total + listed;
        END LOOP;
    END IF;
    PERFORM articles_add_to_listed_count(sign * total);
END
$$
""",
    """
CREATE OR REPLACE FUNCTION articles_uncount_listed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM articles_count_contribution(TG_TABLE_NAME, OLD.id, -1);
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION articles_count_listed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM articles_count_contribution(TG_TABLE_NAME, NEW.id, 1);
    RETURN NULL;
END
$$
""",
)

# No write may fall between the functions' change and the first count.
LOCK = "LOCK TABLE articles_publication, articles_article IN SHARE ROW EXCLUSIVE MODE"
INITIAL_COUNTS = f"""
INSERT INTO {TOPIC_TABLE} (topic_slug, count)
SELECT v.topic_slug, COUNT(*) FROM {VIEW} v GROUP BY v.topic_slug
"""


def count_by_topic(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(LOCK)
        for statement in CREATE_FUNCTIONS:
            schema_editor.execute(statement)
        schema_editor.execute(INITIAL_COUNTS)


def count_the_list_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # 0013's bodies of the two trigger functions (its first function is unchanged).
        for statement in previous.CREATE_TRIGGERS[1:3]:
            schema_editor.execute(statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
        schema_editor.execute("DROP FUNCTION IF EXISTS articles_count_contribution(text, bigint, integer)")
        schema_editor.execute("DROP FUNCTION IF EXISTS articles_add_to_topic_count(text, bigint)")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0023_content_hash_v2"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListedTopicCount",
            fields=[
                (
                    "topic_slug",
                    models.SlugField(
                        max_length=120, primary_key=True, serialize=False, verbose_name="topic slug"
                    ),
                ),
                ("count", models.BigIntegerField(verbose_name="listed publications")),
            ],
            options={
                "verbose_name": "listed topic count",
                "verbose_name_plural": "listed topic counts",
            },
        ),
        migrations.RunPython(count_by_topic, count_the_list_only),
    ]
