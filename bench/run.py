"""Benchmark the public API and pages under gunicorn; ``make bench`` runs it.

    python -m bench.run [--articles 1000] [--duration 10] [--connections 16] [--cache locmem|redis]

1. Makes (or reuses) a separate bench database: a SQLite file in ``--workdir`` by default, or
   ``DATABASE_URL`` (its database name must contain "bench": the run migrates and writes to it).
2. Seeds N articles in a realistic mix of states (``bench/seed.py``) and collects the static files.
3. Counts the SQL queries of one request per scenario, cold and cached, in process, and times
   the editorial pages and the review steps on a long history (``bench/editorial.py``,
   ``bench/workflow.py``; ``--skip-editorial`` leaves them out).
4. Serves ``bench.settings`` (production settings: DEBUG off, a SECRET_KEY, manifest static files)
   with gunicorn, 2 sync workers, on 127.0.0.1, twice: without a response cache ("cold": every
   request reads the database and renders) and with one ("cached", after a warm-up pass).
5. Loads each scenario with wrk (``apt-get install wrk``) or, without it, the threaded Python
   load generator of ``bench/load.py``, for ``--duration`` seconds with ``--connections``
   connections, and prints requests/s, p50 and p99 latency, errors and queries per request,
   next to a bare Django view returning the same bytes (the framework's ceiling here).
6. With nginx installed, loads the article scenarios again through ``deploy/nginx.conf`` in front
   of the cached server, next to nginx serving a static file of the same bytes (``bench/nginx.py``).

Every step is bounded in time and all traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.nginx import PROXIED, proxy_rows

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# wrk's script (also used by bench/wagtail/run.sh): each thread walks the paths in order from
# its own offset, so a warm-up pass covers them all.
LUA_SCRIPT = ROOT / "bench" / "paths.lua"


@dataclass
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=int(os.environ.get("BENCH_ARTICLES", 1000)))
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured scenario")
    parser.add_argument("--warmup", type=int, default=8, help="seconds of warm-up per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--cache", choices=["locmem", "redis"], default="locmem")
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "editorial-bench"))
    parser.add_argument("--python-load", action="store_true", help="use bench/load.py even if wrk exists")
    parser.add_argument(
        "--skip-editorial", action="store_true", help="leave out the editorial pages and the workflow steps"
    )
    parser.add_argument("--only", nargs="*", help="the scenarios to load (default: all)")
    return parser.parse_args()


def bench_environment(args: argparse.Namespace, workdir: Path) -> dict:
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    name = urlsplit(database_url).path.rsplit("/", 1)[-1]
    if "bench" not in name:
        sys.exit(f"Refusing to seed {database_url!r}: the bench database's name must contain 'bench'.")
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        DB_CONN_MAX_AGE="600",
        DEBUG="0",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        BENCH_BARE_DIR=str(workdir / "bare"),
        BENCH_STATIC_ROOT=str(workdir / "static"),
        BENCH_CACHE="locmem",
        PYTHONPATH=str(ROOT),
    )
    if args.cache == "redis":
        env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    return env


def scenario_paths(slugs: list[str]) -> dict[str, list[str]]:
    """The paths each scenario loads, in order: every article; up to 50 list pages; the first
    page; a page halfway down the list, by its number and by the link of the page before it
    (``next``, which starts after that page's last row); a topic; a search
    (``bench.seed.SEARCH_TERM``)."""
    from bench.seed import SEARCH_TERM, TOPICS

    pages = max(1, min(50, len(slugs) // 20))
    deep = max(2, len(slugs) // 40)
    return {
        "api detail": [f"/api/v1/articles/{slug}/" for slug in slugs],
        "api list of 20": [f"/api/v1/articles/?page={p}" for p in range(1, pages + 1)],
        "api list first": ["/api/v1/articles/"],
        "api list deep": [f"/api/v1/articles/?page={deep}"],
        "api list deep next": [_next_link(slugs[(deep - 1) * 20 - 1], deep)],
        "api list topic": [f"/api/v1/articles/?topic={TOPICS[0].lower()}"],
        "api list search": [f"/api/v1/articles/?q={SEARCH_TERM}"],
        "html detail": [f"/articles/{slug}/" for slug in slugs],
    }


def _next_link(last_slug: str, number: int) -> str:
    """The path of page ``number`` as the ``next`` link of the page ending with ``last_slug`` has it."""
    from articles.models import Publication
    from public.listing import DEFAULT_ORDERING
    from public.positions import Position

    last = Publication.objects.current().get(slug=last_slug)
    after = Position(DEFAULT_ORDERING, [last.last_reviewed_at, last.pk]).token()
    return f"/api/v1/articles/?after={after}&page={number}"


def bare_path(scenario: str) -> str:
    """The bare view answering with the bytes of ``scenario``'s first response."""
    return f"/__bench__/bare/{scenario.replace(' ', '-')}"


def prepare(args: argparse.Namespace, env: dict, workdir: Path) -> tuple[list[str], dict]:
    """Migrate, seed, collect static files, store the bare bodies and count queries (in process)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.seed import seed

    print(f"database: {connection.vendor} ({env['DATABASE_URL'].split('@')[-1]})", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    started = time.monotonic()
    slugs = seed(args.articles)
    # As a deploy does: a bench database seeded by earlier code gets documents in today's format.
    call_command("render_public_documents", verbosity=0)
    print(
        f"{args.articles} articles, {len(slugs)} of them listed, ready in {time.monotonic() - started:.1f}s "
        f"(load average {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    if not args.skip_editorial:
        from bench import editorial, workflow

        editorial.report(editorial.measure(requests=10))
        workflow.report(workflow.measure(repeat=5, revisions=1000, rounds=50))

    client = Client(HTTP_HOST="127.0.0.1")
    scenarios = scenario_paths(slugs)
    bare_dir = workdir / "bare"
    bare_dir.mkdir(parents=True, exist_ok=True)
    queries = {}
    for name, paths in scenarios.items():
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            response = client.get(paths[0])
        assert response.status_code == 200, (paths[0], response.status_code)
        with CaptureQueriesContext(connection) as cached:
            client.get(paths[0])
        # Without the content version's read, which a process makes once a second (public.freshness).
        queries[name] = tuple(
            sum("public_contentchange" not in query["sql"] for query in captured.captured_queries)
            for captured in (cold, cached)
        )
        extension = "html" if name.startswith("html") else "json"
        (bare_dir / f"{name.replace(' ', '-')}.{extension}").write_bytes(response.content)
    return scenarios, queries


def start_server(args: argparse.Namespace, env: dict, cache_mode: str) -> subprocess.Popen:
    server_env = {**env, "BENCH_CACHE": cache_mode}
    command = [
        str(BIN / "gunicorn"),
        "editorial.wsgi:application",
        f"--workers={args.workers}",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{args.port}",
        "--log-level=warning",
        "--backlog=2048",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=server_env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{args.port}/api/v1/articles/?page_size=1", timeout=2
            ):
                return server
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn exited; see its output above")
            time.sleep(0.2)
    stop_server(server)
    sys.exit("gunicorn did not answer within 30 s")


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


def run_load(args: argparse.Namespace, paths: list[str], seconds: int, workdir: Path) -> Result:
    path_file = workdir / "paths.txt"
    path_file.write_text("\n".join(paths) + "\n")
    if shutil.which("wrk") and not args.python_load:
        return run_wrk(args, path_file, seconds)
    from bench.load import run as python_load

    stats = python_load(
        "127.0.0.1", args.port, paths, connections=args.connections, seconds=seconds, timeout=10
    )
    return Result(stats.requests_per_second, stats.p50_ms, stats.p99_ms, stats.errors, stats.requests)


def run_wrk(args: argparse.Namespace, path_file: Path, seconds: int) -> Result:
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
        f"--script={LUA_SCRIPT}",
        f"http://127.0.0.1:{args.port}",
    ]
    output = subprocess.run(
        command,
        env={**os.environ, "BENCH_PATHS": str(path_file)},
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    return parse_wrk(output)


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse_wrk(output: str) -> Result:
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)", output, re.M))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = (sum(int(n) for n in socket.groups()) if socket else 0) + (
        int(non_2xx.group(1)) if non_2xx else 0
    )
    return Result(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_ms(percentiles["50"]),
        p99_ms=_ms(percentiles["99"]),
        errors=errors,
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
    )


def main() -> None:
    args = parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    env = bench_environment(args, workdir)
    scenarios, queries = prepare(args, env, workdir)
    if args.only:
        scenarios = {name: paths for name, paths in scenarios.items() if name in args.only}
    load_tool = "wrk" if shutil.which("wrk") and not args.python_load else "bench/load.py"
    print(
        f"load: {load_tool}, {args.connections} connections, {args.duration}s per scenario; "
        f"gunicorn {args.workers} sync workers; {os.cpu_count()} CPUs shared by server and load; "
        f"load average before: {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    rows: list[tuple[str, str, Result, str]] = []
    server = start_server(args, env, "none")
    try:
        for name, paths in scenarios.items():
            # Warmed up like the cached runs: a fresh worker imports the URLconf, the views and
            # the API schema machinery on its first request, which is start-up, not serving.
            run_load(args, paths, args.warmup, workdir)
            rows.append((name, "cold", run_load(args, paths, args.duration, workdir), str(queries[name][0])))
    finally:
        stop_server(server)

    cold_rate = {name: result.requests_per_second for name, _mode, result, _queries in rows}
    server = start_server(args, env, args.cache)
    try:
        for name, paths in scenarios.items():
            # Every page into the cache before the measurement, so that it reads hits: at 100,000
            # articles the detail's 72,000 pages outlast the warm-up at the cold rate.
            run_load(
                args, paths, max(args.warmup, math.ceil(1.2 * len(paths) / max(cold_rate[name], 1))), workdir
            )
            rows.append(
                (
                    name,
                    f"cached ({args.cache})",
                    run_load(args, paths, args.duration, workdir),
                    str(queries[name][1]),
                )
            )
            rows.append((name, "bare view", run_load(args, [bare_path(name)], args.duration, workdir), "0"))
        rows += proxy_rows(args, scenarios, workdir, run_load)
    finally:
        stop_server(server)

    print()
    print(
        f"{'scenario':<16} {'mode':<16} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'queries':>8}"
    )
    for name, mode, result, query_count in rows:
        print(
            f"{name:<16} {mode:<16} {result.requests_per_second:>9.0f} {result.p50_ms:>8.2f} "
            f"{result.p99_ms:>8.2f} {result.errors:>7} {query_count:>8}"
        )
    by_key = {(name, mode.split()[0]): result for name, mode, result, _ in rows}
    print(f"load average after: {os.getloadavg()[0]:.1f} (other processes on this machine skew the figures)")
    for name, goal in (("api detail", 1000), ("api list of 20", 600)):
        if (name, "cold") not in by_key:
            continue
        cold, cached, bare = (by_key[(name, mode)].requests_per_second for mode in ("cold", "cached", "bare"))
        print(
            f"{name}: cold {cold:.0f} req/s ({cold / bare:.1%} of the bare view), cached {cached:.0f} "
            f"req/s (goal {goal}); cached is {cached / bare:.0%} of the bare view (goal 50%)"
        )
    for name in PROXIED:
        if (name, "through") in by_key:
            proxied, static = (by_key[(name, mode)].requests_per_second for mode in ("through", "nginx"))
            print(
                f"{name} through nginx: {proxied:.0f} req/s, {proxied / static:.0%} of nginx serving the "
                f"same bytes as a static file ({static:.0f} req/s; goal 50%)"
            )


if __name__ == "__main__":
    main()
