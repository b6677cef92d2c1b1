"""The balancer's health check: 200 while the database, the cache and the broker answer, 503 naming
the one that does not."""

from __future__ import annotations

import pytest

from editorial.settings import redis_cache_config

pytestmark = pytest.mark.django_db

HEALTH = "/-/health/"
# Nothing listens here: a connection is refused at once.
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


def test_healthy_without_a_broker_checks_the_database_and_the_cache(client):
    response = client.get(HEALTH)

    assert response.status_code == 200
    assert response.json() == {"Database(alias='default')": "OK", "Cache(alias='default')": "OK"}
    assert "no-store" in response["Cache-Control"]


def test_an_unreachable_broker_answers_503_naming_it(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = CLOSED_PORT_REDIS

    response = client.get(HEALTH, HTTP_ACCEPT="text/html")

    assert response.status_code == 503
    results = response.json()
    assert results["Database(alias='default')"] == "OK"
    assert "broker unreachable" in results["Broker()"]


@pytest.mark.redis
def test_a_reachable_broker_is_healthy(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/14"

    response = client.get(HEALTH)

    if response.status_code != 200 and "unreachable" in response.json().get("Broker()", ""):
        pytest.skip("Redis is not reachable at 127.0.0.1:6379: start redis-server to run this test")
    assert response.status_code == 200
    assert response.json()["Broker()"] == "OK"


def test_an_unreachable_cache_answers_503_naming_it(client, settings):
    settings.CACHES = {**settings.CACHES, "default": redis_cache_config(CLOSED_PORT_REDIS)}

    response = client.get(HEALTH)

    assert response.status_code == 503
    assert "Connection Error" in response.json()["Cache(alias='default')"]
    assert response.json()["Database(alias='default')"] == "OK"
