"""nginx as ``deploy/nginx.conf`` configures it, started on 127.0.0.1 for the benchmark and tests.

``render`` takes the deployed configuration and changes only where it listens, where gunicorn
is, and where it keeps its cache, logs and pid, so what is measured and tested is what ships.
``static_root`` adds a location serving files as they are (the ceiling the proxied pages are
compared with in ``make bench``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "nginx.conf"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)), None
    )


def _replace(text: str, pattern: str, replacement: str) -> str:
    changed, count = re.subn(pattern, replacement, text, flags=re.M)
    if count != 1:
        raise ValueError(f"deploy/nginx.conf no longer has one {pattern!r}")
    return changed


def render(*, port: int, upstream_port: int, workdir: Path, static_root: Path | None = None) -> str:
    """``deploy/nginx.conf`` listening on 127.0.0.1:``port`` in front of ``upstream_port``."""
    text = CONFIG.read_text()
    text = _replace(text, r"^pid .*;$", f"pid {workdir / 'nginx.pid'};")
    text = _replace(text, r"^error_log .*;$", f"error_log {workdir / 'error.log'} warn;")
    text = _replace(text, r"^(\s*)access_log .*;$", r"\1access_log off;")
    text = _replace(
        text, r"proxy_cache_path /var/cache/nginx/editorial", f"proxy_cache_path {workdir / 'cache'}"
    )
    text = _replace(text, r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{upstream_port};")
    text = _replace(text, r"^(\s*)listen 80;$", rf"\1listen 127.0.0.1:{port};")
    temp = "\n".join(
        f"    {kind}_temp_path {workdir / 'tmp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = _replace(text, r"^http \{$", "http {\n" + temp)
    if static_root is not None:
        static = f"        location /__static__/ {{\n            alias {static_root}/;\n        }}\n"
        text = _replace(text, r"^(\s*)# Everything else", static + r"\1# Everything else")
    if os.geteuid() == 0:
        # As root, nginx's workers would run as nobody, who cannot write this cache directory.
        text = "user root;\n" + text
    return text


class Nginx:
    """A running nginx with ``render``'s configuration; ``stop`` ends it."""

    def __init__(self, *, port: int, upstream_port: int, workdir: Path, static_root: Path | None = None):
        self.port = port
        self.workdir = workdir
        for directory in ("cache", "tmp"):
            (workdir / directory).mkdir(parents=True, exist_ok=True)
        self.config = workdir / "nginx.conf"
        self.config.write_text(
            render(port=port, upstream_port=upstream_port, workdir=workdir, static_root=static_root)
        )
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed")
        # -e: nginx opens its default error log before reading the configuration.
        self.process = subprocess.Popen(
            [binary, "-c", str(self.config), "-e", str(workdir / "error.log"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_until_listening()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.process.stderr.read().decode(errors='replace')}")
            try:
                urllib.request.urlopen(f"{self.url}/__nginx_is_up__", timeout=1)
                return
            except urllib.error.HTTPError:
                return  # an answer, whatever it is
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("nginx did not start listening within 15 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


# make bench: the proxy scenario ----------------------------------------------------------------

PROXIED = ("api detail", "html detail")
# Pages of a scenario put into nginx's cache before it is loaded, one at a time: all 72,000
# articles of a 100,000-article database would take the warm-up twenty minutes.
PROXY_PATHS = 2000


def proxy_rows(args, scenarios: dict[str, list[str]], workdir: Path, run_load) -> list[tuple]:
    """``make bench``'s rows through nginx in front of the running gunicorn, each next to nginx
    serving a static file of the same bytes (the ceiling). ``run_load(args, paths, seconds,
    workdir)`` is bench.run's. Nothing when nginx is not installed."""
    if nginx_binary() is None:
        print(
            "nginx is not installed: no scenario through the proxy (apt-get install nginx-light)", flush=True
        )
        return []
    proxy_args = argparse.Namespace(**{**vars(args), "port": args.port + 1})
    nginx = Nginx(
        port=proxy_args.port, upstream_port=args.port, workdir=workdir / "nginx", static_root=workdir / "bare"
    )
    rows = []
    try:
        for name in [name for name in PROXIED if name in scenarios]:  # those --only kept
            paths = scenarios[name][:PROXY_PATHS]
            static = f"/__static__/{name.replace(' ', '-')}.{'html' if name.startswith('html') else 'json'}"
            for path in paths:  # every page into nginx's cache, however slow its first render
                urllib.request.urlopen(nginx.url + path, timeout=30).read()
            rows.append((name, "through nginx", run_load(proxy_args, paths, args.duration, workdir), "0"))
            rows.append((name, "nginx static", run_load(proxy_args, [static], args.duration, workdir), "0"))
    finally:
        nginx.stop()
    return rows
