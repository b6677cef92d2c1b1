"""Run the product from its runtime requirements alone, with a real Celery worker on Redis.

    .venv-runtime/bin/python .ci/runtime_smoke.py        (``make smoke``, which .ci/run calls)

The test suite's environment holds the test tools too, so a package that only they pull in can
hide a missing runtime requirement (kombu's Redis transport imports ``packaging``). This starts
the web process (gunicorn) and a worker from the environment ``make run`` builds, on a fresh
SQLite database and Redis at 127.0.0.1:6379 (database 13), drives one transition over HTTP (an
author submits a draft: the editors are notified) and waits for the worker to deliver the
notification by email. Exits non-zero, saying why, when any step fails. Everything it starts is
stopped, and it gives up after ``TIMEOUT`` seconds.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TIMEOUT = 90
BROKER = "redis://127.0.0.1:6379/13"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fail(message: str) -> None:
    print(f"FAIL: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def call(url: str, *, data: dict | None = None, token: str = "") -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {"error": error.read().decode(errors="replace")[:2000]}
    except OSError as error:  # not listening yet
        return 0, {"error": str(error)}


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def wait_for(check, what: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    fail(f"gave up waiting for {what}")


def main() -> None:
    deadline = time.monotonic() + TIMEOUT
    workdir = Path(tempfile.mkdtemp(prefix="editorial-smoke-"))
    mail = workdir / "mail"
    port = free_port()
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("DJANGO", "DATABASE"))},
        "DATABASE_URL": f"sqlite:///{workdir / 'smoke.sqlite3'}",
        "CELERY_BROKER_URL": BROKER,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail),
        "SECRET_KEY": secrets.token_urlsafe(40),
        "PYTHONPATH": str(ROOT),
    }
    import redis

    redis.Redis.from_url(BROKER, socket_connect_timeout=5).flushdb()  # tasks of an earlier run
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo")
    processes = []
    try:
        processes.append(
            subprocess.Popen(
                [str(BIN / "gunicorn"), "editorial.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                cwd=ROOT,
                env=env,
            )
        )
        processes.append(
            subprocess.Popen(
                [str(BIN / "celery"), "-A", "editorial", "worker", "--loglevel=WARNING", "--concurrency=1"],
                cwd=ROOT,
                env=env,
            )
        )
        api = f"http://127.0.0.1:{port}/api/v1"
        wait_for(lambda: call(f"{api}/articles/")[0] == 200, "the web process", deadline)

        status, answer = call(f"{api}/auth/token/", data={"username": "alice", "password": "demo-pass-2026"})
        if status != 200:
            fail(f"POST auth/token/ answered {status}: {answer}")
        token = answer["token"]
        draft = {
            "title": "Smoke test: statins and muscle pain",
            "topic": "pharmacology",
            "body": "Plain text.",
        }
        status, article = call(f"{api}/editorial/articles/", data=draft, token=token)
        if status != 201:
            fail(f"creating a draft answered {status}: {article}")
        status, answer = call(f"{api}/editorial/articles/{article['id']}/submit/", data={}, token=token)
        if status != 200:
            fail(f"submitting answered {status} (the change may have committed before the failure): {answer}")

        def delivered() -> bool:
            return mail.is_dir() and any(
                draft["title"] in path.read_text(errors="replace") for path in mail.iterdir()
            )

        wait_for(delivered, "the worker to email the editors about the submission", deadline)
        pending = manage(
            env,
            "shell",
            "--no-imports",
            "-c",
            "from reviews.models import Notification; "
            "print(Notification.objects.filter(kind='submitted', delivered_at__isnull=True).count())",
        ).strip()
        if pending != "0":
            fail(f"{pending} notification(s) of the submission are still pending")
        print(f"runtime smoke: the worker delivered the submission's notification ({workdir})", flush=True)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
