"""Concurrent requests on one article, with real threads and PostgreSQL connections.

Every workflow step locks the article row, so simultaneous sign-offs and approvals serialise:
exactly one approval wins, refused calls answer 409 (never 500), nothing is stored twice.
"""

from __future__ import annotations

from collections import Counter

import pytest
from rest_framework.test import APIClient

from articles.models import Publication, Status
from reviews.models import SignOff, TransitionLog
from tests import factories, states
from tests.states import PASSWORD
from tests.threads import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _sign_off_call(article, member):
    def call():
        response = _client_for(member.user).post(
            f"/api/v1/editorial/articles/{article.pk}/signoffs/",
            {"decision": "approve", "comments": "Accurate.", "attestation": True, "password": PASSWORD, "conflict_of_interest": False},
            format="json",
        )
        return ("signoff", member.pk, response.status_code)

    return call


def _approve_call(article, editor):
    def call():
        response = _client_for(editor).post(
            f"/api/v1/editorial/articles/{article.pk}/approve/", {"password": states.PASSWORD}, format="json"
        )
        return ("approve", editor.pk, response.status_code)

    return call


def test_twenty_reviewers_and_editors_at_once_approve_exactly_once(topic, author, editor):
    board = [factories.BoardMemberFactory(specialties=[topic]) for _ in range(20)]
    other_editors = [factories.EditorFactory() for _ in range(4)]
    article = factories.ArticleFactory(author=author, topic=topic)
    states.submitted(article, author)
    states.under_review(article, editor, board)

    calls = [_sign_off_call(article, member) for member in board]
    calls += [_approve_call(article, e) for e in [editor, *other_editors]]
    results = run_at_once(calls)

    codes = Counter(code for _kind, _who, code in results)
    assert set(codes) <= {200, 201, 409}, codes  # refused calls conflict; nothing errors
    accepted_signoffs = [who for kind, who, code in results if kind == "signoff" and code == 201]
    assert SignOff.objects.count() == len(accepted_signoffs)
    assert sorted(SignOff.objects.values_list("assignment__reviewer_id", flat=True)) == sorted(accepted_signoffs)
    article.refresh_from_db()
    assert article.status == Status.APPROVED
    assert TransitionLog.objects.filter(article=article, action="approve").count() == 1
    assert Publication.objects.filter(article=article).count() == 1


def test_two_authors_saving_one_draft_never_lose_an_edit_silently(topic, author, coauthor):
    article = factories.ArticleFactory(author=author, topic=topic)
    article.authors.add(coauthor)
    loaded = article.content_hash

    def save_as(user, body):
        def call():
            response = _client_for(user).patch(
                f"/api/v1/editorial/articles/{article.pk}/",
                {"body": body, "content_hash": loaded},
                format="json",
            )
            return (user.username, body, response.status_code)

        return call

    results = run_at_once([save_as(author, "Alice's wording."), save_as(coauthor, "Bob's wording.")])

    codes = sorted(code for _user, _body, code in results)
    assert codes == [200, 409]  # the second save was based on content that no longer exists
    winner = next(body for _user, body, code in results if code == 200)
    article.refresh_from_db()
    assert article.body == winner
    assert article.history.count() == 2


def test_concurrent_saves_without_a_precondition_are_all_kept_in_history(topic, author, coauthor):
    article = factories.ArticleFactory(author=author, topic=topic)
    article.authors.add(coauthor)

    def save_as(user, body):
        def call():
            response = _client_for(user).patch(
                f"/api/v1/editorial/articles/{article.pk}/", {"body": body}, format="json"
            )
            return response.status_code

        return call

    codes = run_at_once([save_as(author, "Alice's wording."), save_as(coauthor, "Bob's wording.")])

    assert codes == [200, 200]
    bodies = set(article.history.values_list("body", flat=True))
    assert {"Alice's wording.", "Bob's wording."} <= bodies
