"""After any committed change, from any process, every public URL answers the new state at once.

The database notes each change to what the public sees (triggers, ``public_contentchange``); each
web process checks that content version at most once every ``PUBLIC_FRESHNESS_SECONDS`` and
serves a stored response only of the current one. A change made by a second process (a
command, a worker, another gunicorn worker) therefore reaches every public URL within that
interval, with the local-memory cache or Redis, and however long Redis was down.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Publication, Source, Specialty
from editorial.settings import redis_cache_config
from public import freshness
from public.models import ContentChange
from reviews.models import BoardMember
from tests import factories

SECOND_PROCESS_TIMEOUT = 120


def public_urls(article) -> list[str]:
    return [
        f"/api/v1/articles/{article.slug}/",
        "/api/v1/articles/",
        f"/articles/{article.slug}/",
        "/articles/",
        "/feeds/articles.atom",
    ]


def in_a_second_process(database_url: str, code: str) -> None:
    """Run ``code`` in ``manage.py shell`` in another process, on ``database_url``."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "editorial.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=SECOND_PROCESS_TIMEOUT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


RETRACT_IN_ANOTHER_PROCESS = """
from django.contrib.auth import get_user_model
from articles.models import Article
from reviews import workflow
editor = get_user_model().objects.get(username="eve")
workflow.retract(actor=editor, article=Article.objects.get(slug="{slug}"), notice="Withdrawn: a dosing error.")
"""


@pytest.mark.django_db(transaction=True)
def test_a_retraction_by_another_process_reaches_every_public_url_within_the_interval(
    shared_database, client, publish, settings
):
    settings.PUBLIC_FRESHNESS_SECONDS = 0.5
    article = publish("Statins and muscle pain", references=2)
    first = {url: client.get(url) for url in public_urls(article)}
    assert all(response.status_code == 200 for response in first.values())
    # Served from the response cache now: a second request reads no row.
    with CaptureQueriesContext(connection) as reads:
        assert client.get(f"/articles/{article.slug}/").content == first[f"/articles/{article.slug}/"].content
    assert [q for q in reads.captured_queries if "public_contentchange" not in q["sql"]] == []

    in_a_second_process(shared_database, RETRACT_IN_ANOTHER_PROCESS.format(slug=article.slug))
    time.sleep(settings.PUBLIC_FRESHNESS_SECONDS)

    assert client.get(f"/api/v1/articles/{article.slug}/").status_code == 410
    assert client.get(f"/articles/{article.slug}/").status_code == 410
    assert client.get("/api/v1/articles/").json()["count"] == 0
    assert article.title.encode() not in client.get("/articles/").content
    assert article.title.encode() not in client.get("/feeds/articles.atom").content


@pytest.mark.django_db(transaction=True)
def test_a_source_retracted_by_another_process_shows_its_notice_within_the_interval(
    shared_database, client, publish, settings
):
    settings.PUBLIC_FRESHNESS_SECONDS = 0.5
    article = publish("Statins and muscle pain", references=2)
    source = article.citations.get(number=1).source
    assert b"notice-retracted_source" not in client.get(f"/articles/{article.slug}/").content

    # As a Retraction Watch import would, in a process of its own.
    in_a_second_process(
        shared_database,
        "import datetime\n"
        "from articles.models import Source\n"
        "from reviews import retractions\n"
        f"source = Source.objects.get(pk={source.pk})\n"
        "retractions.retract_source(actor=None, source=source, retracted_on=datetime.date(2026, 1, 5),"
        " notice='10.1000/notice.1', reason='Fabricated data.')\n",
    )
    time.sleep(settings.PUBLIC_FRESHNESS_SECONDS)

    page = client.get(f"/articles/{article.slug}/")
    assert b"notice-retracted_source" in page.content
    answer = client.get(f"/api/v1/articles/{article.slug}/").json()
    assert answer["status"] == "review_due"
    assert answer["references"][0]["retracted"] is True


def test_each_process_reads_the_version_at_most_once_per_interval(client, published, settings):
    settings.PUBLIC_FRESHNESS_SECONDS = 60
    urls = public_urls(published)

    with CaptureQueriesContext(connection) as reads:
        for url in urls * 2:
            client.get(url)

    assert sum("public_contentchange" in q["sql"] for q in reads.captured_queries) == 1


def test_a_change_in_this_process_is_seen_by_its_next_request(client, published, editor, settings):
    from reviews import workflow

    settings.PUBLIC_FRESHNESS_SECONDS = 60
    url = f"/api/v1/articles/{published.slug}/"
    assert client.get(url).status_code == 200

    workflow.retract(actor=editor, article=published, notice="Withdrawn.")

    assert client.get(url).status_code == 410


def test_data_fixed_in_sql_moves_the_version(db, published):
    before = freshness.read_content_version()

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET retracted_at = %s, status = 'retracted' WHERE id = %s",
            [timezone.now(), published.pk],
        )

    assert freshness.read_content_version() != before


@pytest.mark.parametrize(
    ("change", "noted"),
    [
        (lambda article: Article.objects.filter(pk=article.pk).update(summary="Changed."), True),
        (lambda article: Source.objects.filter(citations__article=article).update(title="Changed."), True),
        (lambda article: Specialty.objects.filter(pk=article.topic_id).update(name="Renamed"), True),
        (lambda article: BoardMember.objects.update(bio="A new biography."), True),
        (lambda article: article.authors.add(factories.AuthorFactory()), True),
        (lambda article: list(Publication.objects.filter(article=article)), False),
    ],
    ids=["article", "source", "topic", "board", "authors", "a read"],
)
def test_every_table_a_public_page_shows_notes_its_changes(published, change, noted):
    before = ContentChange.objects.count()

    change(published)

    assert (ContentChange.objects.count() > before) is noted


def test_pruning_keeps_the_newest_notes_and_moves_the_version(db, monkeypatch):
    monkeypatch.setattr(freshness, "KEPT_CHANGES", 3)
    ContentChange.objects.bulk_create(ContentChange() for _ in range(10))
    notes = ContentChange.objects.count()  # with what earlier changes noted
    newest = list(ContentChange.objects.order_by("-id").values_list("id", flat=True)[:3])
    before = freshness.read_content_version()

    assert freshness.prune_content_changes() == notes - 3

    assert sorted(ContentChange.objects.values_list("id", flat=True), reverse=True) == newest
    assert freshness.read_content_version() != before


@pytest.fixture
def redis_cache(settings):
    """The Redis cache, as deployed, on database 15 of a local Redis server; skipped without one."""
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("needs a Redis server at 127.0.0.1:6379")
    settings.CACHES = {
        "default": redis_cache_config(url),
        "local": settings.CACHES["local"],
    }
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_retraction_made_while_redis_was_down_is_served_once_it_is_back(
    shared_database, client, publish, redis_cache, settings, monkeypatch
):
    settings.PUBLIC_FRESHNESS_SECONDS = 0.5
    article = publish("Statins and muscle pain")
    url = f"/api/v1/articles/{article.slug}/"
    assert client.get(url).status_code == 200  # stored in Redis

    with monkeypatch.context() as down:
        for method in ("get", "set", "get_many", "delete", "add"):
            down.setattr(
                redis_cache, method, lambda *args, **kwargs: (_ for _ in ()).throw(ConnectionError())
            )
        in_a_second_process(shared_database, RETRACT_IN_ANOTHER_PROCESS.format(slug=article.slug))
        assert client.get(url).status_code == 410, "rendered without the cache while it is down"
    time.sleep(settings.PUBLIC_FRESHNESS_SECONDS)

    assert client.get(url).status_code == 410, "the entry stored before the outage is not served"
