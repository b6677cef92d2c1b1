"""Purges reach the CDN or proxy in the request shapes their vendors document, within their limits,
and are retried until they go through.

Each backend is run against a local stub of the vendor's API on 127.0.0.1 that records what it
was sent: Fastly's batch surrogate-key purge, Cloudflare's purge by cache tags, an HTTP ``PURGE``
with the keys in a header (Varnish xkey), and the nginx refresh.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from public.models import PurgeRequest
from public.purging import outbox
from public.purging.backends import Cloudflare, Fastly, HttpPurge, NginxRefresh, PurgeFailed
from tests.stub_http import Reply, StubServer

KEYS = [f"source-{n}" for n in range(600)]


# Fastly -------------------------------------------------------------------------------------


def test_fastly_purges_by_surrogate_key_in_batches_of_256():
    with StubServer() as fastly:
        Fastly(service_id="SU1Z0isxPaozGVKXdv0eY", token="fastly-token", api=fastly.url).purge(KEYS)

    assert [len(r.json()["surrogate_keys"]) for r in fastly.requests] == [256, 256, 88]
    first = fastly.requests[0]
    assert (first.method, first.path) == ("POST", "/service/SU1Z0isxPaozGVKXdv0eY/purge")
    assert first.headers["Fastly-Key"] == "fastly-token"
    assert first.headers["Fastly-Soft-Purge"] == "1"
    assert first.headers["Content-Type"] == "application/json"
    assert first.headers["Accept"] == "application/json"
    assert sorted(key for r in fastly.requests for key in r.json()["surrogate_keys"]) == sorted(KEYS)


def test_fastly_can_purge_hard():
    with StubServer() as fastly:
        Fastly(service_id="s", token="t", soft=False, api=fastly.url).purge(["article-1"])

    assert "Fastly-Soft-Purge" not in fastly.requests[0].headers


def test_a_fastly_error_fails_the_purge():
    invalid = Reply(401, b'{"msg": "Provided credentials are missing or invalid"}')
    with StubServer(lambda r: invalid) as fastly, pytest.raises(PurgeFailed, match="401"):
        Fastly(service_id="s", token="wrong", api=fastly.url).purge(["article-1"])


# Cloudflare ---------------------------------------------------------------------------------

CLOUDFLARE_OK = json.dumps({"success": True, "errors": [], "messages": [], "result": {"id": "abc"}}).encode()


def test_cloudflare_purges_by_tags_in_batches_of_100():
    with StubServer(lambda r: Reply(200, CLOUDFLARE_OK)) as cloudflare:
        Cloudflare(
            zone_id="023e105f4ecef8ad9ca31a8372d0c353", token="cf-token", rate=1000, api=cloudflare.url
        ).purge(KEYS[:250])

    assert [len(r.json()["tags"]) for r in cloudflare.requests] == [100, 100, 50]
    first = cloudflare.requests[0]
    assert (first.method, first.path) == ("POST", "/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache")
    assert first.headers["Authorization"] == "Bearer cf-token"
    assert set(first.json()) == {"tags"}


def test_cloudflare_calls_are_paced_to_the_plan_rate_after_a_burst():
    now, waits = [0.0], []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    with StubServer(lambda r: Reply(200, CLOUDFLARE_OK)) as cloudflare:
        backend = Cloudflare(
            zone_id="z",
            token="t",
            rate=5 / 60,
            burst=2,
            api=cloudflare.url,
            clock=lambda: now[0],
            sleep=sleep,
        )
        backend.purge(KEYS[:400])  # four calls: two in the burst, then one every 12 s

    assert len(cloudflare.requests) == 4
    assert waits == pytest.approx([12.0, 12.0])


def test_cloudflare_rate_limited_fails_with_its_retry_after():
    limited = json.dumps({"success": False, "errors": [{"code": 10000, "message": "Rate limited"}]}).encode()
    with (
        StubServer(lambda r: Reply(429, limited, {"Retry-After": "40"})) as cloudflare,
        pytest.raises(PurgeFailed) as failure,
    ):
        Cloudflare(zone_id="z", token="t", api=cloudflare.url).purge(["article-1"])

    assert failure.value.retry_after == 40


def test_cloudflare_success_false_fails_the_purge():
    refused = json.dumps({"success": False, "errors": [{"code": 1134, "message": "Invalid tag"}]}).encode()
    with (
        StubServer(lambda r: Reply(200, refused)) as cloudflare,
        pytest.raises(PurgeFailed, match="Invalid tag"),
    ):
        Cloudflare(zone_id="z", token="t", api=cloudflare.url).purge(["article-1"])


# HTTP PURGE (Varnish xkey) and nginx ---------------------------------------------------------


def test_http_purge_sends_the_keys_in_one_header_within_its_size():
    with StubServer() as varnish:
        HttpPurge(
            url=varnish.url + "/", header="xkey", max_header_bytes=1000, headers={"X-Purge-Token": "s"}
        ).purge(KEYS)

    assert all(r.method == "PURGE" and r.path == "/" for r in varnish.requests)
    assert all(len(r.headers["xkey"]) <= 1000 for r in varnish.requests)
    assert sorted(k for r in varnish.requests for k in r.headers["xkey"].split(" ")) == sorted(KEYS)
    assert varnish.requests[0].headers["X-Purge-Token"] == "s"


def test_an_unreachable_proxy_fails_the_purge():
    with StubServer() as gone:
        url = gone.url
    with pytest.raises(PurgeFailed):
        HttpPurge(url=url + "/", timeout=2).purge(["article-1"])


def test_nginx_refreshes_the_addresses_that_carry_the_keys(published):
    source = published.citations.get(number=1).source
    with StubServer() as nginx:
        NginxRefresh(url=nginx.url, host="library.example", token="t0k").purge(
            [f"source-{source.pk}", "articles", "board"]
        )

    assert sorted(r.path for r in nginx.requests) == sorted(
        [
            f"/articles/{published.slug}/",
            f"/api/v1/articles/{published.slug}/",
            "/articles/",
            "/api/v1/articles/",
            "/feeds/articles.atom",
            "/editorial-policy/",
        ]
    )
    assert all(r.method == "GET" for r in nginx.requests)
    assert all(
        r.headers["X-Cache-Refresh"] == "t0k" and r.headers["Host"] == "library.example"
        for r in nginx.requests
    )


# The outbox: never lost, retried with backoff, idempotent --------------------------------------


@pytest.fixture
def fastly(settings):
    replies = []
    with StubServer(lambda r: replies.pop(0) if replies else Reply()) as server:
        settings.PUBLIC_PURGE_BACKENDS = [
            {"BACKEND": "fastly", "OPTIONS": {"service_id": "svc", "token": "t", "api": server.url}}
        ]
        settings.PUBLIC_PURGE_DELAY = 0
        server.replies = replies
        yield server


def test_the_outbox_sends_each_key_once_and_forgets_it(db, fastly):
    outbox.queue(["article-1", "articles"])
    outbox.queue(["article-2", "articles"])

    report = outbox.send_due()

    assert [r.json()["surrogate_keys"] for r in fastly.requests] == [["article-1", "article-2", "articles"]]
    assert (report.purged, report.rows) == (3, 4)
    assert not PurgeRequest.objects.exists()


def test_a_purge_waits_until_every_process_has_seen_the_change(db, fastly, settings):
    settings.PUBLIC_PURGE_DELAY = 60
    outbox.queue(["article-1"])

    assert outbox.send_due().rows == 0
    assert fastly.requests == []


def test_a_failed_purge_stays_queued_and_is_retried_with_backoff(db, fastly):
    fastly.replies += [Reply(503, b"upstream unavailable"), Reply(503, b"still down")]
    outbox.queue(["article-1"])

    report = outbox.send_due()

    row = PurgeRequest.objects.get()
    assert report.failed_rows == 1 and "503" in row.last_error
    assert row.attempts == 1
    assert timedelta(seconds=14) < row.next_attempt_at - timezone.now() <= timedelta(seconds=15)
    assert outbox.send_due().rows == 0  # not due yet

    PurgeRequest.objects.update(next_attempt_at=timezone.now())
    outbox.send_due()
    row.refresh_from_db()
    assert row.attempts == 2
    assert timedelta(seconds=29) < row.next_attempt_at - timezone.now() <= timedelta(seconds=30)

    PurgeRequest.objects.update(next_attempt_at=timezone.now())
    assert outbox.send_due().rows == 1
    assert not PurgeRequest.objects.exists()
    assert len(fastly.requests) == 3


def test_a_rate_limited_purge_waits_as_long_as_the_vendor_asked(db, settings):
    limited = json.dumps({"success": False, "errors": [{"code": 10000, "message": "Rate limited"}]}).encode()
    with StubServer(lambda r: Reply(429, limited, {"Retry-After": "300"})) as cloudflare:
        settings.PUBLIC_PURGE_BACKENDS = [
            {"BACKEND": "cloudflare", "OPTIONS": {"zone_id": "z", "token": "t", "api": cloudflare.url}}
        ]
        settings.PUBLIC_PURGE_DELAY = 0
        outbox.queue(["article-1"])
        outbox.send_due()

    wait = PurgeRequest.objects.get().next_attempt_at - timezone.now()
    assert timedelta(seconds=299) < wait <= timedelta(seconds=300)


def test_the_command_queues_keys_and_sends_them(db, fastly):
    call_command("purge_cdn", "--key", "public", "--no-progress", verbosity=0)

    assert [r.json()["surrogate_keys"] for r in fastly.requests] == [["public"]]


def test_the_command_reports_a_failure(db, fastly):
    fastly.replies.append(Reply(500, b"boom"))
    outbox.queue(["article-1"])

    with pytest.raises(CommandError, match="500"):
        call_command("purge_cdn", "--no-progress", verbosity=0)
    assert PurgeRequest.objects.filter(attempts=1).exists()


def test_the_command_without_a_backend_refuses_to_queue(db):
    with pytest.raises(CommandError, match="No purge backend"):
        call_command("purge_cdn", "--key", "public", verbosity=0)
