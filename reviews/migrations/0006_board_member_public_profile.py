"""Board members get a public page (a slug) and an ORCID iD.

Existing members take a slug from their display name. The table is rebuilt on SQLite, so its
content-change triggers are kept (``editorial.db.triggers``).
"""

from django.db import migrations, models
from django.utils.text import slugify

import reviews.orcid
from editorial.db.triggers import keeping_sqlite_triggers


def name_members(apps, schema_editor):
    BoardMember = apps.get_model("reviews", "BoardMember")
    taken = set()
    for member in BoardMember.objects.order_by("pk"):
        base = slugify(member.display_name)[:110] or "member"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        BoardMember.objects.filter(pk=member.pk).update(slug=slug)


ORCID = models.CharField(
    blank=True,
    help_text="e.g. 0000-0002-1825-0097 (checked).",
    max_length=19,
    validators=[reviews.orcid.validate_orcid],
    verbose_name="ORCID iD",
)
SLUG_HELP = "The member's public page: /board/<slug>/."


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_move_drf_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalboardmember",
            name="orcid",
            field=ORCID,
        ),
        migrations.AddField(
            model_name="historicalboardmember",
            name="slug",
            field=models.SlugField(default="", help_text=SLUG_HELP, max_length=120, verbose_name="slug"),
            preserve_default=False,
        ),
        *keeping_sqlite_triggers(
            "reviews_boardmember",
            migrations.AddField(model_name="boardmember", name="orcid", field=ORCID),
            migrations.AddField(
                model_name="boardmember",
                name="slug",
                field=models.SlugField(
                    null=True, db_index=False, max_length=120, verbose_name="slug", help_text=SLUG_HELP
                ),
            ),
            migrations.RunPython(name_members, migrations.RunPython.noop, elidable=False),
            migrations.AlterField(
                model_name="boardmember",
                name="slug",
                field=models.SlugField(help_text=SLUG_HELP, max_length=120, unique=True, verbose_name="slug"),
            ),
        ),
    ]
