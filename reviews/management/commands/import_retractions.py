"""``manage.py import_retractions retraction_watch.csv``: apply the Retraction Watch database.

Matches rows to library sources by the original paper's DOI or PMID. A ``Retraction`` retracts
the source through ``reviews.workflow.retract_source`` (approved citing articles go to Review
Due, their editors and authors are notified); an expression of concern, a correction or a
reinstatement is recorded as a notice. ``--reapply`` runs the periodic safety net instead.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.library.citations import MalformedFile
from articles.management import reading_with_progress
from reviews import retractions


class Command(BaseCommand):
    help = "Mark library sources retracted (and record notices) from a Retraction Watch CSV."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The Retraction Watch CSV (retraction_watch.csv).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument("--encoding", default="utf-8-sig", help="The CSV's encoding (UTF-8).")
        parser.add_argument("--batch-size", type=int, default=1000, help="Rows matched per query (1000).")
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")
        parser.add_argument(
            "--reapply",
            action="store_true",
            help="Instead of reading a file, flag approved articles that still cite a retracted source.",
        )

    def handle(self, *args, **options):
        if options["reapply"]:
            flagged = retractions.reapply_retractions()
            self.stdout.write(self.style.SUCCESS(f"Flagged {len(flagged)} article(s) for re-review."))
            return
        if not options["file"]:
            raise CommandError("Give the Retraction Watch CSV file (or --reapply).")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        show_progress = not options["no_progress"] and options["verbosity"] > 0
        try:
            with reading_with_progress(path, desc=f"Applying {path.name}", enabled=show_progress) as (
                binary,
                bar,
            ):
                stream = io.TextIOWrapper(binary, encoding=options["encoding"], newline="")

                def progress(summary: retractions.RetractionSummary) -> None:
                    bar.set_postfix(
                        rows=summary.rows,
                        matched=summary.matched,
                        retracted=summary.retracted_count,
                        refresh=False,
                    )

                summary = retractions.apply_retraction_watch_csv(
                    stream, progress=progress, dry_run=options["dry_run"], batch_size=options["batch_size"]
                )
        except (MalformedFile, LookupError) as exc:
            raise CommandError(f"{path}: {exc}") from None
        self.report(summary, verbosity=options["verbosity"])

    def report(self, summary: retractions.RetractionSummary, *, verbosity: int = 1) -> None:
        notices = ", ".join(
            f"{kind.replace('_', ' ')} {count}" for kind, count in sorted(summary.notices.items())
        )
        ignored = ", ".join(f"{nature} {count}" for nature, count in sorted(summary.ignored.items()))
        self.stdout.write(
            f"Read {summary.rows} rows: {summary.matched} match library sources, {summary.unmatched} do not."
        )
        self.stdout.write(
            f"Retracted {summary.retracted_count} source(s) ({summary.already_retracted} already retracted); "
            f"{summary.flagged_count} approved article(s) sent back to review."
        )
        self.stdout.write(
            f"Notices recorded: {notices or 'none'}." + (f" Ignored: {ignored}." if ignored else "")
        )
        shown = summary.retracted if verbosity > 1 else summary.retracted[:20]
        for row in shown:
            flagged = ", ".join(map(str, row["flagged_articles"])) or "none"
            self.stdout.write(
                f"  retracted line {row['line']} (record {row['record_id']}): [@{row['key']}]; "
                f"articles flagged: {flagged}"
            )
        if len(shown) < summary.retracted_count:
            self.stdout.write(
                f"  ... and {summary.retracted_count - len(shown)} more (-v 2 lists up to 1000)"
            )
        for row in summary.rejected:
            self.stdout.write(
                self.style.WARNING(
                    f"  rejected line {row['line']} (record {row['record_id']}): {row['reason']}"
                )
            )
        if summary.dry_run:
            self.stdout.write(self.style.NOTICE("Dry run: nothing was written."))
