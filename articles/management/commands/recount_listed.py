"""``manage.py recount_listed``: count the public list's publications again, in all and by topic.

PostgreSQL's triggers keep these counts in the transactions that change them, so a dump and its
restore carry them. A load that went around the triggers (``pg_restore --disable-triggers``,
``session_replication_role = replica``, a bulk load with the count trigger disabled) can leave
them wrong; this counts them again from the view that defines what is listed. Nothing to do on
SQLite, which counts on each read.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection

from articles.models import ListedPublicationCount, ListedTopicCount
from articles.publishing import recount_listed_publications


class Command(BaseCommand):
    help = "Count the public list's publications again, in all and by topic (PostgreSQL)."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("SQLite counts the list on each read: nothing is kept to recount.")
            return
        recount_listed_publications()
        total = ListedPublicationCount.objects.values_list("count", flat=True).first() or 0
        topics = ListedTopicCount.objects.exclude(count=0).count()
        self.stdout.write(self.style.SUCCESS(f"{total} listed publication(s) in {topics} topic(s)."))
