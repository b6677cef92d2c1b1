"""Seed N live ArticlePages (default 1,000) under the home page, as an editor would publish them.

    python manage.py seed [--count 1000] [--force]

Added for bench/wagtail/run.sh. Idempotent: with exactly --count live articles it does nothing
(unless --force, which deletes them and seeds again). Uses Wagtail's page API: add_child(), then
save_revision().publish(). The text is bench/wagtail/article_text.py's, as for the other site.
"""

import random
from datetime import date, timedelta

from article_text import JOURNALS, NAMES, TOPICS, make_body, sentence
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Site

from home.models import ArticlePage


def references(rng, i):
    """Five references: the StreamField's raw value, one struct block each."""
    return [
        (
            "reference",
            {
                "authors": f"{rng.choice(NAMES).split()[-1]} A, {rng.choice(NAMES).split()[-1]} B, et al",
                "title": sentence(rng),
                "source": rng.choice(JOURNALS),
                "year": 2010 + (i + n) % 15,
                "doi": f"10.1000/ref.{i + 1}.{n}",
                "url": f"https://doi.org/10.1000/ref.{i + 1}.{n}",
            },
        )
        for n in range(1, 6)
    ]


class Command(BaseCommand):
    help = __doc__.split("\n\n")[0]

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument("--force", action="store_true")

    def handle(self, count, force, **options):
        home = Site.objects.get(is_default_site=True).root_page.specific
        existing = ArticlePage.objects.child_of(home).live()
        if existing.count() == count and not force:
            self.stdout.write(f"already seeded: {count} live articles under {home.url_path}")
            return
        for page in ArticlePage.objects.child_of(home):
            page.delete()

        rng = random.Random(20240601)
        today = date(2026, 1, 15)
        for start in range(0, count, 100):
            with transaction.atomic():
                for i in range(start, min(start + 100, count)):
                    topic = TOPICS[i % len(TOPICS)]
                    page = ArticlePage(
                        title=f"{topic}: article {i + 1}",
                        slug=f"article-{i + 1}",
                        summary=" ".join(sentence(rng) for _ in range(2)),
                        body=make_body(rng),
                        audience="patient" if i % 2 == 0 else "clinician",
                        last_reviewed=today - timedelta(days=i % 365),
                        references=references(rng, i),
                    )
                    home.add_child(instance=page)
                    page.save_revision().publish()
            self.stdout.write(f"  {min(start + 100, count)}/{count}")
        self.stdout.write(f"seeded {count} live articles under {home.url_path}")
