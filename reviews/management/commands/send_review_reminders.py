"""``manage.py send_review_reminders``: remind reviewers of reviews due soon or overdue.

The same job Celery beat runs hourly (``reviews.tasks.send_review_reminders``), for cron users.
Each assignment gets each reminder once, however often this runs.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reviews import reminders


class Command(BaseCommand):
    help = "Send due-soon and overdue review reminders (each once per assignment)."

    def handle(self, *args, **options):
        report = reminders.send_review_reminders()
        self.stdout.write(
            self.style.SUCCESS(
                f"Sent {len(report.due_soon)} due-soon and {len(report.overdue)} overdue reminder(s)."
            )
        )
