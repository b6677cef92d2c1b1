"""``manage.py import_sources FILE [--format F] [--dry-run] [--partial]``: fill the source library.

The same import as ``POST /api/v1/editorial/sources/import/`` (``articles.library.importing``): each
entry is matched to an existing source (DOI, then PMID, then key and title) or created; a file
with a rejected entry imports nothing unless ``--partial``. The file is checked first, then
written in batches (the progress bar runs once for each pass).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.library import importing
from articles.library.citations import FORMATS, MalformedFile, detect_format
from articles.management import reading_with_progress


class Command(BaseCommand):
    help = "Import sources from a BibTeX, RIS, PubMed (MEDLINE/.nbib) or CSL-JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import (UTF-8).")
        parser.add_argument("--format", choices=FORMATS, help="The file's format (detected when omitted).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument(
            "--partial", action="store_true", help="Import the good entries even when some are rejected."
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Entries written per query (500).")
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        show_progress = not options["no_progress"] and options["verbosity"] > 0
        try:
            fmt = options["format"] or detect_format(path.name, path.open("rb").read(8192))
            with reading_with_progress(path, desc=f"Reading {path.name}", enabled=show_progress) as (
                binary,
                bar,
            ):
                stream, fmt = importing.open_upload(binary, fmt=fmt)

                def progress(summary: importing.ImportSummary) -> None:
                    verb = "Checking" if summary.phase == "check" else "Importing"
                    bar.set_description(f"{verb} {path.name}", refresh=False)
                    bar.set_postfix(
                        created=summary.created_count,
                        matched=summary.matched_count,
                        rejected=summary.rejected_count,
                        refresh=False,
                    )

                summary = importing.import_sources(
                    stream,
                    fmt,
                    partial=options["partial"],
                    dry_run=options["dry_run"],
                    progress=progress,
                    batch_size=options["batch_size"],
                )
        except MalformedFile as exc:
            raise CommandError(f"{path}: {exc}") from None
        self.report(summary, verbosity=options["verbosity"])
        if not summary.imported and not summary.dry_run:
            raise CommandError(
                f"{summary.rejected_count} entries were rejected, so nothing was imported "
                "(correct them, or use --partial to import the others)."
            )

    def report(self, summary: importing.ImportSummary, *, verbosity: int) -> None:
        by = summary.matched_by
        self.stdout.write(
            f"Read {summary.read} entries ({summary.format}): "
            f"created {summary.created_count}, "
            f"matched {summary.matched_count} existing "
            f"(by DOI {by['doi']}, by PMID {by['pmid']}, by key {by['key']}), "
            f"rejected {summary.rejected_count}."
        )
        if verbosity > 1:
            for row in summary.created:
                self.stdout.write(f"  created  line {row['line']}: [@{row['key']}] {row['title']}")
            for row in summary.matched:
                self.stdout.write(
                    f"  matched  line {row['line']}: [@{row['key']}] by {row['by'].upper()} {row['value']}"
                )
        for row in summary.rejected:
            self.stdout.write(self.style.WARNING(f"  rejected line {row['line']}: {row['reason']}"))
        if summary.truncated:
            self.stdout.write(f"  (lists stop at {summary.max_details} rows each; the counts are complete)")
        if summary.dry_run:
            self.stdout.write(self.style.NOTICE("Dry run: nothing was written."))
        elif summary.imported:
            self.stdout.write(self.style.SUCCESS(f"Imported {summary.created_count} new source(s)."))
