"""nginx in front of gunicorn, as deploy/nginx.conf configures it: changes show through its cache
within a second, and it answers from its copy when gunicorn is down.

Starts gunicorn (2 sync workers) and nginx on 127.0.0.1 over a database this test shares with
them. The purge outbox here uses the nginx backend (``PUBLIC_PURGE_BACKEND=nginx``): after each
change commits, it fetches the addresses that carry the purged keys again through nginx, past its
cache. Skipped when nginx is not installed; CI sets ``REQUIRE_NGINX_TESTS=1``, which turns that
skip into a failure.
"""

from __future__ import annotations

import datetime
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings

from bench.nginx import Nginx, nginx_binary
from reviews import retractions, workflow
from tests import factories, states
from tests.public.conftest import make_sources

pytestmark = [pytest.mark.nginx, pytest.mark.django_db(transaction=True)]

VISIBLE_WITHIN = 1.0  # seconds, from the change's commit to what nginx answers
STALE_AFTER = 2.2  # seconds until a copy kept for one second is stale in nginx's whole seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes


def fetch(url: str) -> Answer:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return Answer(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers.items()), error.read())


def seconds_until(check: Callable[[], bool], limit: float = 5.0) -> float:
    """How long until ``check()`` holds, polling every 20 ms (``limit`` at most)."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > limit:
            return float("inf")
        time.sleep(0.02)
    return time.monotonic() - started


class Gunicorn:
    def __init__(self, database_url: str, port: int, **environment: str):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "editorial.settings",
            "DATABASE_URL": database_url,
            # DEBUG serves the static files without collectstatic's manifest.
            "DEBUG": "1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            **environment,
        }
        env.pop("CELERY_BROKER_URL", None)
        self.port = port
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "editorial.wsgi:application",
                "--workers=2",
                f"--bind=127.0.0.1:{port}",
                "--log-level=warning",
            ],
            cwd=django_settings.BASE_DIR,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                fetch(f"http://127.0.0.1:{port}/api/v1/articles/")
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited") from None
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 30 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)


@pytest.fixture
def start_site(shared_database, tmp_path, settings):
    """Start gunicorn (with ``environment``) and nginx in front; both stop after the test."""
    if nginx_binary() is None:
        pytest.skip(
            "nginx is not installed (apt-get install nginx-light); CI requires it (REQUIRE_NGINX_TESTS=1)"
        )
    running = []

    def start(**environment: str) -> Nginx:
        gunicorn = Gunicorn(shared_database, free_port(), **environment)
        running.append(gunicorn)
        nginx = Nginx(port=free_port(), upstream_port=gunicorn.port, workdir=tmp_path / "nginx")
        running.append(nginx)
        nginx.gunicorn = gunicorn
        settings.PUBLIC_PURGE_BACKENDS = [{"BACKEND": "nginx", "OPTIONS": {"url": nginx.url}}]
        # A refresh reads the content version at once (X-Cache-Refresh): no need to wait for
        # the other web processes to see the change.
        settings.PUBLIC_PURGE_DELAY = 0
        return nginx

    yield start
    for process in reversed(running):
        process.stop()


def draft_citing(author, topic, title: str, sources: int):
    cited = make_sources(sources)
    claims = " ".join(f"Claim {i} is supported [@{s.key}]." for i, s in enumerate(cited, 1))
    return factories.ArticleFactory(
        author=author, topic=topic, title=title, body=f"## Overview\n\nIntroduction. {claims}\n"
    )


def test_publish_retraction_and_source_retraction_show_through_nginx_within_a_second(
    start_site, publish, author, editor, reviewers, topic
):
    nginx = start_site()
    first = publish("Statins and muscle pain", references=2)
    page, api, api_list = (
        f"{nginx.url}/articles/{first.slug}/",
        f"{nginx.url}/api/v1/articles/{first.slug}/",
        f"{nginx.url}/api/v1/articles/",
    )
    for url in (page, api, api_list):
        fetch(url)
        again = fetch(url)
        assert again.status == 200 and again.headers["X-Cache"] == "HIT", url
        assert "Surrogate-Key" not in again.headers  # for caches, not for visitors

    # A publication: the new article's page and the first list page, within a second.
    second = draft_citing(author, topic, "Vitamin D in winter", sources=1)
    states.submitted(second, author)
    states.under_review(second, editor, reviewers[:2])
    states.sign(second, reviewers[0])
    started = time.monotonic()
    states.sign(second, reviewers[1])  # the quorum: approved and published on commit
    committed = time.monotonic() - started
    shown = seconds_until(
        lambda: (
            fetch(api_list).body.count(b'"slug"') == 2
            and fetch(f"{nginx.url}/articles/{second.slug}/").status == 200
        )
    )
    assert committed + shown <= VISIBLE_WITHIN, (committed, shown)

    # A retraction: 410 on its page and API answer, gone from the list.
    started = time.monotonic()
    workflow.retract(actor=editor, article=first, notice="Withdrawn: a dosing error.")
    committed = time.monotonic() - started
    shown = seconds_until(
        lambda: (
            fetch(page).status == 410
            and fetch(api).status == 410
            and first.slug.encode() not in fetch(api_list).body
        )
    )
    assert committed + shown <= VISIBLE_WITHIN, (committed, shown)

    # A source retraction: the notice on the page of the article citing it.
    source = second.citations.get(number=1).source
    second_page = f"{nginx.url}/articles/{second.slug}/"
    assert b"notice-retracted_source" not in fetch(second_page).body
    assert fetch(second_page).headers["X-Cache"] == "HIT"
    started = time.monotonic()
    retractions.retract_source(
        actor=editor,
        source=source,
        retracted_on=datetime.date(2026, 1, 5),
        notice="10.1000/n.1",
        reason="Fraud.",
    )
    committed = time.monotonic() - started
    shown = seconds_until(lambda: b"notice-retracted_source" in fetch(second_page).body)
    assert committed + shown <= VISIBLE_WITHIN, (committed, shown)


def test_nginx_answers_from_its_copy_while_gunicorn_is_down(start_site, publish):
    # A shared max-age of one second. nginx counts it in whole seconds and keeps a copy fresh
    # while now <= stored + max-age, so only after two seconds is every copy surely stale.
    nginx = start_site(PUBLIC_SHARED_MAX_AGE="1")
    article = publish("Statins and muscle pain", references=1)
    urls = [f"{nginx.url}/articles/{article.slug}/", f"{nginx.url}/api/v1/articles/{article.slug}/"]
    kept = {url: fetch(url) for url in urls}
    assert all(answer.status == 200 for answer in kept.values())

    time.sleep(STALE_AFTER)
    nginx.gunicorn.stop()

    for url in urls:
        answer = fetch(url)
        assert answer.status == 200, url
        assert answer.headers["X-Cache"] == "STALE", url
        assert answer.body == kept[url].body, url
