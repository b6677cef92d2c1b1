"""The OpenAPI document is the contract clients are generated from: it changes only on purpose.

``docs/openapi.json`` is the committed copy. A change to the API that alters the document fails
here until the copy is regenerated (and the change described in ``docs/api.md``):

    DJANGO_SETTINGS_MODULE=editorial.settings .venv/bin/python -m tests.api.test_openapi_contract
"""

from __future__ import annotations

import json
from pathlib import Path

from rest_framework.test import APIClient

from tests.api import API

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def current_document() -> dict:
    response = APIClient().get(f"{API}/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_openapi_document_is_the_committed_copy(db):
    committed = json.loads(COMMITTED.read_text())

    current = current_document()

    assert current == committed, (
        "The OpenAPI document differs from docs/openapi.json. If the change is intended, "
        "regenerate it with `DJANGO_SETTINGS_MODULE=editorial.settings python -m tests.api.test_openapi_contract` and describe it in docs/api.md."
    )


if __name__ == "__main__":
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    COMMITTED.write_text(json.dumps(current_document(), indent=2, sort_keys=True) + "\n")
    print(f"wrote {COMMITTED}")
