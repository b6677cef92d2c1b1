"""The OpenAPI document that outside clients are generated from, and the pages that render it."""

from __future__ import annotations

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from tests.api import API

ARTICLE = "/api/v1/editorial/articles/{id}"

# Every operation of the editorial contract in DESIGN.md, plus the public reads.
CONTRACT = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/auth/tokens/": {"get"},
    "/api/v1/auth/tokens/{id}/": {"delete"},
    "/api/v1/editorial/articles/": {"get", "post"},
    f"{ARTICLE}/": {"get", "patch"},
    f"{ARTICLE}/submit/": {"post"},
    f"{ARTICLE}/assignments/": {"get", "post"},
    f"{ARTICLE}/start-review/": {"post"},
    f"{ARTICLE}/signoffs/": {"post"},
    f"{ARTICLE}/approve/": {"post"},
    f"{ARTICLE}/revise/": {"post"},
    f"{ARTICLE}/retract/": {"post"},
    f"{ARTICLE}/flag-for-rereview/": {"post"},
    f"{ARTICLE}/history/": {"get"},
    f"{ARTICLE}/diff/": {"get"},
    f"{ARTICLE}/transitions/": {"get"},
    f"{ARTICLE}/transition-log/": {"get"},
    f"{ARTICLE}/audit/": {"get"},
    "/api/v1/articles/": {"get"},
    "/api/v1/articles/{slug}/": {"get"},
}

WORKFLOW_ACTIONS = ["submit", "assignments", "start-review", "signoffs", "approve", "revise", "retract"]


@pytest.fixture(scope="module")
def schema():
    response = APIClient().get(f"{API}/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi_3(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_the_default_yaml_schema_is_the_same_document(schema):
    response = APIClient().get(f"{API}/schema/")

    assert response.status_code == 200
    assert yaml.safe_load(response.content) == schema


def test_the_schema_covers_every_operation_of_the_contract(schema):
    operations = {
        path: {method for method in item if method in {"get", "post", "put", "patch", "delete"}}
        for path, item in schema["paths"].items()
    }
    for path, methods in CONTRACT.items():
        assert methods <= operations.get(path, set()), path


@pytest.mark.parametrize("action", WORKFLOW_ACTIONS)
def test_each_workflow_action_documents_its_refusals(schema, action):
    responses = schema["paths"][f"{ARTICLE}/{action}/"]["post"]["responses"]

    assert {"400", "401", "403", "404", "409"} <= set(responses)
    assert responses["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_the_schema_documents_the_payload_names_of_the_contract(schema):
    components = schema["components"]["schemas"]
    required = {name: set(component.get("required", [])) for name, component in components.items()}

    assert {"id", "slug", "status", "content_hash", "updated_at", "allowed_actions"} <= set(
        components["Article"]["properties"]
    )
    assert {"title", "topic"} <= required["ArticleCreateRequest"]
    assert {"decision", "attestation", "conflict_of_interest"} <= required["SignOffInputRequest"]
    assert {"reviewer"} <= required["AssignmentInputRequest"]
    assert {"notice"} <= required["RetractRequest"]
    assert set(components["SignOff"]["properties"]) >= {
        "decision",
        "content_hash",
        "signed_at",
        "article_status",
    }
    diff = schema["paths"][f"{ARTICLE}/diff/"]["get"]["parameters"]
    assert {(p["name"], p["in"], p.get("required")) for p in diff} >= {
        ("from", "query", True),
        ("to", "query", True),
    }
    patch = schema["paths"][f"{ARTICLE}/"]["patch"]["parameters"]
    assert ("If-Match", "header") in {(p["name"], p["in"]) for p in patch}


def test_the_schema_documents_token_authentication_as_before(schema):
    assert schema["components"]["securitySchemes"]["tokenAuth"]["type"] == "apiKey"
    assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    for path in ("/api/v1/editorial/articles/", "/api/v1/auth/tokens/"):
        assert {"tokenAuth": []} in schema["paths"][path]["get"]["security"], path
    issued = schema["components"]["schemas"]["Token"]
    assert {"token", "expires_at"} <= set(issued["required"])
    assert "token" not in schema["components"]["schemas"]["ApiToken"]["properties"]


def test_the_schema_generates_without_warnings(tmp_path):
    # Same check as `manage.py spectacular --validate --fail-on-warn`: raises on any warning.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    assert "/api/v1/editorial/articles/{id}/signoffs/" in (tmp_path / "schema.yml").read_text()


@pytest.mark.parametrize("page", ["docs", "redoc"])
def test_the_docs_pages_load_nothing_from_outside(page):
    response = APIClient().get(f"{API}/{page}/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", html), "the page loads something from another host"
    assets = re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"", html)
    assert any(asset.endswith(".js") for asset in assets)
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not among the static files"
