"""The listed view excludes retracted articles with ``NOT EXISTS`` instead of ``NOT IN``.

Same rows. With ``NOT IN (SELECT ... retracted)``, PostgreSQL built the set of every retracted
article for each use of the view, and the count triggers use it for every article saved and
every publication made: each workflow step cost more the more articles had been retracted.
``NOT EXISTS`` is an anti-join, one index lookup per publication read. Figures in
bench/README.md.
"""

import importlib

from django.db import migrations

previous = importlib.import_module("articles.migrations.0013_listed_publication_view")

CREATE_VIEW = f"""
CREATE VIEW {previous.VIEW} AS
SELECT {", ".join(f"p.{column}" for column in previous.COLUMNS)}
FROM articles_publication p
WHERE p.superseded_at IS NULL
  AND NOT EXISTS (
    SELECT 1 FROM articles_article a WHERE a.id = p.article_id AND a.retracted_at IS NOT NULL
  )
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_listed_publication_view"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[previous.DROP_VIEW, CREATE_VIEW],
            reverse_sql=[previous.DROP_VIEW, previous.CREATE_VIEW],
        ),
    ]
