"""The count triggers on articles run only when an article's retraction date changes.

Whether an article's publications are listed depends on the article through ``retracted_at``
alone (the view of migration 0013), yet its triggers counted the article's listed publications
before and after every save, each time reading every retracted article (the view's ``NOT IN``):
every workflow step cost more the more articles had ever been retracted, 1.3 ms per trigger at
15,000 articles. A ``WHEN`` condition leaves every other update alone; the view stays the one
definition of what is listed.
"""

from django.db import migrations

ARTICLE_TRIGGERS = (
    ("articles_article_uncount_listed", "BEFORE", "articles_uncount_listed"),
    ("articles_article_count_listed", "AFTER", "articles_count_listed"),
)


def _create(when: str) -> list[str]:
    return [
        f"""
CREATE TRIGGER {name} {moment} UPDATE ON articles_article
FOR EACH ROW {when} EXECUTE FUNCTION {function}()
"""
        for name, moment, function in ARTICLE_TRIGGERS
    ]


DROP = [f"DROP TRIGGER IF EXISTS {name} ON articles_article" for name, _, _ in ARTICLE_TRIGGERS]


def only_on_retraction(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP + _create("WHEN (OLD.retracted_at IS DISTINCT FROM NEW.retracted_at)"):
            schema_editor.execute(statement)


def on_every_update(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP + _create(""):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_source_library_indexes"),
    ]

    operations = [migrations.RunPython(only_on_retraction, on_every_update)]
