"""Tests of the HTTP API, made the way an outside client makes them: real requests, real tokens.

Paths are written out rather than reversed: they are the contract clients are built against.
"""

from __future__ import annotations

from rest_framework.test import APIClient

PASSWORD = "pass-word-123"  # what tests.factories.UserFactory sets
API = "/api/v1"
EDITORIAL = f"{API}/editorial/articles/"


def token_client(username: str, password: str = PASSWORD) -> APIClient:
    """A client authenticated with the token that POST auth/token/ hands out for these credentials."""
    response = APIClient().post(
        f"{API}/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def article_url(article_id: int, action: str = "") -> str:
    """``/api/v1/editorial/articles/{id}/`` or one of its actions, e.g. ``article_url(7, "submit")``."""
    return f"{EDITORIAL}{article_id}/" + (f"{action}/" if action else "")


def public_url(slug: str) -> str:
    return f"{API}/articles/{slug}/"


def sign_off_payload(decision: str = "approve", **fields) -> dict:
    """A complete sign-off body: the attestation given, no conflict of interest."""
    comments = (
        "Please correct the dosage table." if decision == "request_changes" else "Accurate and sourced."
    )
    return {
        "decision": decision,
        "comments": comments,
        "attestation": True,
        "password": PASSWORD,
        "conflict_of_interest": False,
        **fields,
    }
