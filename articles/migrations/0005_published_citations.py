"""Link each publication's numbered references to their library sources (PublishedCitation).

Publications made before this migration are linked by what their snapshot recorded of each
reference: the citation key, else the DOI, else the PMID (a key can have been renamed since).
"""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 1000


def link_published_references(apps, schema_editor):
    Source = apps.get_model("articles", "Source")
    Publication = apps.get_model("articles", "Publication")
    PublishedCitation = apps.get_model("articles", "PublishedCitation")
    by_identifier = {}
    for pk, key, doi, pmid in Source.objects.values_list("pk", "key", "doi", "pmid").iterator():
        by_identifier[("key", key)] = pk
        if doi:
            by_identifier[("doi", doi)] = pk
        if pmid:
            by_identifier[("pmid", pmid)] = pk
    rows = []
    publications = Publication.objects.order_by("pk").values_list("pk", "references")
    for publication_id, references in publications.iterator(chunk_size=BATCH):
        linked = set()
        for reference in references:
            source_id = next(
                (
                    by_identifier[(field, reference[field])]
                    for field in ("key", "doi", "pmid")
                    if reference.get(field) and (field, reference[field]) in by_identifier
                ),
                None,
            )
            if source_id is not None and source_id not in linked:
                linked.add(source_id)
                rows.append(
                    PublishedCitation(
                        publication_id=publication_id, source_id=source_id, number=reference["number"]
                    )
                )
        if len(rows) >= BATCH:
            PublishedCitation.objects.bulk_create(rows)
            rows = []
    PublishedCitation.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_public_list_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublishedCitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(verbose_name="number")),
                (
                    "publication",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="published_citations",
                        to="articles.publication",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="published_citations",
                        to="articles.source",
                    ),
                ),
            ],
            options={
                "verbose_name": "published citation",
                "verbose_name_plural": "published citations",
                "ordering": ["publication", "number"],
            },
        ),
        migrations.AddField(
            model_name="publication",
            name="cited_sources",
            field=models.ManyToManyField(
                related_name="publications",
                through="articles.PublishedCitation",
                to="articles.source",
                verbose_name="cited sources",
            ),
        ),
        migrations.AddConstraint(
            model_name="publishedcitation",
            constraint=models.UniqueConstraint(
                fields=("publication", "number"), name="published_citation_number"
            ),
        ),
        migrations.AddConstraint(
            model_name="publishedcitation",
            constraint=models.UniqueConstraint(
                fields=("publication", "source"), name="published_citation_source"
            ),
        ),
        migrations.RunPython(link_published_references, migrations.RunPython.noop),
    ]
