"""The editorial API's error contract: 400 names the problem, 401/403/404/409 as DESIGN.md says,
every refused call changes nothing, and no request answers 500."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from rest_framework.test import APIClient

from articles.models import Article
from reviews import workflow
from reviews.models import SignOff, TransitionLog
from tests import factories, states
from tests.api import API, EDITORIAL, article_url, sign_off_payload

pytestmark = pytest.mark.django_db

VALID_DRAFT = {
    "title": "Nausea after chemotherapy",
    "body": "Text.",
    "audience": "patient",
    "topic": "oncology",
}


def snapshot(article: Article) -> dict:
    """Everything a refused call must leave as it was."""
    article = Article.objects.get(pk=article.pk)
    return {
        "status": article.status,
        "content_hash": article.content_hash,
        "body": article.body,
        "history": article.history.count(),
        "signoffs": SignOff.objects.filter(assignment__round__article=article).count(),
        "log": TransitionLog.objects.filter(article=article).count(),
        "rounds": article.review_rounds.count(),
        "assignments": sum(r.assignments.count() for r in article.review_rounds.all()),
    }


@contextmanager
def unchanged(article: Article):
    before = snapshot(article)
    yield
    assert snapshot(article) == before


# 400: field errors that name the problem ------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error_field", "message"),
    [
        ({"audience": "children"}, "audience", '"children" is not a valid choice.'),
        ({"topic": "cardiology"}, "topic", "No specialty has the slug 'cardiology'."),
        ({"title": ""}, "title", "This field may not be blank."),
        ({"title": "x" * 256}, "title", "Ensure this field has no more than 255 characters."),
        ({"status": "approved"}, "status", "This field cannot be set here."),
        ({"title": "Nul\x00byte"}, "title", "Null characters are not allowed."),
    ],
)
def test_creating_with_a_bad_field_names_it_and_creates_nothing(clients, fields, error_field, message):
    response = clients["alice"].post(EDITORIAL, {**VALID_DRAFT, **fields})

    assert response.status_code == 400
    assert response.json() == {error_field: [message]}
    assert not Article.objects.exists()


def test_a_taken_slug_is_refused(clients, article):
    response = clients["alice"].post(EDITORIAL, {**VALID_DRAFT, "slug": article.slug})

    assert response.status_code == 400
    assert response.json() == {"slug": [f"An article with the slug '{article.slug}' already exists."]}


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"attestation": None}, "attestation"),
        ({"decision": "maybe"}, "decision"),
        ({"decision": "request_changes", "comments": "  "}, "comments"),
        ({"conflict_of_interest": True, "conflict_statement": ""}, "conflict_statement"),
        ({"attestation": False}, "attestation"),
    ],
)
def test_a_sign_off_with_bad_fields_names_them_and_changes_nothing(
    clients, under_review, fields, error_field
):
    payload = {key: value for key, value in {**sign_off_payload(), **fields}.items() if value is not None}

    with unchanged(under_review):
        response = clients["dr_baker"].post(article_url(under_review.pk, "signoffs"), payload)

    assert response.status_code == 400, response.content
    assert list(response.json()) == [error_field]


def test_submitting_with_an_unknown_citation_key_names_it(clients, article):
    clients["alice"].patch(article_url(article.pk), {"body": "Heat helps [@nosuch2020]."})
    article.refresh_from_db()

    with unchanged(article):
        response = clients["alice"].post(article_url(article.pk, "submit"), {})

    assert response.status_code == 400
    assert response.json()["citations"] == ["Unknown citation key [@nosuch2020]."]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reviewer": "nobody"}, "No board member has the username 'nobody'."),
        ({"reviewer": 42}, "Give the reviewer's username."),
        (
            {"reviewer": "dr_baker", "due_date": "next week"},
            "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
        ),
        ({"reviewer": "dr_baker", "due_date": "2001-01-01"}, "The due date cannot be in the past."),
        ({"reviewer": "alice"}, "No board member has the username 'alice'."),
    ],
)
def test_a_bad_assignment_names_the_problem(clients, submitted, fields, message):
    with unchanged(submitted):
        response = clients["eve"].post(article_url(submitted.pk, "assignments"), fields)

    assert response.status_code == 400, response.content
    [messages] = response.json().values()
    assert messages == [message]


def test_assigning_the_same_reviewer_twice_is_refused(clients, submitted):
    clients["eve"].post(article_url(submitted.pk, "assignments"), {"reviewer": "dr_baker"})

    with unchanged(submitted):
        response = clients["eve"].post(article_url(submitted.pk, "assignments"), {"reviewer": "dr_baker"})

    assert response.status_code == 400
    assert "already assigned" in response.json()["reviewer"][0]


def test_retracting_needs_a_notice(clients, approved):
    with unchanged(approved):
        response = clients["eve"].post(article_url(approved.pk, "retract"), {"notice": ""})

    assert response.status_code == 400
    assert list(response.json()) == ["notice"]


@pytest.mark.parametrize(
    ("query", "error_fields"),
    [
        ({}, {"from", "to"}),
        ({"from": "abc", "to": "1"}, {"from"}),
        ({"from": "1", "to": str(2**70)}, {"to"}),
        ({"from": "0", "to": "-3"}, {"from", "to"}),
    ],
)
def test_diff_with_bad_parameters_names_them(clients, article, query, error_fields):
    response = clients["alice"].get(article_url(article.pk, "diff"), query)

    assert response.status_code == 400
    assert set(response.json()) == error_fields


def test_diff_refuses_revisions_of_another_article(clients, article, author, topic):
    other = factories.ArticleFactory(author=author, topic=topic, title="Another article")
    own = article.history.get().history_id
    foreign = other.history.get().history_id

    response = clients["alice"].get(article_url(article.pk, "diff"), {"from": own, "to": foreign})

    assert response.status_code == 400
    assert response.json() == {"to": ["No such revision of this article."]}


def test_patch_refuses_fields_that_are_not_content(clients, article):
    with unchanged(article):
        response = clients["alice"].patch(
            article_url(article.pk), {"status": "approved", "content_hash": "x" * 64}
        )

    assert response.status_code == 400
    assert response.json() == {"status": ["This field cannot be set here."]}


def test_wrong_credentials_get_no_token(author):
    response = APIClient().post(
        f"{API}/auth/token/", {"username": "alice", "password": "wrong"}, format="json"
    )

    assert response.status_code == 400
    assert "token" not in response.json()


# 401: no credentials ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("post", ""),
        ("get", "{id}/"),
        ("patch", "{id}/"),
        ("post", "{id}/submit/"),
        ("get", "{id}/history/"),
    ],
)
def test_calls_without_credentials_answer_401(article, method, path):
    with unchanged(article):
        response = getattr(APIClient(), method)(EDITORIAL + path.format(id=article.pk), {}, format="json")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_an_unknown_token_answers_401(article):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    assert client.get(EDITORIAL).status_code == 401


# 403: a role that may not ---------------------------------------------------------------------


def test_an_author_may_not_approve(clients, under_review, reviewers):
    states.sign(under_review, reviewers[0])
    with unchanged(under_review):
        response = clients["alice"].post(article_url(under_review.pk, "approve"), {})

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only an editor may approve an article.",
        "code": "permission_denied",
    }


def test_an_author_may_not_sign_off_their_own_article(clients, under_review):
    with unchanged(under_review):
        response = clients["alice"].post(article_url(under_review.pk, "signoffs"), sign_off_payload())

    assert response.status_code == 403
    assert response.json()["detail"] == "An author cannot review their own article."


def test_a_reviewer_may_not_assign_reviewers(clients, under_review):
    with unchanged(under_review):
        response = clients["dr_baker"].post(
            article_url(under_review.pk, "assignments"), {"reviewer": "dr_diaz"}
        )

    assert response.status_code == 403


def test_a_reviewer_may_not_edit_the_article_under_review(clients, under_review):
    with unchanged(under_review):
        response = clients["dr_baker"].patch(
            article_url(under_review.pk), {"body": "Improved by the reviewer."}
        )

    assert response.status_code == 403


def test_a_reviewer_may_not_create_articles_whatever_the_body(clients):
    for body in (VALID_DRAFT, {"title": ""}):
        response = clients["dr_baker"].post(EDITORIAL, body)
        assert response.status_code == 403
    assert not Article.objects.exists()


def test_an_author_may_not_retract(clients, approved):
    with unchanged(approved):
        response = clients["alice"].post(article_url(approved.pk, "retract"), {"notice": "Withdrawn."})

    assert response.status_code == 403


# 404: what the caller may not see -------------------------------------------------------------


def test_another_authors_draft_is_not_found_exactly_like_a_missing_one(clients, article):
    bob = clients["bob"]
    missing = bob.get(article_url(article.pk + 1000))

    for method, action, payload in [
        ("get", "", None),
        ("patch", "", {"body": "x"}),
        ("post", "submit", {}),
        ("get", "history", None),
    ]:
        with unchanged(article):
            response = getattr(bob, method)(article_url(article.pk, action), payload)
        assert response.status_code == 404
        assert (
            response.json()
            == missing.json()
            == {"detail": "No Article matches the given query.", "code": "not_found"}
        )


def test_a_reviewer_not_assigned_cannot_see_the_article(clients, under_review):
    diaz = clients["dr_diaz"]

    assert diaz.get(article_url(under_review.pk)).status_code == 404
    with unchanged(under_review):
        assert diaz.post(article_url(under_review.pk, "signoffs"), sign_off_payload()).status_code == 404
    assert diaz.get(EDITORIAL).json()["count"] == 0


def test_lists_are_scoped_to_what_the_caller_may_see(clients, under_review, author, coauthor, topic):
    bobs = factories.ArticleFactory(author=coauthor, topic=topic, title="Bob's draft")

    def listed(name):
        return {item["id"] for item in clients[name].get(EDITORIAL).json()["results"]}

    assert listed("alice") == {under_review.pk}
    assert listed("bob") == {bobs.pk}
    assert listed("dr_baker") == {under_review.pk}
    assert listed("eve") == {under_review.pk, bobs.pk}


@pytest.mark.parametrize("article_id", ["abc", str(2**70), "-1"])
def test_malformed_article_ids_are_not_found(clients, article_id):
    assert clients["eve"].get(f"{EDITORIAL}{article_id}/").status_code == 404


# 409: the state forbids it --------------------------------------------------------------------


def test_submitting_twice_is_a_conflict(clients, submitted):
    with unchanged(submitted):
        response = clients["alice"].post(article_url(submitted.pk, "submit"), {})

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Cannot submit: the article is Submitted.",
        "code": "transition_not_allowed",
    }


@pytest.mark.parametrize("state", ["submitted", "under_review", "approved"])
def test_editing_outside_draft_and_changes_requested_is_a_conflict(request, clients, state):
    article = request.getfixturevalue(state)
    with unchanged(article):
        response = clients["alice"].patch(article_url(article.pk), {"body": "A late change."})

    assert response.status_code == 409
    assert "only be edited in Draft or Changes Requested" in response.json()["detail"]


def test_approving_below_quorum_is_a_conflict(clients, under_review, reviewers):
    states.sign(under_review, reviewers[1])  # one approval, and not from the article's specialty

    with unchanged(under_review):
        response = clients["eve"].post(article_url(under_review.pk, "approve"), {})

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The quorum is not met: 1 of 2 approvals on the current content; "
        "an approval from a reviewer of the article's specialty."
    )


def test_starting_review_with_too_few_reviewers_is_a_conflict(clients, submitted):
    clients["eve"].post(article_url(submitted.pk, "assignments"), {"reviewer": "dr_baker"})

    with unchanged(submitted):
        response = clients["eve"].post(article_url(submitted.pk, "start-review"), {})

    assert response.status_code == 409
    assert response.json()["detail"] == "A review round needs at least 2 eligible reviewers; 1 are assigned."


def test_signing_off_a_content_hash_that_is_not_current_is_a_conflict(clients, under_review):
    with unchanged(under_review):
        response = clients["dr_baker"].post(
            article_url(under_review.pk, "signoffs"), sign_off_payload(content_hash="0" * 64)
        )

    assert response.status_code == 409
    assert response.json()["code"] == "stale_content"


def test_signing_off_the_previous_rounds_content_is_a_conflict(
    clients, under_review, reviewers, author, editor
):
    reviewed_hash = under_review.content_hash
    article = states.sign(under_review, reviewers[1], "request_changes").article
    workflow.decide(actor=editor, article=article, decision="request_changes", letter="Fix the table.", password=states.PASSWORD)
    clients["alice"].patch(article_url(article.pk), {"body": "Corrected dosage table."})
    clients["alice"].post(article_url(article.pk, "submit"), {})  # the round starts at once

    with unchanged(article):
        response = clients["dr_baker"].post(
            article_url(article.pk, "signoffs"), sign_off_payload(content_hash=reviewed_hash)
        )

    assert response.status_code == 409
    assert response.json()["code"] == "stale_content"


def test_signing_off_twice_is_a_conflict(clients, under_review):
    assert (
        clients["dr_baker"].post(article_url(under_review.pk, "signoffs"), sign_off_payload()).status_code
        == 201
    )

    with unchanged(under_review):
        response = clients["dr_baker"].post(article_url(under_review.pk, "signoffs"), sign_off_payload())

    assert response.status_code == 409


@pytest.mark.parametrize("via", ["if_match", "body"])
def test_an_edit_based_on_stale_content_is_a_conflict(clients, article, via):
    loaded_hash = clients["alice"].get(article_url(article.pk)).json()["content_hash"]
    assert clients["bob"].get(article_url(article.pk)).status_code == 404  # only alice and editors
    clients["eve"].patch(article_url(article.pk), {"summary": "The editor's summary."})
    edit = {"body": "Alice's edit, based on what she loaded."}

    with unchanged(article):
        if via == "if_match":
            response = clients["alice"].patch(article_url(article.pk), edit, HTTP_IF_MATCH=f'"{loaded_hash}"')
        else:
            response = clients["alice"].patch(article_url(article.pk), {**edit, "content_hash": loaded_hash})

    assert response.status_code == 409
    assert response.json()["code"] == "stale_content"


def test_an_edit_with_the_current_hash_or_if_match_star_goes_through(clients, article):
    current = clients["alice"].get(article_url(article.pk)).json()["content_hash"]

    assert (
        clients["alice"]
        .patch(article_url(article.pk), {"body": "One."}, HTTP_IF_MATCH=f'"{current}"')
        .status_code
        == 200
    )
    assert (
        clients["alice"].patch(article_url(article.pk), {"body": "Two."}, HTTP_IF_MATCH="*").status_code
        == 200
    )


def test_retracting_a_draft_is_a_conflict(clients, article):
    with unchanged(article):
        response = clients["eve"].post(article_url(article.pk, "retract"), {"notice": "Withdrawn."})

    assert response.status_code == 409


def test_conflict_statements_are_read_only_by_editors(under_review, reviewers, author, editor):
    from rest_framework.test import APIClient

    from reviews import workflow

    assignment = workflow.signable_assignment(reviewers[0].user, under_review)
    workflow.declare_conflict(
        actor=reviewers[0].user,
        assignment=assignment,
        has_conflict=True,
        statement="My sister works at the maker.",
    )
    statements = {}
    for user in (author, reviewers[1].user, reviewers[0].user, editor):
        client = APIClient()
        client.force_authenticate(user)
        response = client.get(f"/api/v1/editorial/articles/{under_review.pk}/assignments/")
        if response.status_code == 404:
            statements[user.username] = None
            continue
        statements[user.username] = next(
            r for r in response.json() if r["reviewer"] == reviewers[0].user.username
        )
    assert statements[author.username]["conflict_statement"] == ""
    assert statements[author.username]["conflict_of_interest"] is True
    assert statements[reviewers[1].user.username]["conflict_statement"] == ""
    # Having declared it, the reviewer sees nothing more of the article (issue 18).
    assert statements[reviewers[0].user.username] is None
    assert statements[editor.username]["conflict_statement"] == "My sister works at the maker."
