"""``manage.py sync_retraction_watch``: fetch the Retraction Watch data and apply what changed.

The same run as the daily task (``reviews.tasks.sync_retraction_watch``), with a progress bar.
``RETRACTION_WATCH_URL`` (or ``--url``) says where Crossref publishes the CSV; without it the sync
is off. Stopped half-way, it is finished by running it again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.library.citations import MalformedFile
from reviews import retraction_sync


class Command(BaseCommand):
    help = "Fetch the Retraction Watch CSV (RETRACTION_WATCH_URL) and apply the rows that changed."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="The CSV's address (default: RETRACTION_WATCH_URL).")
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")

    def handle(self, *args, **options):
        enabled = not options["no_progress"] and options["verbosity"] > 0
        with tqdm(desc="Retraction Watch", unit=" rows", disable=not enabled, leave=False) as bar:

            def progress(rows_read: int, rows_applied: int) -> None:
                bar.update(rows_read - bar.n)
                bar.set_postfix(applied=rows_applied, refresh=False)

            try:
                sync = retraction_sync.sync_retraction_watch(url=options["url"] or None, progress=progress)
            except (retraction_sync.SyncFailed, MalformedFile) as exc:
                raise CommandError(str(exc)) from None
        if sync is None:
            self.stdout.write("The Retraction Watch sync is off: set RETRACTION_WATCH_URL (or give --url).")
            return
        if sync.summary.get("unchanged"):
            self.stdout.write(
                self.style.SUCCESS("The Retraction Watch data has not changed since the last sync.")
            )
            return
        summary = sync.summary
        self.stdout.write(
            self.style.SUCCESS(
                f"Read {sync.rows} rows; applied {sync.changed} new or changed: "
                f"{summary.get('matched', 0)} match library sources, {summary.get('retracted_count', 0)} "
                f"retracted, {summary.get('flagged_count', 0)} approved article(s) sent back to review."
            )
        )
