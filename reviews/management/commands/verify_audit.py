"""``manage.py verify_audit``: recompute every article's audit chain and stored publications.

Exits 0 when everything verifies; otherwise prints each broken entry (the first one first) and
exits 1, naming the first. The nightly ``reviews.tasks.verify_audit_trail`` runs the same check
and tells the editors.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reviews import audit


class Command(BaseCommand):
    help = "Verify every article's audit chain and stored publication; exit 1 naming the first broken entry."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Articles read at a time (500).")
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        show_progress = not options["no_progress"] and options["verbosity"] > 0
        with tqdm(
            total=audit.article_count(),
            desc="Verifying audit chains",
            unit="article",
            file=sys.stderr,
            disable=not show_progress,
        ) as bar:
            result = audit.verify_everything(
                batch_size=options["batch_size"], progress=lambda batch: bar.update(batch.articles)
            )
        for broken in result.broken:
            self.stderr.write(f"BROKEN {broken}")
        if not result.ok:
            raise CommandError(f"The audit trail does not verify; first broken entry: {result.first_broken}")
        self.stdout.write(
            self.style.SUCCESS(f"Verified {result.entries} chain entries of {result.articles} article(s).")
        )
