"""Reviewers: their queue, the review page, the conflict declaration and the sign-off."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Status
from reviews import workflow
from reviews.models import AssignmentStatus, SignOff
from tests import factories, states
from tests.states import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(cited_article, author, editor, reviewers):
    return states.under_review(states.submitted(cited_article, author), editor, reviewers[:2])


def declare(client, article, answer="no", statement=""):
    return client.post(
        reverse("editorial:declare_conflict", args=[article.pk]),
        {"has_conflict": answer, "conflict_statement": statement},
    )


def sign(client, article, **data):
    payload = {
        "decision": "approve",
        "comments": "",
        "attestation": "on",
        "password": PASSWORD,
        "content_hash": article.content_hash,
        **data,
    }
    return client.post(reverse("editorial:sign_off", args=[article.pk]), payload)


def test_assigned_to_me_lists_overdue_first(reviewer_clients, reviewers, editor, author, topic):
    later = states.submitted(factories.ArticleFactory(author=author, topic=topic, title="Later one"), author)
    sooner = states.submitted(
        factories.ArticleFactory(author=author, topic=topic, title="Overdue one"), author
    )
    workflow.assign_reviewer(
        actor=editor,
        article=later,
        reviewer=reviewers[0],
        due_date=timezone.localdate() + datetime.timedelta(days=20),
    )
    overdue = workflow.assign_reviewer(actor=editor, article=sooner, reviewer=reviewers[0])
    overdue.due_date = timezone.localdate() - datetime.timedelta(days=2)
    overdue.save()

    content = reviewer_clients[0].get(reverse("editorial:dashboard")).content.decode()

    assert content.index("Overdue one") < content.index("Later one")
    assert 'badge-bad">Overdue' in content


def test_the_review_page_shows_the_article_as_it_will_be_published(reviewer_clients, in_review):
    response = reviewer_clients[0].get(reverse("editorial:review", args=[in_review.pk]))

    content = response.content.decode()
    assert '<sup class="citation" id="cite-1"><a href="#ref-1">1</a></sup>' in content
    assert 'href="https://doi.org/10.1000/back.2018"' in content
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/30252425/"' in content
    assert "Conflict of interest" in content
    assert "Declare this before you sign off." in content
    assert 'name="decision"' not in content  # the declaration comes first


def test_a_retracted_reference_is_flagged(reviewer_clients, in_review, sources):
    sources[1].retracted_on = datetime.date(2024, 1, 1)
    sources[1].save()

    content = reviewer_clients[0].get(reverse("editorial:review", args=[in_review.pk])).content.decode()

    assert '<span class="badge badge-retracted">Retracted</span>' in content
    assert "[@nice2020] cites a retracted source" in content


def test_a_reviewer_cannot_open_an_article_not_assigned_to_them(reviewer_clients, in_review):
    # reviewers[2] is on the board but not assigned.
    response = reviewer_clients[2].get(reverse("editorial:review", args=[in_review.pk]))

    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert reviewer_clients[2].get(reverse("editorial:article", args=[in_review.pk])).status_code == 404


def test_declaring_no_conflict_opens_the_sign_off_form(reviewer_clients, in_review, reviewers):
    response = declare(reviewer_clients[0], in_review)

    assert response.status_code == 302
    assignment = workflow.signable_assignment(reviewers[0].user, in_review)
    assert assignment.conflict_of_interest is False
    content = reviewer_clients[0].get(reverse("editorial:review", args=[in_review.pk])).content.decode()
    assert 'name="decision"' in content
    assert "I have reviewed this content and its sources for medical accuracy" in content
    assert f'name="content_hash" value="{in_review.content_hash}"' in content


def test_a_conflict_needs_a_statement_and_releases_the_reviewer(reviewer_clients, in_review, reviewers):
    refused = declare(reviewer_clients[0], in_review, answer="yes")
    assert refused.status_code == 400
    assert 'id="id_conflict_statement_error"' in refused.content.decode()

    declare(reviewer_clients[0], in_review, answer="yes", statement="I consult for the maker.")
    assignment = in_review.review_rounds.get().assignments.get(reviewer=reviewers[0])
    assert assignment.status == AssignmentStatus.CONFLICT
    assert assignment.conflict_statement == "I consult for the maker."


def test_signing_off_needs_the_declaration_first(reviewer_clients, in_review):
    response = sign(reviewer_clients[0], in_review)

    assert response.status_code == 400
    assert "Declare whether you have a conflict of interest" in response.content.decode()
    assert not SignOff.objects.exists()


def test_the_attestation_is_required(reviewer_clients, in_review):
    declare(reviewer_clients[0], in_review)

    response = sign(reviewer_clients[0], in_review, attestation="")

    assert response.status_code == 400
    assert 'id="id_attestation_error"' in response.content.decode()
    assert not SignOff.objects.exists()


def test_requesting_changes_needs_comments(reviewer_clients, in_review):
    declare(reviewer_clients[0], in_review)

    response = sign(reviewer_clients[0], in_review, decision="request_changes")

    assert response.status_code == 400
    assert 'id="id_comments_error"' in response.content.decode()


def test_a_sign_off_on_a_stale_version_is_refused_with_a_message_to_reload(reviewer_clients, in_review):
    declare(reviewer_clients[0], in_review)

    response = sign(reviewer_clients[0], in_review, content_hash="0" * 64)

    assert response.status_code == 409
    content = response.content.decode()
    assert "reload it and review the current version" in content
    assert "Reload the review" in content
    assert not SignOff.objects.exists()


def test_recommending_changes_leaves_the_round_to_the_colleague_and_the_editor(reviewer_clients, in_review):
    declare(reviewer_clients[1], in_review)

    response = sign(reviewer_clients[1], in_review, decision="request_changes", comments="Cite the trial.")

    in_review.refresh_from_db()
    assert in_review.status == Status.UNDER_REVIEW
    assert response["Location"] == reverse("editorial:review", args=[in_review.pk])
    page = reviewer_clients[1].get(response["Location"]).content.decode()
    assert "Recommended: changes" in page
    assert "Cite the trial." in page
    # The colleague is told, still sees the article and can still recommend.
    colleague = reviewer_clients[0].get(reverse("editorial:review", args=[in_review.pk])).content.decode()
    assert "A colleague asked for changes." in colleague and "Cite the trial." in colleague
    declare(reviewer_clients[0], in_review)
    assert sign(reviewer_clients[0], in_review).status_code == 302
    assert SignOff.objects.count() == 2


def test_two_approvals_with_a_specialty_match_publish(reviewer_clients, in_review):
    for client in reviewer_clients[:2]:
        declare(client, in_review)
        sign(client, in_review)

    in_review.refresh_from_db()
    assert in_review.status == Status.APPROVED
    page = reviewer_clients[0].get(reverse("editorial:review", args=[in_review.pk])).content.decode()
    assert "Your recommendation" in page


def test_signing_twice_is_a_conflict(reviewer_clients, in_review, reviewers):
    declare(reviewer_clients[1], in_review)
    sign(reviewer_clients[1], in_review)

    response = sign(reviewer_clients[1], in_review)

    assert response.status_code == 409
    assert SignOff.objects.count() == 1


def test_the_review_diffs_against_the_version_the_reviewer_approved(
    reviewer_clients, in_review, reviewers, author, editor
):
    approved = states.approved(in_review, reviewers[:2])
    workflow.revise(actor=author, article=approved)
    services.article_update_content(
        actor=author, article=approved, changes={"body": approved.body + " Rest briefly."}
    )
    states.submitted(approved, author)  # the reviewers who approved are invited again

    content = reviewer_clients[0].get(reverse("editorial:review", args=[approved.pk])).content.decode()

    assert "What changed since the version you last reviewed" in content
    assert "<ins> Rest briefly.</ins>" in content


def test_after_a_change_request_the_review_diffs_against_what_this_reviewer_saw(
    reviewer_clients, in_review, reviewers, author, editor
):
    states.changes_requested(in_review, editor, reviewers[1], comments="Say more.")
    services.article_update_content(actor=author, article=in_review, changes={"body": "Entirely new text."})
    states.submitted(in_review, author)

    content = reviewer_clients[1].get(reverse("editorial:review", args=[in_review.pk])).content.decode()

    assert "What changed since the version you last reviewed" in content
    assert "<del>" in content and "<ins>" in content
