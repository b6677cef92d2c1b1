"""Time the editorial pages and count their queries, in process, on the bench database.

    python -m bench.editorial [--requests 20]       # after make bench has seeded the database

Each page is requested once to warm up, then ``--requests`` times by the user it is for (the
seed's editor, first reviewer and first author), through Django's test client with the bench
settings: the full middleware stack, sessions included, without HTTP or gunicorn. Prints the
queries of one request, the median and the slowest request. ``make bench`` runs it too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import dataclass

# Pages and the user who opens them: the editor's, reviewer's and author's dashboards, the
# editorial articles list (the API's, the only list of all articles today) and the library.
PAGES = [
    ("editor dashboard", "bench-editor", "/editorial/"),
    ("reviewer dashboard", "bench-reviewer-0", "/editorial/"),
    ("author dashboard", "bench-author", "/editorial/"),
    ("editorial articles", "bench-editor", "/api/v1/editorial/articles/"),
    ("editorial articles, filtered", "bench-editor", "/api/v1/editorial/articles/?status=under_review"),
    ("source library", "bench-author", "/editorial/sources/"),
    ("source library search", "bench-author", "/editorial/sources/?q=migraine"),
    ("source library API", "bench-author", "/api/v1/editorial/sources/"),
]


@dataclass
class PageTiming:
    name: str
    status: int
    queries: int
    median_ms: float
    slowest_ms: float


def measure(requests: int = 20) -> list[PageTiming]:
    """Each page's queries and timings; needs Django set up on the bench database."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    users = get_user_model().objects.in_bulk([user for _, user, _ in PAGES], field_name="username")
    timings = []
    for name, username, path in PAGES:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users[username])
        client.get(path)
        statements = []

        def count(execute, sql, params, many, context, statements=statements):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(path)
        seconds = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(path)
            seconds.append(time.perf_counter() - started)
        timings.append(
            PageTiming(
                name=name,
                status=response.status_code,
                queries=len(statements),
                median_ms=statistics.median(seconds) * 1000,
                slowest_ms=max(seconds) * 1000,
            )
        )
    return timings


def report(timings: list[PageTiming]) -> None:
    print(f"{'editorial page':<30} {'status':>6} {'queries':>8} {'median ms':>10} {'slowest ms':>11}")
    for t in timings:
        print(f"{t.name:<30} {t.status:>6} {t.queries:>8} {t.median_ms:>10.1f} {t.slowest_ms:>11.1f}")


def bench_setup() -> None:
    """Set Django up on the bench database with the bench settings, without a response cache."""
    import tempfile
    from pathlib import Path

    from bench.run import bench_environment

    workdir = Path(tempfile.gettempdir()) / "editorial-bench"
    os.environ.update(bench_environment(argparse.Namespace(cache="locmem"), workdir))
    os.environ["BENCH_CACHE"] = "none"
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    bench_setup()
    from django.db import connection

    print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.1f}")
    report(measure(args.requests))


if __name__ == "__main__":
    main()
