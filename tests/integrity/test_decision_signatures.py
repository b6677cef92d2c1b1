"""An editor's decision is signed like a recommendation, and enters the article's audit chain."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from articles.models import Status
from reviews import audit
from reviews.models import AuditEntry, AuditKind, DecisionMode, ReviewPolicy, RoundDecision, Signature
from reviews.signatures import STATEMENTS
from tests import states
from tests.states import PASSWORD

pytestmark = pytest.mark.django_db


def api_decide(user, article, **fields):
    client = APIClient()
    client.force_authenticate(user)
    body = {"decision": "request_changes", "letter": "Please revise the dose.", **fields}
    return client.post(f"/api/v1/editorial/articles/{article.pk}/decision/", body, format="json")


@pytest.fixture
def changes_recommended(under_review, reviewers):
    states.sign(under_review, reviewers[0], decision="request_changes", comments="The dose is wrong.")
    return under_review


@pytest.mark.parametrize("password", ["not-my-password", ""])
def test_a_wrong_or_missing_password_is_403_and_records_no_decision(changes_recommended, editor, password):
    response = api_decide(editor, changes_recommended, password=password)

    assert (response.status_code, response.json()["code"]) == (403, "signature_failed")
    changes_recommended.refresh_from_db()
    assert changes_recommended.status == Status.UNDER_REVIEW
    assert not RoundDecision.objects.exists()
    assert not Signature.objects.filter(meaning__startswith="decision").exists()
    assert not AuditEntry.objects.filter(kind=AuditKind.DECISION).exists()


def test_the_decision_is_signed_with_its_meaning_and_chained(changes_recommended, editor):
    response = api_decide(editor, changes_recommended, password=PASSWORD)

    assert response.status_code == 200, response.content
    decision = RoundDecision.objects.get()
    signature = decision.signature
    assert (signature.signer, signature.meaning) == (editor, "decision_request_changes")
    assert signature.printed_name == (editor.get_full_name() or editor.get_username())
    assert signature.statement == STATEMENTS["decision_request_changes"]
    assert signature.content_hash == decision.content_hash
    assert AuditEntry.objects.filter(kind=AuditKind.DECISION, record_id=str(decision.pk)).exists()
    assert audit.verify_article(changes_recommended).ok


def test_an_approval_by_the_editor_is_signed_as_a_decision(under_review, reviewers, editor):
    ReviewPolicy.objects.create(decision=DecisionMode.EDITOR)  # the editor decides, even at quorum
    for member in reviewers[:2]:
        states.sign(under_review, member)

    client = APIClient()
    client.force_authenticate(editor)
    refused = client.post(f"/api/v1/editorial/articles/{under_review.pk}/approve/", {}, format="json")
    signed = client.post(
        f"/api/v1/editorial/articles/{under_review.pk}/approve/", {"password": PASSWORD}, format="json"
    )

    assert refused.status_code == 403 and signed.status_code == 200, signed.content
    assert RoundDecision.objects.get().signature.meaning == "decision_approve"
    assert audit.verify_article(under_review).ok


def test_a_policy_decision_at_quorum_is_chained_without_a_signature(under_review, reviewers):
    for member in reviewers[:2]:
        states.sign(under_review, member)

    decision = RoundDecision.objects.get()
    assert decision.decided_by is None and decision.signature is None
    assert AuditEntry.objects.filter(kind=AuditKind.DECISION, record_id=str(decision.pk)).exists()
    assert audit.verify_article(under_review).ok


def test_a_decision_changed_in_the_database_is_caught(changes_recommended, editor):
    from tests.integrity.test_audit_chain import drop_triggers, raw

    api_decide(editor, changes_recommended, password=PASSWORD)
    drop_triggers("reviews_rounddecision")
    raw("UPDATE reviews_rounddecision SET letter = %s", ["Approved as is."])

    result = audit.verify_article(changes_recommended)

    assert not result.ok and result.first_broken.kind == AuditKind.DECISION


def test_the_decision_page_says_what_signing_means_and_refuses_a_wrong_password(
    changes_recommended, editor, client
):
    client.force_login(editor)
    url = reverse("editorial:decision", args=[changes_recommended.pk])
    page = client.get(url).content.decode()
    assert "your electronic signature" in page and 'name="password"' in page

    wrong = client.post(url, {"decision": "request_changes", "letter": "Revise.", "password": "nope"})

    assert wrong.status_code == 403
    assert "Revise." in wrong.content.decode()
    assert not RoundDecision.objects.exists()
