"""A sign-off is an electronic signature: the signer proves themselves in the same request."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from rest_framework.test import APIClient

from reviews.models import AssignmentStatus, AuditEntry, Signature, SignatureMethod, SignOff
from reviews.signatures import STATEMENTS
from tests.api import sign_off_payload
from tests.states import PASSWORD

pytestmark = pytest.mark.django_db


def api_sign(user, article, **fields):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(
        f"/api/v1/editorial/articles/{article.pk}/signoffs/", sign_off_payload(**fields), format="json"
    )


def nothing_recorded(article, member):
    assignment = article.review_rounds.get().assignments.get(reviewer=member)
    return (
        not SignOff.objects.exists()
        and not Signature.objects.exists()
        and assignment.status == AssignmentStatus.ASSIGNED
        and assignment.conflict_of_interest is None
        and not AuditEntry.objects.filter(kind="signoff").exists()
    )


def test_a_wrong_password_is_403_signature_failed_and_records_nothing(under_review, reviewers):
    response = api_sign(reviewers[0].user, under_review, password="not-my-password")

    assert response.status_code == 403
    assert response.json()["code"] == "signature_failed"
    assert nothing_recorded(under_review, reviewers[0])


def test_a_missing_password_is_refused_the_same_way(under_review, reviewers):
    response = api_sign(reviewers[0].user, under_review, password="")

    assert (response.status_code, response.json()["code"]) == (403, "signature_failed")
    assert nothing_recorded(under_review, reviewers[0])


def test_the_signature_records_name_credentials_time_and_meaning(under_review, reviewers):
    response = api_sign(reviewers[0].user, under_review)

    assert response.status_code == 201, response.content
    signature = Signature.objects.get()
    assert signature.signoff == SignOff.objects.get()
    assert (signature.printed_name, signature.credentials) == (reviewers[0].display_name, "MD")
    assert (signature.meaning, signature.method) == ("approve", SignatureMethod.PASSWORD)
    assert signature.statement == STATEMENTS["approve"]
    assert signature.content_hash == under_review.content_hash
    body = response.json()["signature"]
    assert body["id"] == str(signature.pk)
    assert body["printed_name"] == reviewers[0].display_name
    assert body["meaning"] == "approve"
    assert body["signed_at"]
    assert "password" not in response.json()


def test_a_request_for_changes_is_signed_with_that_meaning(under_review, reviewers):
    response = api_sign(reviewers[0].user, under_review, decision="request_changes")

    assert response.status_code == 201
    assert Signature.objects.get().meaning == "request_changes"


def test_a_reviewer_with_a_device_signs_with_its_code_not_the_password(under_review, reviewers):
    device = StaticDevice.objects.create(user=reviewers[0].user, name="backup codes")
    device.token_set.create(token="314159")

    assert api_sign(reviewers[0].user, under_review).status_code == 403
    assert api_sign(reviewers[0].user, under_review, otp="271828").status_code == 403
    assert nothing_recorded(under_review, reviewers[0])

    response = api_sign(reviewers[0].user, under_review, otp="314159")

    assert response.status_code == 201, response.content
    assert Signature.objects.get().method == SignatureMethod.OTP


def test_the_web_page_says_what_signing_means_and_asks_for_the_password(under_review, reviewers, client):
    client.force_login(reviewers[0].user)
    client.post(reverse("editorial:declare_conflict", args=[under_review.pk]), {"has_conflict": "no"})

    page = client.get(reverse("editorial:review", args=[under_review.pk])).content.decode()

    assert "Signing is your electronic signature" in page
    assert STATEMENTS["approve"] in page
    assert 'name="password"' in page


def test_a_wrong_password_on_the_web_page_is_403_with_the_form_again(under_review, reviewers, client):
    client.force_login(reviewers[0].user)
    client.post(reverse("editorial:declare_conflict", args=[under_review.pk]), {"has_conflict": "no"})
    form = {
        "decision": "approve",
        "comments": "Fine.",
        "attestation": "on",
        "password": "wrong",
        "content_hash": under_review.content_hash,
    }

    response = client.post(reverse("editorial:sign_off", args=[under_review.pk]), form)

    assert response.status_code == 403
    assert "the one given is wrong" in response.content.decode()
    assert not SignOff.objects.exists() and not Signature.objects.exists()

    form["password"] = PASSWORD
    response = client.post(reverse("editorial:sign_off", args=[under_review.pk]), form)
    assert response.status_code == 302
    assert Signature.objects.get().printed_name == reviewers[0].display_name
