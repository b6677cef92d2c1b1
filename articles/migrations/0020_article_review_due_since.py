"""Articles note when they were sent back to the board, so readers are told it as a date.

Articles already under re-review take their last change as that date (the closest the rows say).
"""

from django.db import migrations, models
from django.db.models import F


def date_current_rereviews(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(status="review_due", review_due_since__isnull=True).update(review_due_since=F("updated_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0019_source_publication_type'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='review_due_since',
            field=models.DateTimeField(blank=True, help_text='When the article was last sent back to the board for re-review.', null=True, verbose_name='under re-review since'),
        ),
        migrations.AddField(
            model_name='historicalarticle',
            name='review_due_since',
            field=models.DateTimeField(blank=True, help_text='When the article was last sent back to the board for re-review.', null=True, verbose_name='under re-review since'),
        ),
        migrations.RunPython(date_current_rereviews, migrations.RunPython.noop, elidable=False),
    ]
