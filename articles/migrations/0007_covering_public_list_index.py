"""The public list index also holds superseded_at, so that SQLite reads only the index to count."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_retraction_date_invariant"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="publication",
            name="publication_list_idx",
        ),
        migrations.AddIndex(
            model_name="publication",
            index=models.Index(
                condition=models.Q(("superseded_at__isnull", True)),
                fields=["-last_reviewed_at", "-id", "article", "superseded_at"],
                name="publication_list_idx",
            ),
        ),
    ]
