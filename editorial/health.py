"""The health endpoint for load balancers: the database, the cache and the broker answer.

``GET /-/health/`` (django-health-check) answers 200 with ``{"check": "OK", ...}`` when every
check passes and 503 naming the failing ones otherwise, so a balancer takes a web node out of
rotation while it cannot reach what a request needs. It checks the broker, not the workers: a
web node serves while the workers are down (notifications wait in the outbox), so a missing
worker must not take the site down; the outbox gauges of ``/-/metrics`` show that instead.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from django.db import connections
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from kombu import Connection

from editorial.db.replica import REPLICA


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection."""

    url: str = dataclasses.field(default="", repr=False)
    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=3), repr=False)

    def run(self) -> None:
        seconds = self.timeout.total_seconds()
        try:
            options = {"socket_timeout": seconds}
            with Connection(self.url, connect_timeout=seconds, transport_options=options) as broker:
                broker.ensure_connection(max_retries=1, timeout=seconds)
        except Exception as error:  # kombu raises its own, redis-py's or OSError, by transport
            raise ServiceUnavailable(f"broker unreachable: {type(error).__name__}") from error


def checks() -> list[tuple[type[HealthCheck], dict]]:
    """What this deployment depends on: each database alias, the cache, the broker if there is one."""
    found: list[tuple[type[HealthCheck], dict]] = [(Database, {"alias": "default"})]
    if REPLICA in connections.settings:
        found.append((Database, {"alias": REPLICA}))
    found.append((Cache, {"alias": "default"}))
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        found.append((Broker, {"url": settings.CELERY_BROKER_URL}))
    return found


class HealthView(HealthCheckView):
    """The checks' results as JSON, whatever the client accepts; 503 when any failed."""

    def get_checks(self):
        self.checks = checks()
        return super().get_checks()

    def render_to_response(self, context, **response_kwargs):
        return self.render_to_response_json(response_kwargs.get("status", 200))

    def render_to_response_text(self, status):
        return self.render_to_response_json(status)

    def render_to_response_json(self, status):
        return super().render_to_response_json(503 if status >= 500 else status)
