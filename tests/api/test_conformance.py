"""Schemathesis over the whole editorial API: whatever a client sends, whoever it is, no 5xx.

Every operation of the published schema under ``/api/v1/editorial/`` and ``/api/v1/auth/`` is
called with generated parameters and bodies, as an anonymous client, an author, a reviewer and
an editor, against a real article under review (its id in every ``{id}``). Each answer must be
anything but a server error. (The public endpoints are checked against their full schema in
``tests/public/test_conformance.py``.)
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.api import API, PASSWORD

schema = schemathesis.openapi.from_wsgi(f"{API}/schema/", get_wsgi_application()).include(
    path_regex=r"^/api/v1/(editorial|auth)/"
)

ROLES = {"anonymous": None, "author": "alice", "reviewer": "dr_baker", "editor": "eve"}


@pytest.fixture
def wsgi_in_test_transaction():
    """Keep the test's connection (and transaction) across the WSGI requests, as Django's test
    client does: a real request would close a connection it found inside a transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(under_review):
    """A token per signed-in role, obtained as a client obtains it."""
    from rest_framework.test import APIClient

    found = {}
    for role, username in ROLES.items():
        if username is not None:
            answer = APIClient().post(f"{API}/auth/token/", {"username": username, "password": PASSWORD})
            assert answer.status_code == 200, answer.content
            found[role] = answer.json()["token"]
    return found


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_editorial_operation_answers_a_server_error(
    case, role, under_review, tokens, wsgi_in_test_transaction
):
    if "id" in (case.path_parameters or {}):
        case.path_parameters["id"] = under_review.pk
    headers = {"Authorization": f"Token {tokens[role]}"} if role in tokens else {}

    response = case.call(headers=headers)

    case.validate_response(response, checks=[not_a_server_error])
