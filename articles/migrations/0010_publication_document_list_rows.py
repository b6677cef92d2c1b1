from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_publication_documents"),
    ]

    # Documents rendered before this have no list row; the code that adds it also changes the
    # document format, so render_public_documents renders every one again after migrating (a
    # request never serves a document of another format).
    operations = [
        migrations.AddField(
            model_name="publicationdocument",
            name="list_row",
            field=models.TextField(default="", verbose_name="list row JSON"),
            preserve_default=False,
        ),
    ]
