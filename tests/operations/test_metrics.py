"""Prometheus metrics: public reads are counted, the outbox's backlog is visible, and only to
addresses the settings allow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from public.models import PurgeRequest
from reviews.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db

METRICS = "/-/metrics"


def scrape(client, **extra) -> dict[tuple[str, frozenset], float]:
    response = client.get(METRICS, **extra)
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def responses_of(samples, view: str) -> float:
    key = ("django_http_responses_total_by_status_view_method_total", frozenset(
        {"status": "200", "view": view, "method": "GET"}.items()
    ))
    return samples.get(key, 0.0)


def test_a_public_read_answered_early_is_counted(client, publish):
    article = publish()
    before = scrape(client)

    assert client.get(f"/api/v1/articles/{article.slug}/").status_code == 200
    assert client.get(f"/articles/{article.slug}/").status_code == 200

    after = scrape(client)
    assert responses_of(after, "public-article-detail") == responses_of(before, "public-article-detail") + 1
    assert responses_of(after, "public:article-detail") == responses_of(before, "public:article-detail") + 1


def test_the_outbox_backlog_and_the_age_of_its_oldest_row(client, editor, author):
    waiting = Notification.objects.create(recipient=editor, kind=NotificationKind.SUBMITTED)
    Notification.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    Notification.objects.create(recipient=author, kind=NotificationKind.APPROVED)
    Notification.objects.create(recipient=author, kind=NotificationKind.APPROVED, delivered_at=timezone.now())
    label = frozenset({"outbox": "notifications"}.items())

    samples = scrape(client)

    assert samples[("editorial_outbox_pending", label)] == 2
    assert 600 <= samples[("editorial_outbox_oldest_pending_seconds", label)] < 660

    Notification.objects.update(delivered_at=timezone.now())
    samples = scrape(client)
    assert samples[("editorial_outbox_pending", label)] == 0
    assert samples[("editorial_outbox_oldest_pending_seconds", label)] == 0


def test_the_purge_outbox_backlog(client):
    waiting = PurgeRequest.objects.create(key="article-1")
    PurgeRequest.objects.filter(pk=waiting.pk).update(queued_at=timezone.now() - timedelta(minutes=5))
    PurgeRequest.objects.create(key="topic-1")
    label = frozenset({"outbox": "purges"}.items())

    samples = scrape(client)

    assert samples[("editorial_outbox_pending", label)] == 2
    assert 300 <= samples[("editorial_outbox_oldest_pending_seconds", label)] < 360


def test_not_served_to_the_internet(client):
    assert client.get(METRICS, REMOTE_ADDR="203.0.113.9").status_code == 404


def test_not_served_through_a_proxy_the_settings_do_not_count(client):
    # nginx on this host: the connection comes from 127.0.0.1, the client is elsewhere.
    assert client.get(METRICS, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404


def test_behind_a_counted_proxy_the_client_address_decides(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    proxied = {"REMOTE_ADDR": "127.0.0.1"}

    assert client.get(METRICS, **proxied, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    assert client.get(METRICS, **proxied, HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 200
