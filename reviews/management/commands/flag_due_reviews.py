"""``manage.py flag_due_reviews``: approved articles whose review date has come go to Review Due.

The same job Celery beat runs daily (``reviews.tasks.flag_due_reviews``), for cron users.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reviews import reminders


class Command(BaseCommand):
    help = "Move approved articles whose next review date has come to Review Due."

    def handle(self, *args, **options):
        flagged = reminders.flag_due_reviews()
        for article in flagged:
            self.stdout.write(f"  {article.pk}: {article.title} ({article.review_due_reason})")
        self.stdout.write(self.style.SUCCESS(f"Flagged {len(flagged)} article(s) for re-review."))
