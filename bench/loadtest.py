"""Readers and editorial writers at once, on PostgreSQL under gunicorn; ``make loadtest`` runs it.

    python -m bench.loadtest [--duration 60] [--connections 64] [--writers 4] [--workers 4]

1. Creates the database afresh (``DATABASE_URL``: PostgreSQL, a name containing "loadtest" and
   "bench"; the writers' articles of an earlier run cannot be deleted, their records being
   append-only), prepares it as ``bench.run`` does (N published articles) and creates the
   writers' accounts: an author, an editor and two board members of the topic.
2. Serves the production settings (``bench.settings``, response cache on) with gunicorn on
   127.0.0.1.
3. For ``--duration`` seconds, readers load the public API (detail and list) and the article
   pages over ``--connections`` connections (wrk, or ``bench/load.py`` without it), while
   ``--writers`` threads drive the editorial API: create a draft, submit, assign two reviewers,
   start the review, sign off twice (approved at quorum), and retract every third article.
4. Reports the readers' and the writers' requests, errors (goal: 0) and p99, then checks that
   every write's outcome is visible: each article's editorial status is the one its last
   answered step left, and the public API answers it (200 with its title when approved, 410
   when retracted). Exits non-zero on any error or lost write.

Every step is bounded in time; all traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench.load import _percentile
from bench.run import bench_environment, prepare, run_load, start_server, stop_server

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/editorial_loadtest_bench"
HOST = "127.0.0.1"
PASSWORD = "loadtest-pass-2026"
TOPIC = "oncology"
RETRACT_EVERY = 3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--connections", type=int, default=64, help="readers' connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--writers", type=int, default=4, help="editorial writer threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--articles", type=int, default=1000, help="published articles to read")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--cache", choices=["locmem", "redis"], default="locmem")
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "editorial-loadtest"))
    parser.add_argument("--python-load", action="store_true", help="use bench/load.py even if wrk exists")
    return parser.parse_args()


def recreate_database(database_url: str) -> None:
    """Drop the load test's database if it exists, and create it empty."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if "loadtest" not in name or '"' in name:
        raise SystemExit(f"Refusing to recreate {name!r}: the load test's database name must say 'loadtest'.")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def create_writers() -> dict[str, str]:
    """The writers' accounts (idempotent): role -> username."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from articles.models import Specialty
    from reviews.models import BoardMember

    users = get_user_model().objects
    topic = Specialty.objects.get(slug=TOPIC)
    accounts = {
        "author": "load-author",
        "editor": "load-editor",
        "reviewer1": "load-dr-a",
        "reviewer2": "load-dr-b",
    }
    for role, username in accounts.items():
        user, _ = users.get_or_create(
            username=username, defaults={"first_name": role.title(), "last_name": "Load"}
        )
        user.set_password(PASSWORD)
        user.save()
        codenames = {"author": ["add_article"], "editor": ["manage_board", "add_article"]}.get(role, [])
        user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
        if role.startswith("reviewer"):
            member, _ = BoardMember.objects.get_or_create(
                user=user, defaults={"display_name": f"Dr. {username}", "credentials": "MD"}
            )
            member.specialties.add(topic)
    return accounts


@dataclass
class Article:
    id: int
    slug: str
    title: str
    status: str  # what the last answered step left it in


@dataclass
class WriteLog:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Api:
    """The editorial API over plain HTTP on 127.0.0.1, one token per account."""

    def __init__(self, port: int, log: WriteLog):
        self.port = port
        self.log = log
        self.tokens: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None, *, token: str | None = None):
        headers = {"Content-Type": "application/json", "Host": HOST}
        if token:
            headers["Authorization"] = f"Token {token}"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request(
                method, path, body=json.dumps(body) if body is not None else None, headers=headers
            )
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        return response.status, (json.loads(content) if content.startswith((b"{", b"[")) else {})

    def log_in(self, username: str) -> None:
        status, answer = self.request(
            "POST", "/api/v1/auth/token/", {"username": username, "password": PASSWORD}
        )
        if status != 200:
            raise SystemExit(f"{username} could not log in: {status} {answer}")
        self.tokens[username] = answer["token"]

    def step(self, as_user: str, method: str, path: str, body: dict | None, expected: int) -> dict | None:
        """One write; its latency is logged, and an unexpected answer is an error."""
        started = time.perf_counter()
        try:
            status, answer = self.request(method, path, body, token=self.tokens[as_user])
        except OSError as error:
            status, answer = 0, {"detail": repr(error)}
        with self.log.lock:
            self.log.latencies_ms.append((time.perf_counter() - started) * 1000)
            if status != expected:
                self.log.errors.append(f"{method} {path} as {as_user}: {status} {answer}")
        return answer if status == expected else None


def write_cycle(api: Api, accounts: dict[str, str], n: int) -> Article | None:
    """Draft, submit, assign two reviewers, start the review, two approvals; every third, retract."""
    author, editor = accounts["author"], accounts["editor"]
    created = api.step(
        author,
        "POST",
        "/api/v1/editorial/articles/",
        {
            "title": f"Load test article {n} {time.time_ns()}",
            "summary": "Written while readers load the public site.",
            "body": "## Overview\n\nA short article written by the load test.\n",
            "audience": "patient",
            "topic": TOPIC,
        },
        201,
    )
    if created is None:
        return None
    article = Article(created["id"], created["slug"], created["title"], "draft")
    base = f"/api/v1/editorial/articles/{article.id}"
    # The last item names the field of the answer that gives the article's status, if any.
    steps = [
        (author, f"{base}/submit/", {}, 200, "status"),
        (editor, f"{base}/assignments/", {"reviewer": accounts["reviewer1"]}, 201, None),
        (editor, f"{base}/assignments/", {"reviewer": accounts["reviewer2"]}, 201, None),
        (editor, f"{base}/start-review/", {}, 200, "status"),
    ]
    approval = {"decision": "approve", "attestation": True, "conflict_of_interest": False}
    steps += [
        (accounts[r], f"{base}/signoffs/", approval, 201, "article_status")
        for r in ("reviewer1", "reviewer2")
    ]
    for user, path, body, expected, status_field in steps:
        answer = api.step(user, "POST", path, body, expected)
        if answer is None:
            return article
        if status_field:
            article.status = answer[status_field]
    retract = n % RETRACT_EVERY == 0 and article.status == "approved"
    if retract and api.step(
        editor, "POST", f"{base}/retract/", {"notice": "Withdrawn by the load test."}, 200
    ):
        article.status = "retracted"
    return article


def run_writers(api: Api, accounts: dict[str, str], count: int, deadline: float) -> None:
    numbers = itertools.count(1)
    lock = threading.Lock()

    def writer() -> None:
        while time.monotonic() < deadline:
            with lock:
                n = next(numbers)
            article = write_cycle(api, accounts, n)
            if article is not None:
                with api.log.lock:
                    api.log.articles.append(article)

    threads = [threading.Thread(target=writer, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=deadline - time.monotonic() + 120)


def lost_writes(api: Api, editor: str, articles: list[Article]) -> list[str]:
    """Each article as its last answered step left it: editorial status, and the public answer."""
    public_status = {"approved": 200, "retracted": 410}
    lost = []
    for article in articles:
        status, answer = api.request(
            "GET", f"/api/v1/editorial/articles/{article.id}/", token=api.tokens[editor]
        )
        if status != 200 or answer.get("status") != article.status:
            lost.append(
                f"article {article.id}: editorial {status} {answer.get('status')}, expected {article.status}"
            )
            continue
        expected = public_status.get(article.status, 404)
        status, answer = api.request("GET", f"/api/v1/articles/{article.slug}/")
        if status != expected or (status == 200 and answer.get("title") != article.title):
            lost.append(
                f"article {article.id} ({article.status}): public API answered {status}, expected {expected}"
            )
    return lost


def reader_paths(slugs: list[str]) -> list[str]:
    """The public API's detail and list and the article page, interleaved over every article."""
    pages = max(1, min(50, len(slugs) // 20))
    paths = []
    for n, slug in enumerate(slugs):
        paths += [
            f"/api/v1/articles/{slug}/",
            f"/articles/{slug}/",
            f"/api/v1/articles/?page={n % pages + 1}",
        ]
    return paths


def main() -> None:
    args = parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        raise SystemExit("make loadtest runs on PostgreSQL: set DATABASE_URL=postgres://.../NAME_bench")
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    env = bench_environment(args, workdir)
    recreate_database(env["DATABASE_URL"])
    scenarios, _queries = prepare(args, env, workdir)
    accounts = create_writers()
    slugs = [path.rsplit("/", 2)[-2] for path in scenarios["api detail"]]
    env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

    log = WriteLog()
    api = Api(args.port, log)
    server = start_server(args, env, args.cache)
    try:
        for username in accounts.values():
            api.log_in(username)
        print(
            f"loadtest: {args.duration}s, readers on {args.connections} connections, {args.writers} writers, "
            f"gunicorn {args.workers} sync workers, {os.cpu_count()} CPUs shared by all; "
            f"load average before: {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        deadline = time.monotonic() + args.duration
        writers = threading.Thread(target=run_writers, args=(api, accounts, args.writers, deadline))
        writers.start()
        readers = run_load(args, reader_paths(slugs), args.duration, workdir)
        writers.join()
        time.sleep(1.5)  # PUBLIC_FRESHNESS_SECONDS: each worker notices the last change within a second
        lost = lost_writes(api, accounts["editor"], log.articles)
    finally:
        stop_server(server)

    writes = sorted(log.latencies_ms)
    final = {status: sum(a.status == status for a in log.articles) for status in ("approved", "retracted")}
    print(
        f"readers: {readers.requests} requests ({readers.requests_per_second:.0f}/s), "
        f"{readers.errors} errors, p50 {readers.p50_ms:.1f} ms, p99 {readers.p99_ms:.1f} ms"
    )
    print(
        f"writers: {len(writes)} requests ({len(writes) / args.duration:.1f}/s), {len(log.errors)} errors, "
        f"p50 {_percentile(writes, 0.5):.1f} ms, p99 {_percentile(writes, 0.99):.1f} ms; "
        f"{len(log.articles)} articles: {final['approved']} approved, {final['retracted']} retracted"
    )
    visible = len(log.articles) - len(lost)
    print(f"afterwards: {visible} of {len(log.articles)} outcomes visible, {len(lost)} lost")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    for line in (log.errors + lost)[:20]:
        print("  ", line)
    if readers.errors or log.errors or lost:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
