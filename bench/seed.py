"""Seed the benchmark database with N published articles (body about 6 KB, 5 references each).

Drafts are created by the editing service (citations resolved and stored) and published by
``articles.publishing.publish`` (real Markdown and AMA rendering). The review rounds in between
are skipped: the public reads only Publications and the article's status, and running the board's
workflow for every article would make seeding take minutes.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone

from articles import publishing, services
from articles.models import Article, Publication, Source, SourceType, Specialty, Status

TOPICS = [
    "Cardiology",
    "Dermatology",
    "Endocrinology",
    "Gastroenterology",
    "Neurology",
    "Oncology",
    "Pharmacology",
    "Psychiatry",
]
SOURCE_POOL = 400
REFERENCES = 5

PARAGRAPH = (
    "Most people with this condition improve within a few weeks with simple measures, and "
    "serious causes are uncommon. Keep moving as much as symptoms allow, because rest in bed "
    "slows recovery [@{a}]. Over-the-counter pain relief can help in the short term; discuss "
    "longer courses with a pharmacist or doctor, especially if you take other medicines or have "
    "kidney, liver or heart disease [@{b}; @{c}]. Seek urgent care for new weakness, numbness, "
    "fever, or loss of bladder or bowel control [@{d}]."
)


def _sources() -> list[Source]:
    existing = list(Source.objects.filter(key__startswith="bench").order_by("pk"))
    if len(existing) >= SOURCE_POOL:
        return existing
    rng = random.Random(7)
    Source.objects.bulk_create(
        Source(
            key=f"bench{n}",
            type=SourceType.SYSTEMATIC_REVIEW if n % 3 else SourceType.GUIDELINE,
            title=f"Outcomes of conservative treatment in a randomised cohort, part {n}",
            authors=[{"family": rng.choice(["Will", "Bury", "Miller", "Chen", "Patel"]), "given": "J S"}],
            container_title="American Family Physician",
            container_title_short="Am Fam Physician",
            year=2010 + n % 15,
            volume=str(90 + n % 10),
            issue=str(1 + n % 12),
            pages=f"{400 + n}-{410 + n}",
            doi=f"10.5555/bench.{n}",
            pmid=str(20000000 + n),
        )
        for n in range(SOURCE_POOL)
    )
    return list(Source.objects.filter(key__startswith="bench").order_by("pk"))


def _body(keys: list[str], target_bytes: int) -> str:
    sections = []
    n = 0
    while sum(len(s) for s in sections) < target_bytes:
        picks = [keys[(n + i) % len(keys)] for i in range(4)]
        paragraph = PARAGRAPH.format(a=picks[0], b=picks[1], c=picks[2], d=picks[3])
        if n % 3 == 0:
            sections.append(f"## Part {n // 3 + 1}\n\n{paragraph}")
        else:
            sections.append(
                f"{paragraph}\n\n- Drink enough fluids.\n- Note what makes it worse [@{keys[-1]}]."
            )
        n += 1
    return "\n\n".join(sections)


def seed(count: int, *, body_bytes: int = 6000) -> list[str]:
    """Create ``count`` published articles; returns their slugs. Idempotent for the same count."""
    slugs = _publish_articles(count, body_bytes)
    with connection.cursor() as cursor:
        # Planner statistics and (PostgreSQL) the visibility map that index-only scans rely on,
        # as autovacuum leaves them on a live database. VACUUM cannot run in a transaction.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return slugs


@transaction.atomic
def _publish_articles(count: int, body_bytes: int) -> list[str]:
    existing = list(Publication.objects.current().values_list("slug", flat=True))
    if len(existing) >= count:
        return existing[:count]
    user_model = get_user_model()
    author, _ = user_model.objects.get_or_create(
        username="bench-author", defaults={"first_name": "Ada", "last_name": "Author"}
    )
    author.user_permissions.add(Permission.objects.get(codename="add_article"))
    topics = [
        Specialty.objects.get_or_create(slug=name.lower(), defaults={"name": name})[0] for name in TOPICS
    ]
    sources = _sources()
    reviewers = [
        {"name": "Dr. Ann Baker", "credentials": "MD", "specialties": ["Oncology"]},
        {"name": "Dr. Luis Chen", "credentials": "PharmD", "specialties": ["Pharmacology"]},
    ]
    now = timezone.now()
    slugs = []
    for n in range(len(existing), count):
        cited = [sources[(n * REFERENCES + i) % len(sources)] for i in range(REFERENCES)]
        article = services.article_create_draft(
            actor=author,
            title=f"Living with back pain, part {n}",
            topic=topics[n % len(topics)],
            summary="What helps, what to avoid, and when to see a doctor.",
            body=_body([s.key for s in cited], body_bytes),
            audience="patient" if n % 4 else "professional",
        )
        approved_at = now - timedelta(minutes=count - n)
        next_due = (approved_at + timedelta(days=365)).date()
        Article.objects.filter(pk=article.pk).update(
            created_at=approved_at - timedelta(days=7),
            content_modified_at=approved_at - timedelta(days=1),
            status=Status.APPROVED,
            first_published_at=approved_at,
            last_reviewed_at=approved_at,
            next_review_due=next_due,
        )
        article.refresh_from_db()
        publishing.publish(
            article,
            article_history_id=article.history.order_by("-history_id").values_list("history_id", flat=True)[
                0
            ],
            reviewers=[{**r, "signed_at": approved_at.isoformat()} for r in reviewers],
            approved_by=None,
            approved_at=approved_at,
            next_review_due=next_due,
        )
        slugs.append(article.slug)
    return existing + slugs
