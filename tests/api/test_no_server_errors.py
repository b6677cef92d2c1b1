"""No editorial operation answers 500, whatever malformed body or query it is sent."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api import API, article_url

pytestmark = pytest.mark.django_db


def editorial_operations() -> list[tuple[str, str]]:
    """(method, path template) of every editorial operation in the published schema."""
    schema = APIClient().get(f"{API}/schema/", {"format": "json"}).json()
    return [
        (method, path)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/editorial/")
        for method in operations
        if method in {"get", "post", "patch", "put", "delete"}
    ]


MALFORMED_BODIES = [
    {},
    [],
    ["a", "list"],
    "a string",
    None,
    {"title": None, "reviewer": None, "decision": None, "notice": None, "comment": None},
    {"title": ["x"], "reviewer": ["dr_baker"], "due_date": 7, "decision": {"x": 1}, "attestation": "maybe"},
    {"comment": "x" * 6000, "notice": "\x00", "reason": 12, "content_hash": ["x"]},
    {"due_date": "9999-99-99", "reviewer": "dr_baker", "topic": {"slug": "oncology"}},
]


MALFORMED_QUERIES = [
    "from=x&to=",
    "from=1&to=99999999999999999999999",
    "status=nope&audience=&topic=%00&page=-1",
    "page=99999999999999999999",
]


def test_no_editorial_operation_answers_500_to_malformed_input(clients, under_review):
    operations = editorial_operations()
    assert len(operations) >= 15
    for method, template in operations:
        path = template.replace("{id}", str(under_review.pk))
        for name in ("alice", "eve", "dr_baker"):
            client = clients[name]
            if method == "get":
                for query in MALFORMED_QUERIES:
                    response = client.get(f"{path}?{query}")
                    assert response.status_code < 500, (name, method, path, query, response.content)
                continue
            for body in MALFORMED_BODIES:
                response = getattr(client, method)(path, body, format="json")
                assert response.status_code < 500, (name, method, path, body, response.content)
    for method, template in operations:
        if method == "get":
            # The browsable API renders forms from the serializers: it must not fail either.
            path = template.replace("{id}", str(under_review.pk))
            assert clients["eve"].get(path, HTTP_ACCEPT="text/html").status_code < 500, path
    raw = clients["alice"].generic(
        "POST", article_url(under_review.pk, "submit"), "{not json", "application/json"
    )
    assert raw.status_code == 400
