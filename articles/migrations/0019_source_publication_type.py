"""Sources gain a publication type (how the work was published) beside the evidence type.

Each existing source's publication type is inferred from its stored fields (a journal's name
with a volume, issue, pages or a PMID is a journal article, whatever its design), and the
migration reports how many sources now print differently than the evidence type alone made them.
"""

import sys
from collections import Counter

from django.db import migrations, models

from editorial.db.triggers import keeping_sqlite_triggers

RESEARCH = {"systematic_review", "meta_analysis", "randomized_trial", "cohort_study", "case_report", "review"}
# How a source printed before: its evidence type decided it alone.
PRINTED_AS = {**dict.fromkeys(RESEARCH, "article-journal"), "guideline": "report", "textbook": "book", "website": "webpage"}


def infer(source) -> str:
    """``articles.library.citations.infer_publication_type`` as it stood when this migration was written."""
    if source.container_title and (source.volume or source.issue or source.pages or source.pmid):
        return "article-journal"
    if source.type == "textbook":
        return "chapter" if source.container_title else "book"
    if source.type == "website":
        return "webpage"
    if source.type == "guideline":
        return "report"
    if source.type in RESEARCH or source.pmid:
        return "article-journal"
    if source.url and not (source.container_title or source.publisher):
        return "webpage"
    return "document"


def report(changes: Counter, total: int) -> str:
    """``"3 of 10 sources print differently: 2 document -> article-journal, 1 ..."``."""
    changed = sum(changes.values())
    lines = [f"Publication types inferred for {total} sources; {changed} print differently now."]
    lines += [f"  {count} {before} -> {after}" for (before, after), count in sorted(changes.items())]
    return "\n".join(lines)


def infer_publication_types(apps, schema_editor):
    Source = apps.get_model("articles", "Source")
    changes: Counter = Counter()
    sources = list(Source.objects.only("pk", "type", "container_title", "volume", "issue", "pages", "pmid", "url", "publisher"))
    for source in sources:
        source.publication_type = infer(source)
        before = PRINTED_AS.get(source.type, "document")
        if source.publication_type != before:
            changes[(before, source.publication_type)] += 1
    # A queryset update: no history rows, the sources did not change, only what was implied.
    for publication_type in {source.publication_type for source in sources}:
        pks = [source.pk for source in sources if source.publication_type == publication_type]
        for start in range(0, len(pks), 500):
            Source.objects.filter(pk__in=pks[start : start + 500]).update(publication_type=publication_type)
    if sources:
        sys.stdout.write(report(changes, len(sources)) + "\n")



class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0018_retracted_article_ids_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalsource',
            name='publication_type',
            field=models.CharField(choices=[('article-journal', 'Journal article'), ('book', 'Book'), ('chapter', 'Book chapter'), ('report', 'Report or guideline document'), ('webpage', 'Web page'), ('dataset', 'Dataset'), ('document', 'Other document')], default='article-journal', help_text='How it was published: decides how its reference is printed.', max_length=20, verbose_name='publication type'),
        ),
        *keeping_sqlite_triggers("articles_source", migrations.AddField(
            model_name='source',
            name='publication_type',
            field=models.CharField(choices=[('article-journal', 'Journal article'), ('book', 'Book'), ('chapter', 'Book chapter'), ('report', 'Report or guideline document'), ('webpage', 'Web page'), ('dataset', 'Dataset'), ('document', 'Other document')], default='article-journal', help_text='How it was published: decides how its reference is printed.', max_length=20, verbose_name='publication type'),
        )),
        migrations.RunPython(infer_publication_types, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name='historicalsource',
            name='type',
            field=models.CharField(choices=[('guideline', 'Guideline'), ('systematic_review', 'Systematic review'), ('meta_analysis', 'Meta-analysis'), ('randomized_trial', 'Randomized trial'), ('cohort_study', 'Cohort study'), ('case_report', 'Case report'), ('review', 'Review'), ('textbook', 'Textbook'), ('website', 'Website'), ('other', 'Other')], default='other', help_text='What kind of evidence it is: decides the group it is listed under.', max_length=30, verbose_name='evidence type'),
        ),
        migrations.AlterField(
            model_name='source',
            name='type',
            field=models.CharField(choices=[('guideline', 'Guideline'), ('systematic_review', 'Systematic review'), ('meta_analysis', 'Meta-analysis'), ('randomized_trial', 'Randomized trial'), ('cohort_study', 'Cohort study'), ('case_report', 'Case report'), ('review', 'Review'), ('textbook', 'Textbook'), ('website', 'Website'), ('other', 'Other')], default='other', help_text='What kind of evidence it is: decides the group it is listed under.', max_length=30, verbose_name='evidence type'),
        ),
    ]
