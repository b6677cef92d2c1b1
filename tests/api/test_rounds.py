"""The review round through the API: comments on passages, the review form, the decision."""

import pytest

from reviews import review_form
from reviews.models import Comment, ReviewPolicy, RoundDecision
from tests import states
from tests.api import article_url, sign_off_payload

pytestmark = pytest.mark.django_db

QUOTE = {"exact": "common during chemotherapy", "prefix": "Back spasms are ", "suffix": "."}


def test_a_reviewer_comments_on_a_passage_and_the_thread_is_answered_and_resolved(clients, under_review):
    posted = clients["dr_baker"].post(
        article_url(under_review.pk, "comments"), {"body": "How common?", "quote": QUOTE}, format="json"
    )
    assert posted.status_code == 201, posted.content
    thread = posted.json()
    assert thread["quote"] == QUOTE and thread["state"] == "open" and thread["round"] == 1
    assert thread["revision"] == under_review.history.order_by("-history_id").first().history_id

    replied = clients["eve"].post(
        article_url(under_review.pk, f"comments/{thread['id']}/reply"), {"body": "About one in three."}
    )
    assert replied.status_code == 200, replied.content
    assert [r["body"] for r in replied.json()["replies"]] == ["About one in three."]
    also = clients["dr_chen"].post(
        article_url(under_review.pk, "comments"), {"body": "Agreed.", "parent": thread["id"]}, format="json"
    )
    assert also.status_code == 201 and len(also.json()["replies"]) == 2

    resolved = clients["dr_baker"].post(article_url(under_review.pk, f"comments/{thread['id']}/resolve"))
    assert resolved.status_code == 200 and resolved.json()["state"] == "resolved"
    listed = clients["dr_chen"].get(article_url(under_review.pk, "comments")).json()
    assert [(t["id"], t["state"]) for t in listed] == [(thread["id"], "resolved")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": "x", "quote": {"exact": "never written"}}, "quote"),
        ({"body": "x", "revision": 999999}, "revision"),
        ({"body": ""}, "body"),
        ({"body": "x", "anchor": "p3"}, "anchor"),
    ],
)
def test_a_bad_comment_is_a_400_naming_the_field(clients, under_review, body, field):
    response = clients["dr_baker"].post(article_url(under_review.pk, "comments"), body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not Comment.objects.exists()


def test_an_author_cannot_see_the_boards_threads_until_forwarded(clients, under_review):
    clients["dr_baker"].post(article_url(under_review.pk, "comments"), {"body": "Internal."}, format="json")
    assert clients["alice"].get(article_url(under_review.pk, "comments")).json() == []
    assert clients["alice"].post(article_url(under_review.pk, "comments"), {"body": "Me?"}).status_code == 403


def test_the_editor_decides_with_a_letter_and_the_author_answers_it(clients, under_review, reviewers):
    states.sign(under_review, reviewers[0], decision="request_changes", comments="Fix the dose.")
    [thread] = clients["eve"].get(article_url(under_review.pk, "comments")).json()

    refused = clients["eve"].post(
        article_url(under_review.pk, "decision"), {"decision": "request_changes"}, format="json"
    )
    assert refused.status_code == 400 and "letter" in refused.json()
    below_quorum = clients["eve"].post(article_url(under_review.pk, "decision"), {"decision": "approve"})
    assert below_quorum.status_code == 409
    assert (
        clients["dr_chen"].post(article_url(under_review.pk, "decision"), {"decision": "approve"}).status_code
        == 403
    )

    decided = clients["eve"].post(
        article_url(under_review.pk, "decision"),
        {
            "decision": "request_changes",
            "letter": "See Dr. Baker's note.",
            "forward": [thread["id"]],
            "password": states.PASSWORD,
        },
        format="json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "changes_requested"
    assert clients["alice"].get(article_url(under_review.pk, "comments")).json()[0]["id"] == thread["id"]

    unanswered = clients["alice"].post(article_url(under_review.pk, "submit"), {}, format="json")
    assert unanswered.status_code == 400 and "responses" in unanswered.json()
    answered = clients["alice"].post(
        article_url(under_review.pk, "submit"),
        {"responses": [{"comment": thread["id"], "reply": "Fixed: 5 mg."}]},
        format="json",
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "under_review"
    replies = clients["dr_baker"].get(article_url(under_review.pk, "comments")).json()[0]["replies"]
    assert [r["body"] for r in replies] == ["Fixed: 5 mg."]


def test_a_recommendation_carries_the_review_form(clients, under_review, topic):
    items = review_form.add_default_checklist(ReviewPolicy.objects.create(specialty=topic))
    url = article_url(under_review.pk, "signoffs")

    missing = clients["dr_baker"].post(url, sign_off_payload(), format="json")
    assert missing.status_code == 400 and "must be answered" in str(missing.json()["form"])
    bad = clients["dr_baker"].post(
        url, sign_off_payload(form={str(items[0].pk): {"answer": "maybe"}}), format="json"
    )
    assert bad.status_code == 400 and "form" in bad.json()

    form = {str(item.pk): {"answer": "yes", "note": "Checked."} for item in items}
    done = clients["dr_baker"].post(url, sign_off_payload(form=form), format="json")
    assert done.status_code == 201, done.content
    assert done.json()["form"][str(items[0].pk)]["answer"] == "yes"
    assert not RoundDecision.objects.exists()


def test_the_audit_trail_shows_form_answers_and_decisions(clients, under_review, topic, editor, reviewers):
    items = review_form.add_default_checklist(ReviewPolicy.objects.create(specialty=topic))
    form = {str(item.pk): {"answer": "yes", "note": ""} for item in items}
    form[str(items[1].pk)] = {"answer": "no", "note": "5 mg, not 50 mg."}
    clients["dr_baker"].post(
        article_url(under_review.pk, "signoffs"),
        sign_off_payload("request_changes", form=form),
        format="json",
    )
    states.changes_requested(under_review, editor, reviewers[1], letter="Fix the dose.")

    trail = clients["eve"].get(article_url(under_review.pk, "audit")).json()

    [signoff] = [e for e in trail if e["kind"] == "signoff" and e["actor"] == "dr_baker"]
    assert f"{items[1].question} no (5 mg, not 50 mg.)" in signoff["summary"]
    [decision] = [e for e in trail if e["kind"] == "decision"]
    assert decision["actor"] == "eve" and decision["summary"].endswith("Request changes: Fix the dose.")
