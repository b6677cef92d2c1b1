"""The public review record: anyone can check what was signed, from the public JSON alone."""

from __future__ import annotations

import hashlib
import json

import pytest
from rest_framework.test import APIClient

from reviews.models import AuditEntry, Signature

pytestmark = pytest.mark.django_db


def recompute(record: dict) -> str:
    """docs/api.md's recipe, followed with nothing but the review record's JSON."""
    canonical = json.dumps(
        record["signed_content"], sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_a_reader_recomputes_the_content_hash_from_the_public_json(approved):
    client = APIClient()
    record = client.get(f"/api/v1/articles/{approved.slug}/review-record/").json()
    article = client.get(f"/api/v1/articles/{approved.slug}/").json()

    assert recompute(record) == record["content_hash"]
    # The signed content is what the article's page shows.
    assert record["signed_content"]["title"] == article["title"]
    assert record["signed_content"]["summary"] == article["summary"]
    assert record["signed_content"]["topic"] == article["topic"]


def test_the_record_names_the_chain_head_each_signature_and_the_policy(approved, reviewers):
    record = APIClient().get(f"/api/v1/articles/{approved.slug}/review-record/").json()

    head = AuditEntry.objects.filter(article=approved).order_by("-position").first()
    assert record["chain"] == {"head": head.entry_hash, "entries": head.position, "verified": True}
    signatures = {str(s.pk): s for s in Signature.objects.all()}
    assert {s["signature_id"] for s in record["signatures"]} == set(signatures)
    first = record["signatures"][0]
    assert first["reviewer"] in {r.display_name for r in reviewers}
    assert first["credentials"] in {"MD", "PharmD"}
    assert first["meaning"] == "approve"
    assert first["signed_at"]
    assert record["policy"] == {
        "approvals_required": 2,
        "specialty_match_required": True,
        "review_interval_days": 365,
        "decision": "quorum",
    }
    assert record["content_hash_version"] == 2


def test_a_changed_content_no_longer_matches_the_recipe(approved):
    record = APIClient().get(f"/api/v1/articles/{approved.slug}/review-record/").json()
    record["signed_content"]["references"] = [{"title": "Another source"}]

    assert recompute(record) != record["content_hash"]


def test_an_unknown_slug_has_no_record(db):
    response = APIClient().get("/api/v1/articles/never-approved/review-record/")

    assert response.status_code == 404


def test_every_article_page_links_to_its_review_record_page(approved, client):
    article_page = client.get(f"/articles/{approved.slug}/").content.decode()
    assert f'/articles/{approved.slug}/review-record/" class="review-record-link"' in article_page

    page = client.get(f"/articles/{approved.slug}/review-record/")

    assert page.status_code == 200
    text = page.content.decode()
    assert approved.content_hash in text
    assert "Verified" in text
    assert all(str(s.pk) in text for s in Signature.objects.all())
