"""Seed N live, published ArticlePages (default 1,000) under one ArticleIndexPage.

    python manage.py seed [--count 1000] [--force]

Idempotent: if the index already has exactly --count live articles it does nothing
(unless --force, which deletes the index and its articles and seeds again).
Uses Wagtail's normal page API: add_child() then save_revision().publish().
Ends with ANALYZE.
"""

import random
from datetime import UTC, datetime, timedelta

from article_text import CREDENTIALS, JOURNALS, NAMES, TOPICS, make_body, sentence
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from wagtail.models import Site

from wagtail_articles.models import ArticleIndexPage, ArticlePage, Reference, Reviewer


class Command(BaseCommand):
    help = __doc__.split("\n\n")[0]

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument("--force", action="store_true")

    def handle(self, count, force, **options):
        site = Site.objects.get(is_default_site=True)
        home = site.root_page.specific
        index = ArticleIndexPage.objects.child_of(home).filter(slug="articles").first()
        if index is not None:
            existing = ArticlePage.objects.child_of(index).live().count()
            if existing == count and not force:
                self.stdout.write(f"already seeded: {existing} live articles under {index.url_path}")
                return
            index.delete()  # deletes its articles too (treebeard subtree)
        with transaction.atomic():
            index = home.add_child(instance=ArticleIndexPage(title="Articles", slug="articles"))
            index.save_revision().publish()

        rng = random.Random(20240601)
        now = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
        total_body = 0
        for i in range(count):
            if i % 100 == 0:
                atomic = transaction.atomic()
                atomic.__enter__()
            topic = TOPICS[i % len(TOPICS)]
            last_reviewed = now - timedelta(days=i % 365, minutes=i * 7)
            body = make_body(rng)
            total_body += len(body.encode())
            page = ArticlePage(
                title=f"{topic}: article {i + 1}",
                slug=f"article-{i + 1}",
                summary=" ".join(sentence(rng) for _ in range(2)),
                body=body,
                audience="patient" if i % 2 == 0 else "clinician",
                topic=topic,
                status_label="Approved",
                last_reviewed=last_reviewed,
                next_review_due=(last_reviewed + timedelta(days=365)).date(),
                first_published=last_reviewed - timedelta(days=400 + i % 200),
            )
            for r in range(2):
                page.reviewers.add(
                    Reviewer(
                        name=NAMES[(i + r) % len(NAMES)],
                        credentials=CREDENTIALS[(i + r) % len(CREDENTIALS)],
                        signed_at=last_reviewed + timedelta(hours=r),
                    )
                )
            for n in range(1, 6):
                pmid = str(30000000 + i * 10 + n)
                page.references.add(
                    Reference(
                        number=n,
                        formatted=(
                            f"{rng.choice(NAMES).split()[-1]} A, et al. "
                            f"{sentence(rng)} {rng.choice(JOURNALS)}. "
                            f"{2010 + (i + n) % 15};{10 + n}({n}):{100 + i}-{110 + i}."
                        ),
                        doi=f"10.1000/ref.{i + 1}.{n}",
                        pmid=pmid,
                        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
                        retracted=(i + n) % 97 == 0,
                    )
                )
            index.add_child(instance=page)
            page.save_revision().publish()
            if i % 100 == 99 or i == count - 1:
                atomic.__exit__(None, None, None)
                self.stdout.write(f"  {i + 1}/{count}")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"seeded {count} live articles under {index.url_path} "
            f"(mean body {total_body / max(count, 1):.0f} bytes), ANALYZE done"
        )
