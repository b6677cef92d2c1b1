"""Count the CPU instructions of one uncached public request, in process, under callgrind.

    python -m bench.instructions [--requests 200] [--scenario "api list of 20"]    (after make bench)

Requests per second on a shared machine drift by a third within an hour; instruction counts do
not. ``valgrind --tool=callgrind`` counts what the Python process executes (Django, our code,
and SQLite's work when the database is SQLite; not PostgreSQL's server), so comparing two
commits on one scenario takes minutes and needs no quiet machine. Each scenario runs twice, with
``--requests`` requests and with none, after the same warm-up; the difference divided by
``--requests`` is one request's cost, without Python's start-up and Django's set-up.

The requests go through Django's test client with the bench settings and no response cache: the
full middleware stack, but no gunicorn and no sockets. Use the bench database that
``make bench`` seeded (``DATABASE_URL`` for PostgreSQL, as there). ``--settings`` counts under
another settings module (on ``PYTHONPATH``), e.g. ``bench.settings`` with one middleware
swapped, to weigh that middleware.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bench.run import bare_path, bench_environment, scenario_paths

WARM_UP = 100
SCENARIOS = ("api detail", "api list of 20", "html detail", "bare view")


def run_requests(scenario: str, requests: int) -> None:
    """In the child process: warm up, then make ``requests`` requests of ``scenario``."""
    import django

    django.setup()
    from django.test import Client

    from articles.models import Publication

    slugs = list(Publication.objects.current().order_by("pk").values_list("slug", flat=True))
    paths = [bare_path("api detail")] if scenario == "bare view" else scenario_paths(slugs)[scenario]
    client = Client(HTTP_HOST="127.0.0.1")
    for n in range(WARM_UP + requests):
        response = client.get(paths[n % len(paths)])
        if response.status_code != 200:
            sys.exit(f"{paths[n % len(paths)]} answered {response.status_code}: seed with make bench first")


def instructions(scenario: str, requests: int, env: dict) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "bench.instructions",
        "--child",
        scenario,
        "--requests",
        str(requests),
    ]
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    found = re.search(r"Collected : (\d+)", finished.stderr)
    if finished.returncode != 0 or not found:
        sys.exit(f"callgrind failed for {scenario}:\n{finished.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workdir", default="/tmp/editorial-bench")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS, help="only these (repeatable)")
    parser.add_argument("--settings", default="bench.settings", help="the settings module to count under")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_requests(args.child, args.requests)
        return
    if not shutil.which("valgrind"):
        sys.exit("valgrind is needed: apt-get install valgrind")
    env = {**bench_environment(argparse.Namespace(cache="locmem"), Path(args.workdir)), "BENCH_CACHE": "none"}
    env["DJANGO_SETTINGS_MODULE"] = args.settings
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [env["PYTHONPATH"], os.environ.get("PYTHONPATH")]))
    print(f"callgrind, {args.requests} uncached requests per scenario, in process, no response cache")
    for scenario in args.scenario or SCENARIOS:
        measured = instructions(scenario, args.requests, env) - instructions(scenario, 0, env)
        per_request = measured / args.requests
        print(f"{scenario:<16} {per_request / 1e6:8.2f} M instructions per request", flush=True)


if __name__ == "__main__":
    main()
