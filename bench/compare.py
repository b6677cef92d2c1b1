"""Compare our public API with Wagtail 8's API v2 in alternating rounds on one machine.

    python -m bench.compare [--rounds 5] [--duration 5] [--warmup 2] [--wagtail-site plain|ref]
    (DATABASE_URL and WAGTAIL_BENCH_DATABASE_URL select PostgreSQL, as for make bench and
    bench/wagtail/run.sh)

The goal is a ratio (ours at least ten times Wagtail's requests per second), and on a shared
machine the speed of both drifts by a third within minutes, so figures from two runs minutes
apart can decide nothing. Here both servers run side by side (gunicorn, 2 sync workers each; ours
without a response cache, so every request is cold), and each round loads one, then the other,
for each scenario: a short warm-up, then ``--duration`` seconds measured, the order alternating
from round to round. The ratio of each round is taken over seconds, not minutes, and the summary
gives the median and the lowest over the rounds. Each measurement also reads the CPU time the
server's processes used (``/proc``), so the summary gives the server's CPU per request: the
figure that moves least with whatever else the machine is doing.

Wagtail is served by ``bench/wagtail/run.sh`` (its own venv and database; see its README), with
``SERVE_PATHS_DIR`` so that it serves without loading itself: by default the plain site that
``wagtail start`` makes (``--wagtail-site plain``), or the richer reference site (``ref``).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.run import ROOT, bench_environment, prepare, run_wrk, start_server, stop_server

WAGTAIL_PORT = 8100
# Our scenario, and the file of Wagtail's paths for the same page.
SCENARIOS = {"api detail": "detail.txt", "api list of 20": "list.txt"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=5, help="seconds measured per server and scenario")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up before each measurement")
    parser.add_argument("--articles", type=int, default=int(os.environ.get("BENCH_ARTICLES", 1000)))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "editorial-bench"))
    parser.add_argument("--wagtail-site", choices=("plain", "ref"), default="plain")
    args = parser.parse_args()
    args.cache = "locmem"  # bench.run's environment; the server started here has no cache at all
    args.skip_editorial = True  # bench.run's in-process editorial timings: not compared here
    return args


def start_wagtail(paths_dir: Path, site: str) -> subprocess.Popen:
    """``bench/wagtail/run.sh`` in serve-only mode; returns once its path lists are written."""
    env = {**os.environ, "SERVE_PATHS_DIR": str(paths_dir), "PORT": str(WAGTAIL_PORT), "WAGTAIL_SITE": site}
    env.pop("DATABASE_URL", None)  # ours; Wagtail's is WAGTAIL_BENCH_DATABASE_URL
    server = subprocess.Popen(
        ["bash", str(ROOT / "bench" / "wagtail" / "run.sh")], env=env, start_new_session=True
    )
    deadline = time.monotonic() + 900  # the first run builds Wagtail's venv and seeds it
    while not all((paths_dir / name).exists() for name in SCENARIOS.values()):
        if server.poll() is not None:
            sys.exit("bench/wagtail/run.sh exited; see its output above")
        if time.monotonic() > deadline:
            stop_wagtail(server)
            sys.exit("bench/wagtail/run.sh did not start serving within 15 minutes")
        time.sleep(0.5)
    return server


def stop_wagtail(server: subprocess.Popen) -> None:
    # run.sh stops its gunicorn on TERM (its EXIT trap).
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user and system) used so far by process ``root`` and all its descendants."""
    parents, times = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name, in parentheses, may hold spaces: split after it.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        times[pid] = int(fields[11]) + int(fields[12])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    return sum(times.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


def measure(args: argparse.Namespace, port: int, path_file: Path, server_pid: int) -> tuple[float, float]:
    """Requests per second of the server on ``port`` over ``path_file`` after a warm-up, and the
    server's CPU milliseconds per request."""
    on_port = argparse.Namespace(**{**vars(args), "port": port})
    run_wrk(on_port, path_file, args.warmup)
    cpu_before = process_tree_cpu(server_pid)
    result = run_wrk(on_port, path_file, args.duration)
    cpu_ms = (process_tree_cpu(server_pid) - cpu_before) * 1000 / max(result.requests, 1)
    if result.errors:
        sys.exit(f"{result.errors} errors loading {path_file} on port {port}")
    return result.requests_per_second, cpu_ms


def main() -> None:
    args = parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    env = bench_environment(args, workdir)
    scenarios, _queries = prepare(args, env, workdir)
    ours = {}
    for name in SCENARIOS:
        ours[name] = workdir / f"compare-{name.replace(' ', '-')}.txt"
        ours[name].write_text("\n".join(scenarios[name]) + "\n")

    with tempfile.TemporaryDirectory(dir=workdir) as wagtail_paths:
        wagtail = start_wagtail(Path(wagtail_paths), args.wagtail_site)
        try:
            server = start_server(args, env, "none")
            try:
                pids = {"wagtail": wagtail.pid, "ours": server.pid}
                rounds = run_rounds(args, ours, Path(wagtail_paths), pids)
            finally:
                stop_server(server)
        finally:
            stop_wagtail(wagtail)
    report(rounds)


def run_rounds(args: argparse.Namespace, ours: dict, wagtail_paths: Path, pids: dict) -> list[dict]:
    print(
        f"Wagtail site: {args.wagtail_site}; {args.rounds} rounds; per server and scenario "
        f"{args.warmup} s warm-up, {args.duration} s measured; wrk -t{args.threads} "
        f"-c{args.connections}; {os.cpu_count()} CPUs",
        flush=True,
    )
    print(
        f"{'round':>5} {'scenario':<16} {'wagtail req/s':>14} {'ours req/s':>11} {'ratio':>7}"
        f" {'wagtail CPU ms':>15} {'ours CPU ms':>12}",
        flush=True,
    )
    rounds = []
    for number in range(1, args.rounds + 1):
        measured = {}
        for name, wagtail_file in SCENARIOS.items():
            sides = [("wagtail", WAGTAIL_PORT, wagtail_paths / wagtail_file), ("ours", args.port, ours[name])]
            if number % 2 == 0:
                sides.reverse()
            figures = {side: measure(args, port, path_file, pids[side]) for side, port, path_file in sides}
            rates = {side: rate for side, (rate, _cpu) in figures.items()}
            cpu = {side: cpu_ms for side, (_rate, cpu_ms) in figures.items()}
            measured[name] = {"rates": rates, "cpu": cpu}
            print(
                f"{number:>5} {name:<16} {rates['wagtail']:>14.1f} {rates['ours']:>11.0f} "
                f"{rates['ours'] / rates['wagtail']:>6.1f}x {cpu['wagtail']:>15.2f} {cpu['ours']:>12.3f}",
                flush=True,
            )
        rounds.append(measured)
    return rounds


def report(rounds: list[dict]) -> None:
    print()
    for name in SCENARIOS:
        ratios = [r[name]["rates"]["ours"] / r[name]["rates"]["wagtail"] for r in rounds]
        cpu = {side: statistics.median(r[name]["cpu"][side] for r in rounds) for side in ("wagtail", "ours")}
        print(
            f"{name}: ours / Wagtail median {statistics.median(ratios):.1f}x, lowest {min(ratios):.1f}x, "
            f"highest {max(ratios):.1f}x over {len(ratios)} rounds (goal 10x); server CPU per "
            f"request (median) Wagtail {cpu['wagtail']:.2f} ms, ours {cpu['ours']:.3f} ms "
            f"({cpu['wagtail'] / cpu['ours']:.1f}x)"
        )


if __name__ == "__main__":
    main()
