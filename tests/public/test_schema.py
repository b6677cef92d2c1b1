"""The OpenAPI schema is valid OpenAPI 3 and the docs are served without a CDN."""

from __future__ import annotations

import re

import yaml
from django.contrib.staticfiles import finders
from openapi_spec_validator import validate


def test_the_schema_is_valid_openapi_3_and_documents_the_public_api(client, db):
    response = client.get("/api/v1/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    listing = schema["paths"]["/api/v1/articles/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "q",
        "topic",
        "audience",
        "updated_since",
        "ordering",
        "page",
        "page_size",
    }
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][page]["properties"]) == {
        "count",
        "next",
        "previous",
        "results",
    }
    detail = schema["paths"]["/api/v1/articles/{slug}/"]["get"]
    assert {"200", "304", "404", "410"} <= set(detail["responses"])
    article = schema["components"]["schemas"]["PublicArticle"]["properties"]
    for field in ("body_html", "reviewers", "references", "notices", "next_review_due", "status_label"):
        assert field in article


def test_the_schema_declares_what_the_text_filters_refuse(client, db):
    # A request the schema allows must not be refused (the conformance test sends such requests).
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/articles/"]["get"]["parameters"]}

    assert parameters["q"]["maxLength"] == 200
    assert client.get("/api/v1/articles/", {"q": "x" * 201}).status_code == 400
    for name in ("q", "topic"):
        assert not re.fullmatch(parameters[name]["pattern"], "nausea\x00")
        assert re.fullmatch(parameters[name]["pattern"], "nausea and vomiting")
        assert client.get("/api/v1/articles/", {name: "nausea\x00"}).status_code == 400


def test_the_docs_page_loads_its_assets_from_this_site(client, db):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|png))"', html)
    assert assets, "the Swagger UI page should load scripts and styles"
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not a static file of this site"
    assert not re.search(r"https?://(?:cdn|unpkg|fonts)\.", html)
