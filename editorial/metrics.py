"""Prometheus metrics at ``/-/metrics``: requests by view and status, latency, the outboxes' backlog.

``RequestMetricsMiddleware``, first in ``MIDDLEWARE`` so that it wraps
``public.middleware.PublicReadMiddleware`` and counts the public reads answered there, records
three of django-prometheus' metrics, under their names (the ones its dashboards read):
``django_http_requests_total_by_method``, ``django_http_responses_total_by_status_view_method``
and ``django_http_requests_latency_seconds_by_view_method``. django-prometheus' own pair of
middleware records fourteen, and cost a public read a fifth more (bench/README.md).
``OutboxCollector`` adds, read from the database at each scrape, per outbox:
``editorial_outbox_pending`` (rows not yet delivered) and
``editorial_outbox_oldest_pending_seconds`` (how long the oldest of them has waited; 0 when none).

The metrics are not for the internet: the view answers 404 unless the client's address
(``editorial.lockout.client_ip``, which honours ``TRUSTED_PROXY_COUNT``) is in
``METRICS_ALLOWED_NETWORKS`` (default: this host only). A request that came through a proxy the
settings do not count (a forwarding header, ``TRUSTED_PROXY_COUNT=0``) is refused too: its
address is the proxy's, which is often this host. Under gunicorn with several workers,
set ``PROMETHEUS_MULTIPROC_DIR`` so a scrape sums every worker's counters
(``docs/operations.md``).
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import prometheus_client
from django.conf import settings
from django.db.models import Count, Min, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django_prometheus.middleware import Metrics
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from editorial.lockout import client_ip
from public.models import PurgeRequest
from reviews.models import Notification

KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})


class RequestMetricsMiddleware:
    """Counts each request by method, and its response by status, view and method, with its latency."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.metrics = Metrics.get_instance()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        method = request.method if request.method in KNOWN_METHODS else "<invalid method>"
        self.metrics.requests_by_method.labels(method).inc()
        response = self.get_response(request)
        match = request.resolver_match
        view = (match.view_name if match is not None else None) or "<unnamed view>"
        # Labels in their declared order: (status, view, method) and (view, method).
        self.metrics.responses_by_status_view_method.labels(str(response.status_code), view, method).inc()
        latency = time.perf_counter() - started
        self.metrics.requests_latency_by_view_method.labels(view, method).observe(latency)
        return response


@dataclass(frozen=True)
class Outbox:
    """An outbox the gauges watch: its name, its undelivered rows, the field of their age."""

    name: str
    pending: Callable[[], QuerySet]
    created_field: str = "created_at"


# One line per outbox.
OUTBOXES = [
    Outbox("notifications", lambda: Notification.objects.filter(delivered_at__isnull=True)),
    # A purge request is deleted once every backend has taken it: each row is pending.
    Outbox("purges", lambda: PurgeRequest.objects.all(), created_field="queued_at"),
]


class OutboxCollector(Collector):
    """The backlog of each outbox in ``OUTBOXES``, one aggregate query per outbox per scrape."""

    def __init__(self, outboxes: list[Outbox] = OUTBOXES):
        self.outboxes = outboxes

    def collect(self) -> Iterator[GaugeMetricFamily]:
        pending = GaugeMetricFamily(
            "editorial_outbox_pending", "Outbox rows not yet delivered.", labels=["outbox"]
        )
        oldest = GaugeMetricFamily(
            "editorial_outbox_oldest_pending_seconds",
            "Age of the oldest undelivered outbox row (0 when none).",
            labels=["outbox"],
        )
        now = timezone.now()
        for outbox in self.outboxes:
            rows = outbox.pending().order_by()
            backlog = rows.aggregate(rows=Count("pk"), oldest=Min(outbox.created_field))
            pending.add_metric([outbox.name], backlog["rows"])
            age = (now - backlog["oldest"]).total_seconds() if backlog["oldest"] else 0.0
            oldest.add_metric([outbox.name], max(age, 0.0))
        yield pending
        yield oldest


_outbox_registry = prometheus_client.CollectorRegistry(auto_describe=False)
_outbox_registry.register(OutboxCollector())


def _process_registry() -> prometheus_client.CollectorRegistry:
    """This process's metrics, or every worker's under ``PROMETHEUS_MULTIPROC_DIR``."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return prometheus_client.REGISTRY
    registry = prometheus_client.CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


# Headers a proxy adds: with them and no trusted proxy counted, the connection's address is the
# proxy's (often 127.0.0.1), not the client's.
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def allowed(request: HttpRequest) -> bool:
    """The client's address is in ``METRICS_ALLOWED_NETWORKS``, and is known to be the client's."""
    if settings.TRUSTED_PROXY_COUNT == 0 and any(header in request.META for header in PROXY_HEADERS):
        return False
    address = client_ip(request)
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network) for network in settings.METRICS_ALLOWED_NETWORKS)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus' text format, for allowed addresses; 404 for anyone else."""
    if not allowed(request):
        raise Http404
    body = prometheus_client.generate_latest(_process_registry()) + prometheus_client.generate_latest(
        _outbox_registry
    )
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
