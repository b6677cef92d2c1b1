"""A small threaded HTTP load generator, for machines without wrk.

Each of ``connections`` threads sends GET requests in turn (a new connection per request, as
gunicorn's sync workers close each one) until ``seconds`` have passed, then the latencies are
summarised. Slower than wrk, so its figures are a lower bound of what the server can do.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass


@dataclass
class Stats:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def run(host: str, port: int, paths: list[str], *, connections: int, seconds: float, timeout: float) -> Stats:
    """Load ``http://host:port`` with ``paths`` in rotation; bounded by ``seconds``."""
    assert host in ("127.0.0.1", "localhost", "::1"), "load only a server on this machine"
    deadline = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections

    def worker(index: int) -> None:
        n = index
        while time.monotonic() < deadline:
            path = paths[n % len(paths)]
            n += connections
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(host, port, timeout=timeout)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status >= 400:
                    errors[index] += 1
            except OSError:
                errors[index] += 1
            latencies[index].append((time.perf_counter() - started) * 1000)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + timeout + 5)
    elapsed = time.monotonic() - started
    values = sorted(v for per_thread in latencies for v in per_thread)
    return Stats(
        requests=len(values),
        errors=sum(errors),
        seconds=elapsed,
        p50_ms=_percentile(values, 0.50),
        p99_ms=_percentile(values, 0.99),
    )
