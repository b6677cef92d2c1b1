"""Content hash version 2: the hash covers each cited source's printed reference.

Every article is re-hashed under version 2. Sign-offs made under version 1 keep their hash and
their version and count only against a version-1 hash, so an article under review needs its
approvals again; live publications stay exactly as signed, under version 1 (their
``signed_content`` stays empty). See docs/architecture.md, "Binding sign-offs to content".

On SQLite the article's column is added with ALTER TABLE, not by rebuilding the table: a rebuild
would drop the triggers other migrations put on ``articles_article``.
"""

from django.db import migrations, models

from articles.hashing import hash_document, signed_content
from articles.rendering import find_citation_keys


def version_field(default):
    return models.PositiveSmallIntegerField(
        default=default,
        editable=False,
        help_text="The definition the content hash was made under (articles.hashing).",
        verbose_name="content hash version",
    )


def add_article_column(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            'ALTER TABLE "articles_article" ADD COLUMN "content_hash_version" smallint unsigned '
            'NOT NULL DEFAULT 1 CHECK ("content_hash_version" >= 0)'
        )
        return
    Article = apps.get_model("articles", "Article")
    field = version_field(1)
    field.set_attributes_from_name("content_hash_version")
    schema_editor.add_field(Article, field)


def drop_article_column(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    schema_editor.remove_field(Article, Article._meta.get_field("content_hash_version"))


def rehash_articles(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Source = apps.get_model("articles", "Source")
    for article in Article.objects.select_related("topic").iterator(chunk_size=500):
        keys = find_citation_keys(article.body)
        by_key = Source.objects.in_bulk(keys, field_name="key") if keys else {}
        document = signed_content(
            title=article.title,
            summary=article.summary,
            body=article.body,
            audience=article.audience,
            topic=article.topic.slug,
            cited=[by_key[key] for key in keys if key in by_key],
            unresolved=[key for key in keys if key not in by_key],
        )
        Article.objects.filter(pk=article.pk).update(
            content_hash=hash_document(document), content_hash_version=2
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0022_retraction_watch_sync")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="article", name="content_hash_version", field=version_field(2)
                ),
            ],
            database_operations=[migrations.RunPython(add_article_column, drop_article_column)],
        ),
        # Existing revisions were hashed under version 1; new ones are made under version 2.
        migrations.AddField(
            model_name="historicalarticle", name="content_hash_version", field=version_field(1)
        ),
        migrations.AlterField(
            model_name="historicalarticle", name="content_hash_version", field=version_field(2)
        ),
        migrations.AddField(
            model_name="publication",
            name="signed_content",
            field=models.TextField(
                blank=True,
                help_text="The canonical JSON the content hash was taken of (articles.hashing); empty for "
                "publications made under hash version 1.",
                null=True,
                verbose_name="signed content",
            ),
        ),
        migrations.RunPython(rehash_articles, migrations.RunPython.noop),
    ]
