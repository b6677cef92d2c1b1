"""``manage.py purge_cdn``: send the purges the outbox holds, or queue some by hand.

Without options it sends every due purge, as the ``purge_cdn`` task does every 30 seconds (useful
without a worker, or to see an error at once). ``--key`` queues keys first (``--key public``
purges every public response, e.g. after a deploy that changed the templates); ``--now`` sends
even those not yet due.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from public.models import PurgeRequest
from public.purging import outbox


class Command(BaseCommand):
    help = "Send the due purges of the CDN/proxy outbox (public.purging)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--key", action="append", default=[], help="Queue this purge key first (repeatable)."
        )
        parser.add_argument("--now", action="store_true", help="Send queued purges that are not yet due too.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")

    def handle(self, *args, **options):
        if options["key"] and not outbox.purging():
            raise CommandError("No purge backend is configured (PUBLIC_PURGE_BACKENDS): nothing to purge.")
        outbox.queue(options["key"])
        if options["now"]:
            PurgeRequest.objects.update(next_attempt_at=timezone.now())
        show_progress = not options["no_progress"] and options["verbosity"] > 0
        with tqdm(
            total=outbox.due_requests().count(),
            desc="Purging",
            unit="row",
            file=sys.stderr,
            disable=not show_progress,
        ) as bar:
            report = outbox.send_due(progress=lambda report: bar.update(report.rows - bar.n))
            bar.update(report.rows - bar.n)
        waiting = PurgeRequest.objects.count()
        message = f"Purged {report.purged} key(s) from {report.rows} request(s); {waiting} waiting."
        if report.errors:
            raise CommandError(f"{message} Failed: {report.errors[-1]}")
        self.stdout.write(self.style.SUCCESS(message))
