"""Time the public reads in process, one request at a time, without a response cache.

    python -m bench.reads [--requests 300]        # on the bench database (make bench seeds it)

The scenarios of ``bench.run`` through Django's test client (the bench settings, the full
middleware stack, no gunicorn or HTTP): each request walks to the scenario's next path, and the
run prints the median and the 99th percentile of the requests and of their SQL. One request at a
time, so a figure moves with the machine's load far less than a loaded server's; compare two
database sizes with it, run one after the other.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(requests: int) -> list[tuple[str, float, float, float, float]]:
    """(scenario, median ms, p99 ms, median SQL ms, p99 SQL ms) of each public scenario."""
    from django.db import connection
    from django.test import Client

    from bench.run import scenario_paths
    from bench.seed import listed_slugs

    client = Client(HTTP_HOST="127.0.0.1")
    rows = []
    for name, paths in scenario_paths(listed_slugs()).items():
        for path in paths[:20]:
            client.get(path)  # warm-up: the worker's first requests, the database's pages
        wall, sql = [], []
        for k in range(requests):
            spent = []

            def timed(execute, query, params, many, context, spent=spent):
                started = time.perf_counter()
                try:
                    return execute(query, params, many, context)
                finally:
                    spent.append(time.perf_counter() - started)

            with connection.execute_wrapper(timed):
                started = time.perf_counter()
                response = client.get(paths[(k * 7919) % len(paths)])
                wall.append(time.perf_counter() - started)
            assert response.status_code == 200, (name, response.status_code)
            sql.append(sum(spent))
        rows.append(
            (
                name,
                statistics.median(wall) * 1000,
                percentile(wall, 0.99) * 1000,
                statistics.median(sql) * 1000,
                percentile(sql, 0.99) * 1000,
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    from bench.editorial import bench_setup

    bench_setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("collectstatic", verbosity=0, interactive=False)
    print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.1f}")
    print(f"{'scenario':<18} {'p50 ms':>8} {'p99 ms':>8} {'SQL p50':>8} {'SQL p99':>8}")
    for name, p50, p99, sql50, sql99 in measure(args.requests):
        print(f"{name:<18} {p50:>8.2f} {p99:>8.2f} {sql50:>8.2f} {sql99:>8.2f}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
