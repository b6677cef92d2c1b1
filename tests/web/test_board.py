"""Editors run the board: assigning, starting rounds, approving, retracting, members, policies."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Status
from reviews import quorum, selectors, workflow
from reviews.models import BoardMember, ReviewPolicy
from tests import factories, states

pytestmark = pytest.mark.django_db


def due(days=7):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_the_queue_lists_submitted_and_review_due_articles(editor_client, submitted, article):
    content = editor_client.get(reverse("editorial:dashboard")).content.decode()

    assert "Editor queue" in content
    assert submitted.title in content


def test_suggestions_rank_specialty_first_and_leave_out_authors_and_conflicts(
    submitted, editor, reviewers, author, topic
):
    factories.BoardMemberFactory(user=author, specialties=[topic])  # an author on the board
    conflicted = factories.BoardMemberFactory(user__username="dr_conflict", specialties=[topic])
    assignment = workflow.assign_reviewer(actor=editor, article=submitted, reviewer=conflicted)
    workflow.declare_conflict(
        actor=conflicted.user, assignment=assignment, has_conflict=True, statement="Paid by the maker."
    )
    inactive = factories.BoardMemberFactory(user__username="dr_gone", specialties=[topic], active=False)

    review_round = quorum.open_round(submitted)
    suggested = list(selectors.reviewer_suggestions(submitted, review_round))

    assert suggested[0] == reviewers[0]  # the oncologist
    assert suggested[0].specialty_match and not suggested[1].specialty_match
    assert set(suggested) == {reviewers[0], reviewers[1], reviewers[2]}
    assert conflicted not in suggested and inactive not in suggested
    assert author.board_member not in suggested


def test_assigning_two_reviewers_with_a_due_date(editor_client, submitted, reviewers):
    page = editor_client.get(reverse("editorial:assign", args=[submitted.pk])).content.decode()
    assert page.index(reviewers[0].display_name) < page.index(reviewers[1].display_name)

    response = editor_client.post(
        reverse("editorial:assign", args=[submitted.pk]),
        {"reviewers": [reviewers[0].pk, reviewers[1].pk], "due_date": due(10)},
        follow=True,
    )

    review_round = quorum.open_round(submitted)
    assert {a.reviewer for a in review_round.assignments.all()} == {reviewers[0], reviewers[1]}
    assert {a.due_date.isoformat() for a in review_round.assignments.all()} == {due(10)}
    assert "They have been notified" in response.content.decode()


def test_a_past_due_date_is_refused_next_to_the_field(editor_client, submitted, reviewers):
    response = editor_client.post(
        reverse("editorial:assign", args=[submitted.pk]),
        {"reviewers": [reviewers[0].pk], "due_date": due(-1)},
    )

    assert response.status_code == 400
    assert 'id="id_due_date_error"' in response.content.decode()
    assert not quorum.open_round(submitted).assignments.exists()


def test_start_review_appears_only_with_enough_eligible_reviewers(
    editor_client, editor, submitted, reviewers
):
    url = reverse("editorial:article", args=[submitted.pk])
    workflow.assign_reviewer(actor=editor, article=submitted, reviewer=reviewers[0])
    assert "Start review round 1" not in editor_client.get(url).content.decode()

    refused = editor_client.post(reverse("editorial:start_review", args=[submitted.pk]))
    assert refused.status_code == 409
    assert "needs at least 2 eligible reviewers" in refused.content.decode()

    workflow.assign_reviewer(actor=editor, article=submitted, reviewer=reviewers[1])
    assert "Start review round 1" in editor_client.get(url).content.decode()
    started = editor_client.post(reverse("editorial:start_review", args=[submitted.pk]), follow=True)
    submitted.refresh_from_db()
    assert submitted.status == Status.UNDER_REVIEW
    assert "Review round 1 started" in started.content.decode()


def test_the_round_shows_sign_offs_and_what_the_quorum_misses(editor_client, under_review, reviewers):
    states.sign(under_review, reviewers[1])  # no specialty match

    content = editor_client.get(reverse("editorial:article", args=[under_review.pk])).content.decode()

    assert "Still missing for the quorum" in content
    assert "1 of 2 approvals on the current content" in content
    assert "an approval from a reviewer of the article&#x27;s specialty" in content
    assert "counts" in content
    assert "Approve and publish" not in content


def test_approve_is_offered_only_when_the_workflow_allows_it(editor_client, editor, under_review, reviewers):
    policy = ReviewPolicy.objects.create(approvals_required=2)
    states.sign(under_review, reviewers[1])
    url = reverse("editorial:article", args=[under_review.pk])
    assert not workflow.can_approve(editor, under_review)
    assert editor_client.post(reverse("editorial:approve", args=[under_review.pk])).status_code == 409

    # The quorum changes under the running round: now one approval, no specialty match, is enough.
    policy.approvals_required, policy.specialty_match_required = 1, False
    policy.save()
    assert workflow.can_approve(editor, under_review)
    assert "Approve and publish" in editor_client.get(url).content.decode()

    response = editor_client.post(
        reverse("editorial:approve", args=[under_review.pk]), {"password": states.PASSWORD}, follow=True
    )
    under_review.refresh_from_db()
    assert under_review.status == Status.APPROVED
    assert "Approved. The signed content is published." in response.content.decode()


def test_retracting_needs_a_notice(editor_client, approved):
    url = reverse("editorial:retract", args=[approved.pk])

    refused = editor_client.post(url, {"notice": ""})
    assert refused.status_code == 400
    assert 'id="id_notice_error"' in refused.content.decode()

    response = editor_client.post(
        url, {"notice": "The dosage advice was wrong.", "title": approved.title}, follow=True
    )
    approved.refresh_from_db()
    assert approved.status == Status.RETRACTED
    assert approved.retraction_notice == "The dosage advice was wrong."
    assert "Readers now see the notice" in response.content.decode()


def test_flag_for_rereview(editor_client, approved):
    editor_client.post(
        reverse("editorial:flag_for_rereview", args=[approved.pk]), {"reason": "New guideline."}
    )

    approved.refresh_from_db()
    assert approved.status == Status.REVIEW_DUE


@pytest.mark.parametrize("name", ["assign", "start_review", "approve", "retract", "flag_for_rereview"])
def test_authors_cannot_run_the_board(author_client, submitted, name):
    method = author_client.get if name == "assign" else author_client.post
    response = method(reverse(f"editorial:{name}", args=[submitted.pk]))

    assert response.status_code == 403
    assert b"Only editors run the advisory board." in response.content


def test_adding_and_deactivating_a_board_member(editor_client, topic):
    person = factories.UserFactory(username="dr_new")
    response = editor_client.post(
        reverse("editorial:board_member_create"),
        {
            "user": person.pk,
            "display_name": "Dr. New",
            "credentials": "MD",
            "specialties": [topic.pk],
            "active": "on",
        },
    )
    assert response.status_code == 302
    member = BoardMember.objects.get(user=person)
    assert list(member.specialties.all()) == [topic]

    editor_client.post(
        reverse("editorial:board_member_edit", args=[member.pk]),
        {"display_name": "Dr. New", "credentials": "MD, PhD", "specialties": [topic.pk]},
    )
    member.refresh_from_db()
    assert (member.active, member.credentials, member.user) == (False, "MD, PhD", person)
    assert b"Dr. New" in editor_client.get(reverse("editorial:board_members")).content


def test_review_policies(editor_client, topic):
    editor_client.post(
        reverse("editorial:policy_create"),
        {"approvals_required": 3, "review_interval_days": 180, "assignment_due_days": 10},
    )
    assert ReviewPolicy.objects.get(specialty=None).approvals_required == 3

    second = editor_client.post(
        reverse("editorial:policy_create"),
        {"approvals_required": 1, "review_interval_days": 180, "assignment_due_days": 10},
    )
    assert second.status_code == 400
    assert "already has a policy" in second.content.decode()

    editor_client.post(
        reverse("editorial:policy_create"),
        {
            "specialty": topic.pk,
            "approvals_required": 1,
            "review_interval_days": 90,
            "assignment_due_days": 7,
        },
    )
    policy = ReviewPolicy.objects.get(specialty=topic)
    editor_client.post(
        reverse("editorial:policy_edit", args=[policy.pk]),
        {"approvals_required": 2, "review_interval_days": 90, "assignment_due_days": 7},
    )
    policy.refresh_from_db()
    assert (policy.approvals_required, policy.specialty) == (2, topic)


def test_a_policy_needs_at_least_one_approval(editor_client, db):
    response = editor_client.post(
        reverse("editorial:policy_create"),
        {"approvals_required": 0, "review_interval_days": 180, "assignment_due_days": 10},
    )

    assert response.status_code == 400
    assert 'id="id_approvals_required_error"' in response.content.decode()


def test_the_site_wide_policy_set_here_applies_to_articles(editor_client, article):
    editor_client.post(
        reverse("editorial:policy_create"),
        {"approvals_required": 3, "review_interval_days": 180, "assignment_due_days": 10},
    )

    assert quorum.policy_for(article).approvals_required == 3
