"""A partial index on the retracted sources, which every article page checks its references against."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_covering_public_list_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="source",
            index=models.Index(
                condition=models.Q(("retracted_on__isnull", False)),
                fields=["retracted_on"],
                name="source_retracted_idx",
            ),
        ),
    ]
