"""A covering index for the public list's default order (newest review first)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_source_notices"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="publication",
            index=models.Index(
                condition=models.Q(("superseded_at__isnull", True)),
                fields=["-last_reviewed_at", "-id", "article"],
                name="publication_list_idx",
            ),
        ),
    ]
