"""A real Celery worker on Redis delivers the outbox, and the sweep catches up after it was down.

The worker is a separate process: it sees only what this test commits to a database it can open,
gets its tasks through Redis at 127.0.0.1:6379, and writes its emails to files.
"""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from email.header import decode_header, make_header
from pathlib import Path

import pytest
import redis
from django.conf import settings
from kombu import pools as kombu_pools

from editorial.celery import app
from reviews import workflow
from reviews.models import Notification, NotificationKind
from reviews.tasks import sweep_notifications
from tests import factories, states

# Real commits: the worker reads what this test writes.
pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

# A Redis database of its own, and a queue of its own per test, so nothing else is disturbed.
BROKER_URL = "redis://127.0.0.1:6379/14"
WORKER_START_TIMEOUT = 60
DELIVERY_TIMEOUT = 30
MESSAGE_SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # between messages in the file email backend


@dataclass
class Broker:
    url: str
    queue: str
    client: redis.Redis


@pytest.fixture
def broker():
    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at 127.0.0.1:6379 ({exc}): start redis-server to run this test")
    queue = f"test-notifications-{uuid.uuid4().hex[:12]}"
    yield Broker(url=BROKER_URL, queue=queue, client=client)
    for key in client.scan_iter(match=f"*{queue}*"):  # the queue and kombu's binding of it
        client.delete(key)
    client.close()


def _forget_broker_connections() -> None:
    """Drop pooled connections, so the next publish connects to the broker configured now."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu caches producer pools per connection in a global registry; a cached one would still
    # point at the connection pool closed above ("Acquire on closed pool" in later tests).
    kombu_pools.reset()


@pytest.fixture
def publishing(broker):
    """This process publishes tasks to the broker's queue instead of running them in process."""
    names = ("broker_url", "task_always_eager", "task_default_queue")
    previous = {name: app.conf[name] for name in names}
    app.conf.update(broker_url=broker.url, task_always_eager=False, task_default_queue=broker.queue)
    _forget_broker_connections()
    yield
    app.conf.update(previous)
    _forget_broker_connections()


class Worker:
    """``celery worker`` in a process group of its own, consuming one queue; each start logs apart."""

    def __init__(self, *, queue: str, env: dict, log_dir: Path):
        self.queue, self.env, self.log_dir = queue, env, log_dir
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        self.log = self.log_dir / f"worker-{self.starts}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "editorial", "worker",
            "--pool=solo", "--concurrency=1", "-Q", self.queue, "-n", f"{self.queue}-{self.starts}@%h",
            "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO",
        ]  # fmt: skip
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        wait_for(
            lambda: b" ready." in self.log.read_bytes() or self.process.poll() is not None,
            WORKER_START_TIMEOUT,
            "the worker to start",
            self,
        )
        if self.process.poll() is not None:
            pytest.fail(f"The worker exited with {self.process.returncode}:\n{self.output()}")

    def stop(self) -> None:
        """Warm shutdown (finish the task at hand), killed if it does not end in time."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:  # it ended on its own meanwhile
            self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:] if self.starts else ""


def wait_for(condition, timeout: float, what: str, worker: Worker | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    log = f"\nWorker log:\n{worker.output()}" if worker else ""
    pytest.fail(f"Timed out after {timeout}s waiting for {what}.{log}")


def delivery_recorded(recipient) -> bool:
    """Whether the row of ``recipient``'s assignment notice says it was delivered and emailed."""
    return Notification.objects.filter(
        recipient=recipient,
        kind=NotificationKind.ASSIGNED,
        delivered_at__isnull=False,
        emailed_at__isnull=False,
    ).exists()


def emails_to(mail_dir: Path, address: str) -> list[email.message.Message]:
    """The messages the worker wrote for ``address`` (file backend: one file per connection)."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_bytes().split(MESSAGE_SEPARATOR):
            if chunk.strip():
                message = email.message_from_bytes(chunk)
                if message["To"] == address:
                    found.append(message)
    return found


def subject(message: email.message.Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_a_worker_delivers_the_outbox_and_the_sweep_catches_up_after_it_was_down(
    shared_database, broker, publishing, tmp_path
):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = Worker(
        queue=broker.queue,
        log_dir=tmp_path,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "editorial.settings",
            "DATABASE_URL": shared_database,
            "CELERY_BROKER_URL": broker.url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        },
    )
    topic = factories.SpecialtyFactory(name="Oncology", slug="oncology")
    editor = factories.EditorFactory(username="eve")
    author = factories.AuthorFactory(username="alice")
    first, second = (factories.BoardMemberFactory(specialties=[topic]) for _ in range(2))
    article = states.submitted(factories.ArticleFactory(author=author, topic=topic), author)

    try:
        worker.start()
        workflow.assign_reviewer(actor=editor, article=article, reviewer=first)

        [message] = wait_for(
            lambda: emails_to(mail_dir, first.user.email), DELIVERY_TIMEOUT, "the email", worker
        )
        assert subject(message).startswith(f"[Medical Library] Review requested: {article.title}")
        assert (
            f"/editorial/articles/{article.pk}/" in message.get_payload()[0].get_payload(decode=True).decode()
        )
        # The email is written before the worker's transaction commits the row.
        wait_for(lambda: delivery_recorded(first.user), DELIVERY_TIMEOUT, "the delivery recorded", worker)

        worker.stop()
        workflow.assign_reviewer(actor=editor, article=article, reviewer=second)
        waiting = Notification.objects.get(recipient=second.user, kind=NotificationKind.ASSIGNED)
        time.sleep(1)  # no one consumes the queue now
        waiting.refresh_from_db()
        assert waiting.delivered_at is None
        assert emails_to(mail_dir, second.user.email) == []
        # The broker loses the queued task too (say Redis restarted without persistence): only the
        # outbox row is left, and the sweep must deliver from it.
        assert broker.client.delete(broker.queue) == 1

        worker.start()
        sweep_notifications.delay()

        wait_for(lambda: emails_to(mail_dir, second.user.email), DELIVERY_TIMEOUT, "the swept email", worker)
        wait_for(lambda: delivery_recorded(second.user), DELIVERY_TIMEOUT, "the swept delivery recorded", worker)
    finally:
        worker.stop()

    assert len(emails_to(mail_dir, first.user.email)) == 1
    assert len(emails_to(mail_dir, second.user.email)) == 1
    assert len(emails_to(mail_dir, editor.email)) == 1, "the editor's 'submitted' email, once"
