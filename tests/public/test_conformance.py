"""Schemathesis: whatever a client sends, the public API answers as its published schema says
(documented status, content type, body shape), and never with a server error."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application()).include(
    path_regex=r"^/api/v1/articles/", method="GET"
)


@pytest.fixture
def wsgi_in_test_transaction():
    """Keep the test's connection (and transaction) across the WSGI requests, as Django's test
    client does: a real request would close a connection it found inside a transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_public_api_answers_as_its_schema_says(case, published, wsgi_in_test_transaction):
    # The list is as lenient as django-filter and DRF: an empty filter (as an HTML form sends
    # it) is no filter, and a page size that is not a number is the default one, not a 400.
    # ``after`` is a position the list writes into its own links: one made up is refused
    # (tests/public/test_list_positions.py), so it is left to those tests.
    if case.query:
        case.query.pop("after", None)
    case.call_and_validate(excluded_checks=[negative_data_rejection])
