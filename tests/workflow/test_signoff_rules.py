"""A sign-off meets the same rules through the API and the web app, because both ask the workflow.

Each case puts a reviewer in a situation and signs off through one interface; the answer's class
(accepted, 400 bad input, 403 not you, 409 not now) and what was recorded must be the same
through both. The web app declares the conflict of interest as a step of its own before the
sign-off form; the API declares it in the sign-off's body (``conflict_of_interest: false``).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from articles import services
from reviews import workflow
from reviews.models import SignOff
from tests import states
from tests.states import PASSWORD

pytestmark = pytest.mark.django_db


def via_api(user, article, *, declare: bool, **fields) -> int:
    client = APIClient()
    client.force_authenticate(user)
    body = {"decision": "approve", "comments": "", "attestation": True, "password": PASSWORD, "content_hash": article.content_hash}
    if declare:
        body["conflict_of_interest"] = False
    body.update(fields)
    return client.post(f"/api/v1/editorial/articles/{article.pk}/signoffs/", body, format="json").status_code


def via_web(user, article, *, declare: bool, **fields) -> int:
    client = Client()
    client.force_login(user)
    if declare:
        client.post(reverse("editorial:declare_conflict", args=[article.pk]), {"has_conflict": "no"})
    form = {"decision": "approve", "comments": "", "attestation": "on", "password": PASSWORD, "content_hash": article.content_hash}
    form.update(
        {name: ("on" if value is True else value) for name, value in fields.items() if value is not False}
    )
    if fields.get("attestation") is False:
        form.pop("attestation")
    return client.post(reverse("editorial:sign_off", args=[article.pk]), form).status_code


INTERFACES = {"api": via_api, "web": via_web}
ACCEPTED = {"api": 201, "web": 302}


def answer_class(interface: str, status: int) -> str:
    return "accepted" if status == ACCEPTED[interface] else str(status)


@pytest.fixture
def review(under_review, reviewers):
    return under_review, reviewers[0].user


@pytest.mark.parametrize("interface", INTERFACES)
def test_a_declared_reviewer_signs_off(interface, review):
    article, reviewer = review

    status = INTERFACES[interface](reviewer, article, declare=True)

    assert answer_class(interface, status) == "accepted"
    assert SignOff.objects.filter(assignment__reviewer__user=reviewer).count() == 1


@pytest.mark.parametrize("interface", INTERFACES)
def test_without_a_declaration_the_sign_off_is_bad_input(interface, review):
    article, reviewer = review

    status = INTERFACES[interface](reviewer, article, declare=False)

    assert status == 400
    assert not SignOff.objects.exists()


@pytest.mark.parametrize("interface", INTERFACES)
def test_after_declaring_a_conflict_the_article_is_not_found(interface, review):
    article, reviewer = review
    assignment = workflow.signable_assignment(reviewer, article)
    workflow.declare_conflict(
        actor=reviewer, assignment=assignment, has_conflict=True, statement="I consult."
    )

    status = INTERFACES[interface](reviewer, article, declare=True)

    assert status == 404
    assert not SignOff.objects.exists()


@pytest.mark.parametrize("interface", INTERFACES)
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"attestation": False}, 400),
        ({"decision": "request_changes", "comments": ""}, 400),
        ({"content_hash": "0" * 64}, 409),
    ],
    ids=["no attestation", "changes without comments", "stale content"],
)
def test_bad_input_and_stale_content_are_refused_alike(interface, review, fields, expected):
    article, reviewer = review

    status = INTERFACES[interface](reviewer, article, declare=True, **fields)

    assert status == expected
    assert not SignOff.objects.exists()


@pytest.mark.parametrize("interface", INTERFACES)
def test_signing_before_the_round_starts_is_refused_as_not_now(interface, submitted, editor, reviewers):
    workflow.assign_reviewer(actor=editor, article=submitted, reviewer=reviewers[0])

    status = INTERFACES[interface](reviewers[0].user, submitted, declare=True)

    assert status == 409
    assert not SignOff.objects.exists()


@pytest.mark.parametrize("interface", INTERFACES)
def test_signing_twice_is_refused_as_not_now(interface, review):
    article, reviewer = review
    INTERFACES[interface](reviewer, article, declare=True)

    status = INTERFACES[interface](reviewer, article, declare=True)

    assert status == 409
    assert SignOff.objects.count() == 1


@pytest.mark.parametrize("interface", INTERFACES)
def test_an_inactive_board_member_cannot_sign_off(interface, review):
    article, reviewer = review
    reviewer.board_member.active = False
    reviewer.board_member.save()

    status = INTERFACES[interface](reviewer, article, declare=True)

    assert status == 409
    assert not SignOff.objects.exists()


def test_the_content_changed_after_changes_were_requested_is_reviewed_afresh(
    review, author, editor, reviewers
):
    # The same reviewer, a round later, signs the new content through either interface.
    article, reviewer = review
    workflow.sign_off(
        actor=reviewer,
        article=article,
        decision="request_changes",
        comments="Fix it.",
        attestation=True,
        password=PASSWORD,
        conflict_of_interest=False,
    )
    workflow.decide(actor=editor, article=article, decision="request_changes", letter="Fix it, please.", password=states.PASSWORD)
    services.article_update_content(actor=author, article=article, changes={"body": "Fixed."})
    resubmitted = states.submitted(article, author)
    resubmitted.refresh_from_db()

    assert answer_class("web", via_web(reviewer, resubmitted, declare=True)) == "accepted"
    assert answer_class("api", via_api(reviewers[1].user, resubmitted, declare=True)) == "accepted"


def test_the_workflow_itself_refuses_a_sign_off_without_a_declaration(review):
    article, reviewer = review

    with pytest.raises(ValidationError) as refused:
        workflow.sign_off(actor=reviewer, article=article, decision="approve", attestation=True, password=PASSWORD)

    assert "conflict_of_interest" in refused.value.error_dict
    assert not SignOff.objects.exists()
