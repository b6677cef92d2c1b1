"""The editorial workflow end to end over HTTP, as authors, reviewers and editors' clients drive it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from articles import services
from reviews import workflow
from tests import factories, states
from tests.api import EDITORIAL, article_url, public_url, sign_off_payload, token_client

pytestmark = pytest.mark.django_db

DRAFT = {
    "title": "Sharp back spasms during chemotherapy",
    "summary": "What causes them and what helps.",
    "body": "Back spasms are common during chemotherapy.",
    "audience": "patient",
    "topic": "oncology",
}


@pytest.fixture
def clients(editor, author, reviewers):
    """One token-authenticated client per person, by username."""
    return {name: token_client(name) for name in ("alice", "eve", "dr_baker", "dr_chen")}


def in_two_weeks() -> str:
    return (timezone.localdate() + datetime.timedelta(days=14)).isoformat()


def approve_through_the_api(clients, article_id: int) -> None:
    """Submit, assign Dr. Baker and Dr. Chen and start the round (unless carried over), both approve."""
    alice, eve = clients["alice"], clients["eve"]
    submitted = alice.post(article_url(article_id, "submit"), {})
    assert submitted.status_code == 200
    if submitted.json()["status"] == "submitted":
        assigned = {a["reviewer"] for a in eve.get(article_url(article_id, "assignments")).json()}
        for reviewer in {"dr_baker", "dr_chen"} - assigned:
            response = eve.post(article_url(article_id, "assignments"), {"reviewer": reviewer})
            assert response.status_code == 201, response.content
        assert eve.post(article_url(article_id, "start-review"), {}).status_code == 200
    for reviewer in ("dr_baker", "dr_chen"):
        assert (
            clients[reviewer].post(article_url(article_id, "signoffs"), sign_off_payload()).status_code == 201
        )


def test_an_article_goes_from_draft_to_approved_through_the_api(clients):
    alice, eve, baker, chen = (clients[name] for name in ("alice", "eve", "dr_baker", "dr_chen"))

    created = alice.post(EDITORIAL, DRAFT)
    assert created.status_code == 201, created.content
    article = created.json()
    assert article["slug"] == "sharp-back-spasms-during-chemotherapy"
    assert article["status"] == "draft"
    assert len(article["content_hash"]) == 64
    url = article_url(article["id"])

    edited = alice.patch(url, {"body": "Back spasms are common during chemotherapy. Heat often helps."})
    assert edited.status_code == 200, edited.content
    assert edited.json()["body"].endswith("Heat often helps.")
    assert edited.json()["content_hash"] != article["content_hash"]

    submitted = alice.post(article_url(article["id"], "submit"), {"comment": "Ready for the board."})
    assert submitted.status_code == 200, submitted.content
    assert (submitted.json()["status"], submitted.json()["warnings"]) == ("submitted", [])

    due = in_two_weeks()
    for reviewer in ("dr_baker", "dr_chen"):
        assigned = eve.post(
            article_url(article["id"], "assignments"), {"reviewer": reviewer, "due_date": due}
        )
        assert assigned.status_code == 201, assigned.content
        assert (assigned.json()["reviewer"], assigned.json()["due_date"], assigned.json()["status"]) == (
            reviewer,
            due,
            "assigned",
        )
    started = eve.post(article_url(article["id"], "start-review"), {})
    assert started.status_code == 200, started.content
    assert started.json()["status"] == "under_review"

    changes = chen.post(
        article_url(article["id"], "signoffs"),
        sign_off_payload("request_changes", comments="Name the muscle relaxants to avoid."),
    )
    assert changes.status_code == 201, changes.content
    # A recommendation: the round goes on, and the editor decides.
    assert (changes.json()["decision"], changes.json()["article_status"]) == (
        "request_changes",
        "under_review",
    )
    assert changes.json()["comments"] == "Name the muscle relaxants to avoid."
    [thread] = eve.get(article_url(article["id"], "comments")).json()
    decided = eve.post(
        article_url(article["id"], "decision"),
        {
            "decision": "request_changes",
            "letter": "Please answer Dr. Chen.",
            "forward": [thread["id"]],
            "password": states.PASSWORD,
        },
        format="json",
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "changes_requested"

    returned = alice.get(url).json()
    assert returned["status"] == "changes_requested"
    assert {"edit", "submit"} <= set(returned["allowed_actions"])
    answered = alice.patch(
        url,
        {"body": returned["body"] + " Avoid muscle relaxants that interact with your chemotherapy."},
        HTTP_IF_MATCH=f'"{returned["content_hash"]}"',
    )
    assert answered.status_code == 200, answered.content
    responses = [{"comment": thread["id"], "reply": "Named them.", "resolved": True}]
    resubmitted = alice.post(article_url(article["id"], "submit"), {"responses": responses}, format="json")
    # The first round's reviewers are asked again and are enough: the round starts at once.
    assert resubmitted.json()["status"] == "under_review", resubmitted.content

    current_hash = answered.json()["content_hash"]
    first = baker.post(article_url(article["id"], "signoffs"), sign_off_payload(content_hash=current_hash))
    assert first.status_code == 201, first.content
    assert first.json()["article_status"] == "under_review"
    second = chen.post(article_url(article["id"], "signoffs"), sign_off_payload(content_hash=current_hash))
    assert second.status_code == 201, second.content
    assert second.json()["article_status"] == "approved"
    assert second.json()["content_hash"] == current_hash

    published = APIClient().get(public_url(article["slug"]))
    assert published.status_code == 200, published.content
    body = published.json()
    assert "interact with your chemotherapy" in body["body_html"]
    reviewers = {r["credentials"]: r for r in body["reviewers"]}
    assert set(reviewers) == {"MD", "PharmD"}
    assert all(r["name"] and r["signed_at"] for r in body["reviewers"])
    signed_at = datetime.datetime.fromisoformat(reviewers["PharmD"]["signed_at"])
    assert signed_at == datetime.datetime.fromisoformat(second.json()["signed_at"])


def test_submitting_reports_sources_attached_but_never_cited(clients, article, author):
    cited, uncited = factories.SourceFactory(key="will2018"), factories.SourceFactory(key="nice2020")
    services.article_update_content(
        actor=author,
        article=article,
        changes={"body": "Heat helps [@will2018].", "attached_sources": [cited, uncited]},
    )

    response = clients["alice"].post(article_url(article.pk, "submit"), {})

    assert response.status_code == 200
    assert response.json()["warnings"] == ["Source [@nice2020] is attached but never cited."]


def test_history_lists_every_revision_newest_first(clients, author):
    alice = clients["alice"]
    article = alice.post(EDITORIAL, DRAFT).json()
    alice.patch(article_url(article["id"]), {"title": "Back spasms during chemotherapy"})
    alice.post(article_url(article["id"], "submit"), {"comment": "ready"})

    history = alice.get(article_url(article["id"], "history"))

    assert history.status_code == 200
    revisions = history.json()
    assert [r["change_reason"] for r in revisions] == ["submit: ready", "edited: title", "draft created"]
    assert [r["status"] for r in revisions] == ["submitted", "draft", "draft"]
    assert all(r["history_user"] == "alice" for r in revisions)
    ids = [r["history_id"] for r in revisions]
    assert ids == sorted(ids, reverse=True)
    dates = [r["history_date"] for r in revisions]
    assert dates == sorted(dates, reverse=True)
    assert revisions[0]["content_hash"] == revisions[1]["content_hash"] != revisions[2]["content_hash"]


def test_diff_shows_changed_fields_with_word_chunks(clients, other_topic):
    alice = clients["alice"]
    article = alice.post(EDITORIAL, DRAFT).json()
    alice.patch(
        article_url(article["id"]),
        {"body": "Back spasms are frequent during chemotherapy.", "topic": "pharmacology"},
    )
    first, latest = alice.get(article_url(article["id"], "history")).json()[::-1]

    response = alice.get(
        article_url(article["id"], "diff"), {"from": first["history_id"], "to": latest["history_id"]}
    )

    assert response.status_code == 200, response.content
    diff = response.json()
    assert (diff["from_revision"], diff["to_revision"]) == (first["history_id"], latest["history_id"])
    changes = {change["field"]: change for change in diff["changes"]}
    assert set(changes) == {"body", "topic"}
    assert (changes["topic"]["old"], changes["topic"]["new"]) == ("oncology", "pharmacology")
    body = changes["body"]
    assert (body["old"], body["new"]) == (DRAFT["body"], "Back spasms are frequent during chemotherapy.")
    assert {"op": "delete", "text": "common"} in body["words"]
    assert {"op": "insert", "text": "frequent"} in body["words"]
    assert "".join(w["text"] for w in body["words"] if w["op"] != "insert") == body["old"]
    assert "".join(w["text"] for w in body["words"] if w["op"] != "delete") == body["new"]


def test_audit_trail_tells_the_whole_story_oldest_first(clients):
    alice = clients["alice"]
    article = alice.post(EDITORIAL, DRAFT).json()
    approve_through_the_api(clients, article["id"])

    response = clients["eve"].get(article_url(article["id"], "audit"))

    assert response.status_code == 200
    entries = response.json()
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
    transitions = [e["summary"] for e in entries if e["kind"] == "transition"]
    assert [t.split(":")[0] for t in transitions] == ["submit", "start_review", "approve"]
    signoffs = [(e["actor"], e["summary"]) for e in entries if e["kind"] == "signoff"]
    assert [actor for actor, _summary in signoffs] == ["dr_baker", "dr_chen"]
    assert all(summary.startswith("Approve (round 1)") for _actor, summary in signoffs)
    assert entries[0] == {
        "at": entries[0]["at"],
        "kind": "revision",
        "actor": "alice",
        "summary": "draft created",
        "content_hash": article["content_hash"],
    }


def test_transition_log_records_each_step_with_actor(clients):
    article = clients["alice"].post(EDITORIAL, DRAFT).json()
    approve_through_the_api(clients, article["id"])

    log = clients["alice"].get(article_url(article["id"], "transition-log")).json()

    assert [(e["action"], e["from_status"], e["to_status"], e["actor"]) for e in log] == [
        ("submit", "draft", "submitted", "alice"),
        ("start_review", "submitted", "under_review", "eve"),
        ("approve", "under_review", "approved", "dr_chen"),
    ]


def test_revising_keeps_the_publication_live_until_the_next_approval(clients):
    alice = clients["alice"]
    article = alice.post(EDITORIAL, DRAFT).json()
    approve_through_the_api(clients, article["id"])

    revised = alice.post(article_url(article["id"], "revise"), {"comment": "New NCCN guidance."})
    assert revised.status_code == 200, revised.content
    assert revised.json()["status"] == "draft"
    alice.patch(article_url(article["id"]), {"title": "Back spasms during chemotherapy: 2025 update"})

    live = APIClient().get(public_url(article["slug"]))
    assert live.status_code == 200
    assert (live.json()["title"], live.json()["version"]) == (DRAFT["title"], 1)

    approve_through_the_api(clients, article["id"])
    replaced = APIClient().get(public_url(article["slug"])).json()
    assert (replaced["title"], replaced["version"]) == ("Back spasms during chemotherapy: 2025 update", 2)


def test_retraction_answers_410_publicly_with_the_notice(clients):
    article = clients["alice"].post(EDITORIAL, DRAFT).json()
    approve_through_the_api(clients, article["id"])
    notice = "Retracted: the dosing advice relied on a withdrawn trial."

    retracted = clients["eve"].post(article_url(article["id"], "retract"), {"notice": notice})

    assert retracted.status_code == 200, retracted.content
    assert (retracted.json()["status"], retracted.json()["retraction_notice"]) == ("retracted", notice)
    public = APIClient().get(public_url(article["slug"]))
    assert public.status_code == 410
    assert public.json()["notice"] == notice
    listed = APIClient().get("/api/v1/articles/").json()
    assert article["slug"] not in [item["slug"] for item in listed["results"]]


def test_a_conflict_of_interest_is_recorded_and_the_sign_off_refused(clients, under_review):
    response = clients["dr_baker"].post(
        article_url(under_review.pk, "signoffs"),
        sign_off_payload(conflict_of_interest=True, conflict_statement="I advise the drug's maker."),
    )

    assert response.status_code == 403
    assignment = under_review.review_rounds.get().assignments.get(reviewer__user__username="dr_baker")
    assert (assignment.status, assignment.conflict_statement) == ("conflict", "I advise the drug's maker.")
    assert not under_review.review_rounds.get().assignments.filter(signoff__isnull=False).exists()
    listed = clients["eve"].get(article_url(under_review.pk, "assignments")).json()
    assert {a["reviewer"]: a["conflict_of_interest"] for a in listed} == {"dr_baker": True, "dr_chen": None}


# What each action name of transitions/ means as a request.
ACTION_REQUESTS = {
    "edit": ("patch", "", {"body": "A careful edit."}),
    "submit": ("post", "submit", {}),
    "assign": ("post", "assignments", {"reviewer": "dr_diaz"}),
    "start_review": ("post", "start-review", {}),
    "sign_off": ("post", "signoffs", sign_off_payload()),
    "comment": ("post", "comments", {"body": "Which trial supports this?"}),
    "decide": (
        "post",
        "decision",
        {"decision": "request_changes", "letter": "Please revise.", "password": states.PASSWORD},
    ),
    "approve": ("post", "approve", {"password": states.PASSWORD}),
    "revise": ("post", "revise", {}),
    "flag_for_rereview": ("post", "flag-for-rereview", {"reason": "A new guideline was published."}),
    "retract": ("post", "retract", {"notice": "Withdrawn pending review."}),
}


def test_every_workflow_action_has_an_api_request():
    assert set(ACTION_REQUESTS) == set(workflow.ACTION_CHECKS)


@pytest.fixture
def assigned(submitted, editor, reviewers):
    """Submitted, with Dr. Baker and Dr. Chen assigned: the editor may start the round."""
    for member in reviewers[:2]:
        workflow.assign_reviewer(actor=editor, article=submitted, reviewer=member)
    return submitted


@pytest.fixture
def changes_requested(under_review, reviewers, editor):
    # A letter that forwards no comment, so that submit needs no answers.
    states.sign(under_review, reviewers[1], "request_changes")
    return workflow.decide(
        actor=editor, article=under_review, decision="request_changes", letter="Revise.", password=states.PASSWORD
    )


@pytest.mark.parametrize(
    "state", ["article", "submitted", "assigned", "under_review", "changes_requested", "approved"]
)
def test_transitions_list_exactly_the_actions_that_succeed(request, state, clients):
    """For each person, an action is listed by transitions/ if and only if its request succeeds."""
    article = request.getfixturevalue(state)
    for username, client in clients.items():
        listed = client.get(article_url(article.pk, "transitions")).json()
        for name, (method, path, payload) in ACTION_REQUESTS.items():
            # Each attempt is rolled back so the next one starts from the same state.
            with transaction.atomic():
                response = getattr(client, method)(article_url(article.pk, path), payload)
                transaction.set_rollback(True)
            succeeded = response.status_code in (200, 201)
            assert succeeded == (name in listed), (
                username,
                state,
                name,
                response.status_code,
                response.content,
            )
            assert response.status_code in (200, 201, 403, 404, 409), response.content


def test_transitions_answer_for_the_caller(clients, under_review):
    answers = {
        name: clients[name].get(article_url(under_review.pk, "transitions")).json() for name in clients
    }

    assert answers == {
        "alice": [],
        "eve": ["assign", "comment", "decide"],
        "dr_baker": ["sign_off", "comment"],
        "dr_chen": ["sign_off", "comment"],
    }
    detail = clients["dr_baker"].get(article_url(under_review.pk)).json()
    assert detail["allowed_actions"] == ["sign_off", "comment"]


# Query counts ---------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("username", ["eve", "alice", "dr_baker"])
def test_the_list_does_not_query_per_article(
    clients, author, editor, topic, reviewers, username, django_assert_max_num_queries
):
    """20 articles cost what one costs: the list reads what the selector prefetched."""
    first = factories.ArticleFactory(author=author, topic=topic, title="Article 0")
    states.under_review(states.submitted(first, author), editor, reviewers[:2])
    one = count_queries(clients[username], EDITORIAL)
    for number in range(1, 20):
        article = factories.ArticleFactory(author=author, topic=topic, title=f"Article {number}")
        states.under_review(states.submitted(article, author), editor, reviewers[:2])

    with django_assert_max_num_queries(one):
        response = clients[username].get(EDITORIAL)

    assert response.json()["count"] == 20
    assert len(response.json()["results"]) == 20
    assert one <= 7  # token, permissions, count, page, authors


def test_one_article_with_allowed_actions_costs_a_bounded_number_of_queries(clients, under_review):
    # Measured: 15 for the editor (10 of them in workflow.available_actions: four author checks
    # and the quorum), 9 for a reviewer. The bound leaves room for a new rule, not for a loop.
    for username in ("eve", "alice", "dr_baker"):
        assert count_queries(clients[username], article_url(under_review.pk)) <= 20, username
