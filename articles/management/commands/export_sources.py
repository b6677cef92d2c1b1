"""``manage.py export_sources --format bibtex|ris|csl-json [--ids 1,2 | --article ID] [-o FILE]``.

Writes library sources (all, or the ids given) or an article's references, in citation order,
one entry at a time, to a file or to standard output.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from articles.library.exporting import EXPORT_FORMATS, export_chunks
from articles.models import Article, Source
from articles.publishing import cited_sources


class Command(BaseCommand):
    help = "Export library sources, or an article's references, as BibTeX, RIS or CSL-JSON."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=EXPORT_FORMATS, required=True)
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--ids", help="Comma-separated source ids (default: the whole library).")
        which.add_argument("--article", type=int, help="Export this article's references instead.")
        parser.add_argument("-o", "--output", help="The file to write (default: standard output).")

    def handle(self, *args, **options):
        if options["article"] is not None:
            article = Article.objects.filter(pk=options["article"]).first()
            if article is None:
                raise CommandError(f"No article has the id {options['article']}.")
            sources = cited_sources(article)
        elif options["ids"]:
            try:
                ids = [int(part) for part in options["ids"].split(",") if part.strip()]
            except ValueError:
                raise CommandError("Give --ids as numbers separated by commas, e.g. --ids 1,2.") from None
            missing = sorted(set(ids) - set(Source.objects.filter(pk__in=ids).values_list("pk", flat=True)))
            if missing:
                raise CommandError(f"No source has the id {', '.join(map(str, missing))}.")
            sources = Source.objects.filter(pk__in=ids).order_by("key").iterator(chunk_size=500)
        else:
            sources = Source.objects.order_by("key").iterator(chunk_size=500)
        chunks = export_chunks(sources, options["format"])
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="\n") as out:
                out.writelines(chunks)
        else:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
