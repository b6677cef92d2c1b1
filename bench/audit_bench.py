"""Benchmark of the integrity checks: ``verify_audit`` over many chains, and one signed sign-off.

    .venv/bin/python bench/audit_bench.py                          # 10,000 articles x 10 entries, SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/audit_bench .venv/bin/python bench/audit_bench.py
    .venv/bin/python bench/audit_bench.py --articles 1000 --entries 10

Migrates a fresh database (a temporary SQLite file, or the empty PostgreSQL database named by
``DATABASE_URL``), writes the articles with their transition-log entries and chains in bulk,
then times ``reviews.audit.verify_everything`` (what ``manage.py verify_audit`` runs) and prints
articles, entries, seconds and entries per second. Then it times signed sign-offs through the
API (``POST .../signoffs/`` with the password, the production password hasher included): the
median and the worst of ``--signoffs`` requests, and the password check alone. Without
``CELERY_BROKER_URL`` the notifications are delivered in the request, after commit, as in the
embedded default; with it they are queued, as in production.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def seed_chains(articles: int, entries: int) -> None:
    """Articles with ``entries`` transition-log entries each, chained as the workflow chains them."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from articles.models import Article, Specialty
    from reviews import audit
    from reviews.models import AuditEntry, AuditKind, TransitionLog

    actor = get_user_model().objects.create_user("bench-editor", password="bench-pass-2026")
    topic = Specialty.objects.create(name="Oncology", slug="oncology")
    batch = 500
    for start in range(0, articles, batch):
        with transaction.atomic():
            made = Article.objects.bulk_create(
                Article(
                    title=f"Bench article {n}",
                    slug=f"bench-article-{n}",
                    body="Back spasms are common during chemotherapy. " * 20,
                    topic=topic,
                    content_hash=f"{n:064x}",
                )
                for n in range(start, min(start + batch, articles))
            )
            logs = TransitionLog.objects.bulk_create(
                TransitionLog(
                    article=article,
                    action="flag_for_rereview",
                    from_status="approved",
                    to_status="review_due",
                    actor=actor,
                    comment=f"Scheduled review {step}",
                    content_hash=article.content_hash,
                )
                for article in made
                for step in range(entries)
            )
            chain = []
            for offset, article in enumerate(made):
                previous = audit.GENESIS
                for position, log in enumerate(logs[offset * entries : (offset + 1) * entries], start=1):
                    digest = audit.entry_hash(
                        previous,
                        article_id=article.pk,
                        position=position,
                        kind=AuditKind.TRANSITION,
                        record=audit.transition_entry(log),
                    )
                    chain.append(
                        AuditEntry(
                            article=article,
                            position=position,
                            kind=AuditKind.TRANSITION,
                            record_id=str(log.pk),
                            previous_hash=previous,
                            entry_hash=digest,
                        )
                    )
                    previous = digest
            AuditEntry.objects.bulk_create(chain)
        print(f"  seeded {min(start + batch, articles)} / {articles} articles", end="\r", flush=True)
    print()


def time_verification() -> None:
    from reviews import audit

    started = time.perf_counter()
    result = audit.verify_everything()
    seconds = time.perf_counter() - started
    status = "ok" if result.ok else f"BROKEN: {result.first_broken}"
    print(
        f"verify_audit: {result.articles} articles, {result.entries} entries in {seconds:.1f} s "
        f"({result.entries / seconds:,.0f} entries/s) — {status}"
    )


def time_signoffs(count: int) -> None:
    """``count`` signed sign-offs through the API, each on its own article under review."""
    from django.conf import settings
    from rest_framework.test import APIClient

    from articles import services
    from articles.models import Specialty
    from reviews import workflow
    from reviews.models import BoardMember

    user_model = __import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model()
    password = "bench-pass-2026"
    topic = Specialty.objects.get(slug="oncology")
    editor = user_model.objects.get(username="bench-editor")
    editor.is_superuser = True
    editor.save()
    author = user_model.objects.create_superuser("bench-author", password=password)
    members = []
    for name in ("bench-baker", "bench-chen"):
        user = user_model.objects.create_user(name, password=password)
        member = BoardMember.objects.create(user=user, display_name=f"Dr. {name}", credentials="MD")
        member.specialties.set([topic])
        members.append(member)
    print(f"password hasher: {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}")
    timings, cpu_times = [], []
    client = APIClient(HTTP_HOST="127.0.0.1")
    client.force_authenticate(members[0].user)
    for n in range(count):
        article = services.article_create_draft(
            actor=author, title=f"Signed article {n}", topic=topic, body="Back spasms are common."
        )
        article, _ = workflow.submit(actor=author, article=article)
        for member in members:
            workflow.assign_reviewer(actor=editor, article=article, reviewer=member)
        workflow.start_review(actor=editor, article=article)
        body = {
            "decision": "approve",
            "comments": "Accurate.",
            "attestation": True,
            "conflict_of_interest": False,
            "password": password,
        }
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post(f"/api/v1/editorial/articles/{article.pk}/signoffs/", body, format="json")
        timings.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 201, response.content
    print(
        f"signed sign-off (POST .../signoffs/): median {statistics.median(timings):.0f} ms, "
        f"worst {max(timings):.0f} ms over {count}; CPU of this process: median "
        f"{statistics.median(cpu_times):.0f} ms"
    )
    from django.contrib.auth.hashers import check_password

    stored = members[0].user.password
    checks, check_cpu = [], []
    for _ in range(count):
        started, cpu = time.perf_counter(), time.process_time()
        check_password(password, stored)
        checks.append((time.perf_counter() - started) * 1000)
        check_cpu.append((time.process_time() - cpu) * 1000)
    print(
        f"  of which the password check alone: median {statistics.median(checks):.0f} ms "
        f"(CPU {statistics.median(check_cpu):.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=10, help="chain entries per article (10)")
    parser.add_argument("--signoffs", type=int, default=10, help="signed sign-offs to time (10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{directory}/audit-bench.sqlite3"
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        print(f"database: {connection.vendor}")
        seed_chains(args.articles, args.entries)
        time_verification()
        time_signoffs(args.signoffs)


if __name__ == "__main__":
    main()
