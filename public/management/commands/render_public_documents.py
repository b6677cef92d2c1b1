"""``manage.py render_public_documents``: render the public API's stored documents again.

Run it after a deploy (after ``migrate``): a publication whose document (its article's answer
and its list row) was rendered by other code, DRF settings or time zone is answered correctly
but renders its snapshot on every request until this has run (``public.documents``).
Only what is missing or stale is rendered, so it is cheap to run on every deploy; ``--all``
renders every current publication's again.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from articles.models import Publication
from public import documents


class Command(BaseCommand):
    help = "Render the public API documents of current publications that have none in the current format."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Render every current publication's document.")
        parser.add_argument("--batch-size", type=int, default=200, help="Publications per transaction (200).")
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if options["all"]:
            publications = Publication.objects.current().order_by("pk")
        else:
            publications = documents.publications_without_document()
        pks = list(publications.values_list("pk", flat=True))
        batch_size = options["batch_size"]
        show_progress = not options["no_progress"] and options["verbosity"] > 0
        rendered = 0
        with tqdm(
            total=len(pks), desc="Rendering documents", unit="doc", file=sys.stderr, disable=not show_progress
        ) as bar:
            for start in range(0, len(pks), batch_size):
                batch = pks[start : start + batch_size]
                with transaction.atomic():
                    rendered += documents.store_documents(
                        Publication.objects.current().filter(pk__in=batch)
                    )
                bar.update(len(batch))
        self.stdout.write(
            self.style.SUCCESS(
                f"Rendered {rendered} document(s) in format {documents.document_format()}."
            )
        )
