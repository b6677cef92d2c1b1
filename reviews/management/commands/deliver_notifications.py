"""``manage.py deliver_notifications``: deliver every notification still pending in the outbox.

The sweep Celery beat runs every minute (``reviews.tasks.sweep_notifications``), for cron users
and for draining the outbox by hand after an outage. Never sends a notification twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reviews import notifications


class Command(BaseCommand):
    help = "Deliver pending notifications (in-app and email); safe to run at any time."

    def handle(self, *args, **options):
        report = notifications.deliver_pending()
        self.stdout.write(
            self.style.SUCCESS(f"Delivered {report.delivered} notification(s), {report.emailed} by email.")
        )
        if report.failed:
            self.stdout.write(
                self.style.WARNING(f"{len(report.failed)} failed and will be tried again: {report.failed}")
            )
        given_up = notifications.undeliverable_notifications().count()
        if given_up:
            self.stdout.write(
                self.style.ERROR(
                    f"{given_up} notification(s) failed {notifications.MAX_DELIVERY_ATTEMPTS} times and "
                    "are no longer tried; their last_error says why."
                )
            )
