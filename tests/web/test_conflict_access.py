"""A reviewer who declares a conflict of interest sees nothing more of that article.

From the moment the conflict is recorded, every page and every API endpoint of the article
answers 404 to them (drafts after it, the audit trail, the other reviewers' statements), unless
they hold another role on it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from articles import services
from reviews import workflow
from tests import states
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db

PAGES = ("editorial:article", "editorial:article_history", "editorial:review")
API_ENDPOINTS = ("", "assignments/", "history/", "transition-log/", "audit/", "transitions/", "references/")


def declare_conflict(reviewer, article):
    assignment = workflow.signable_assignment(reviewer, article)
    workflow.declare_conflict(
        actor=reviewer, assignment=assignment, has_conflict=True, statement="I consult."
    )


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def answers(user, article) -> dict[str, int]:
    web = client_for(user)
    api = api_for(user)
    statuses = {name: web.get(reverse(name, args=[article.pk])).status_code for name in PAGES}
    statuses |= {
        endpoint or "detail": api.get(f"/api/v1/editorial/articles/{article.pk}/{endpoint}").status_code
        for endpoint in API_ENDPOINTS
    }
    statuses["listed"] = article.pk in [
        row["id"] for row in api.get("/api/v1/editorial/articles/").json()["results"]
    ]
    return statuses


def test_before_declaring_the_reviewer_reads_the_article(under_review, reviewers):
    assert set(answers(reviewers[0].user, under_review).values()) == {200, True}


def test_after_declaring_a_conflict_everything_of_the_article_is_not_found(under_review, reviewers):
    declare_conflict(reviewers[0].user, under_review)

    statuses = answers(reviewers[0].user, under_review)

    assert statuses.pop("listed") is False
    assert set(statuses.values()) == {404}
    # The other reviewer still works on it.
    assert answers(reviewers[1].user, under_review)["editorial:review"] == 200


def test_a_later_draft_stays_hidden_from_the_conflicted_reviewer(under_review, reviewers, author, editor):
    declare_conflict(reviewers[0].user, under_review)
    states.changes_requested(under_review, editor, reviewers[1], comments="Cite the trial.")
    services.article_update_content(actor=author, article=under_review, changes={"body": "A new draft."})

    conflicted = reviewers[0].user
    assert client_for(conflicted).get(reverse("editorial:article", args=[under_review.pk])).status_code == 404
    assert (
        api_for(conflicted).get(f"/api/v1/editorial/articles/{under_review.pk}/diff/?from=1&to=2").status_code
        == 404
    )


def test_a_conflicted_reviewer_who_is_also_an_editor_keeps_reading(under_review, reviewers):
    from django.contrib.auth.models import Permission

    reviewer = reviewers[0].user
    declare_conflict(reviewer, under_review)
    reviewer.user_permissions.add(Permission.objects.get(codename="manage_board"))
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)  # permissions are cached per instance

    assert client_for(reviewer).get(reverse("editorial:article", args=[under_review.pk])).status_code == 200
