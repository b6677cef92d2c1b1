"""Retracted articles carry their retraction date (a check), indexed for the public reads."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_published_citations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("retracted_at__isnull", False)),
                fields=["retracted_at"],
                name="article_retracted_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("retracted_at__isnull", False), ("status", "retracted")),
                    models.Q(
                        models.Q(("status", "retracted"), _negated=True), ("retracted_at__isnull", True)
                    ),
                    _connector="OR",
                ),
                name="article_retracted_iff_dated",
                violation_error_message="An article has a retraction date exactly when it is retracted.",
            ),
        ),
    ]
