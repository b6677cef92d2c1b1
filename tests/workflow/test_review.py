"""The review lifecycle, called through the workflow module as every interface does."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from articles import services
from articles.models import Publication, Status
from reviews import quorum, workflow
from reviews.models import AssignmentStatus, RoundStatus, SignOff, TransitionLog
from tests import factories, states
from tests.states import PASSWORD

pytestmark = pytest.mark.django_db


def test_submit_moves_draft_to_submitted_and_opens_a_round(article, author):
    article, warnings = workflow.submit(actor=author, article=article, comment="ready")

    assert article.status == Status.SUBMITTED
    assert warnings == []
    assert article.review_rounds.get().status == RoundStatus.PENDING
    entry = TransitionLog.objects.get(article=article)
    assert (entry.from_status, entry.to_status, entry.actor, entry.comment) == ("draft", "submitted", author, "ready")
    assert entry.content_hash == article.content_hash
    latest = article.history.latest()
    assert latest.history_change_reason == "submit: ready"
    assert latest.history_user == author


def test_only_an_author_may_submit(article, coauthor, editor):
    for outsider in (coauthor, editor):
        with pytest.raises(PermissionDenied):
            workflow.submit(actor=outsider, article=article)
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_submitting_twice_is_a_conflict(submitted, author):
    with pytest.raises(TransitionNotAllowed):
        workflow.submit(actor=author, article=submitted)


def test_start_review_needs_the_policy_number_of_eligible_reviewers(submitted, editor, reviewers):
    workflow.assign_reviewer(actor=editor, article=submitted, reviewer=reviewers[0])

    with pytest.raises(TransitionNotAllowed, match="at least 2 eligible reviewers; 1 are assigned"):
        workflow.start_review(actor=editor, article=submitted)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_reviewer_with_declared_conflict_does_not_count_for_start(submitted, editor, reviewers):
    first = workflow.assign_reviewer(actor=editor, article=submitted, reviewer=reviewers[0])
    workflow.assign_reviewer(actor=editor, article=submitted, reviewer=reviewers[1])
    workflow.declare_conflict(
        actor=reviewers[0].user, assignment=first, has_conflict=True, statement="I advise the drug maker."
    )

    with pytest.raises(TransitionNotAllowed):
        workflow.start_review(actor=editor, article=submitted)


def test_an_author_cannot_be_assigned_to_review_their_own_article(submitted, editor, author):
    own = factories.BoardMemberFactory(user=author)
    with pytest.raises(ValidationError, match="cannot review their own article"):
        workflow.assign_reviewer(actor=editor, article=submitted, reviewer=own)


def test_only_editors_assign(submitted, author, reviewers):
    with pytest.raises(PermissionDenied):
        workflow.assign_reviewer(actor=author, article=submitted, reviewer=reviewers[0])


def test_quorum_of_approvals_with_specialty_match_approves_and_publishes(under_review, reviewers, author):
    states.sign(under_review, reviewers[1])
    under_review.refresh_from_db()
    assert under_review.status == Status.UNDER_REVIEW

    result = states.sign(under_review, reviewers[0])

    article = result.article
    assert article.status == Status.APPROVED
    assert article.last_reviewed_at is not None and article.first_published_at is not None
    assert (article.next_review_due - article.last_reviewed_at.date()).days == 365
    publication = Publication.objects.current().get(article=article)
    assert publication.content_hash == article.content_hash
    assert [r["name"] for r in publication.reviewers] == [reviewers[1].display_name, reviewers[0].display_name]
    assert all(r["credentials"] and r["signed_at"] for r in publication.reviewers)
    assert publication.approved_by is None  # the quorum approved it
    assert article.review_rounds.get().status == RoundStatus.APPROVED
    assert author.notifications.filter(kind="approved").exists()


def test_two_approvals_without_specialty_match_do_not_approve(submitted, editor, reviewers):
    states.under_review(submitted, editor, reviewers[1:3])  # both pharmacology, article is oncology
    states.sign(submitted, reviewers[1])
    states.sign(submitted, reviewers[2])

    submitted.refresh_from_db()
    assert submitted.status == Status.UNDER_REVIEW
    standing = quorum.quorum_for(submitted)
    assert standing.approvals == 2 and not standing.met
    assert "specialty" in standing.missing[0]


def test_editor_approval_below_quorum_is_refused(under_review, editor, reviewers):
    states.sign(under_review, reviewers[0])

    with pytest.raises(TransitionNotAllowed, match="quorum is not met: 1 of 2 approvals"):
        workflow.approve(actor=editor, article=under_review, password=states.PASSWORD)
    under_review.refresh_from_db()
    assert under_review.status == Status.UNDER_REVIEW
    assert not Publication.objects.exists()


def test_editor_approves_explicitly_once_the_quorum_is_met(under_review, editor, reviewers, topic):
    from reviews.models import ReviewPolicy

    states.sign(under_review, reviewers[0])  # the oncology reviewer; 1 of 2
    assert not workflow.can_approve(editor, under_review)
    # The board lowers the oncology quorum mid-round: nothing approves by itself, the editor does.
    ReviewPolicy.objects.create(specialty=topic, approvals_required=1)
    assert workflow.can_approve(editor, under_review)

    article = workflow.approve(actor=editor, article=under_review, comment="Quorum met under the new policy", password=states.PASSWORD)

    assert article.status == Status.APPROVED
    assert Publication.objects.current().get(article=article).approved_by == editor


def test_an_author_who_is_also_an_editor_cannot_approve(topic, reviewers):
    chief = factories.EditorFactory(username="chief")
    article = factories.ArticleFactory(author=chief, topic=topic)
    states.submitted(article, chief)
    states.under_review(article, chief, reviewers[:2])
    with pytest.raises(PermissionDenied, match="cannot decide on their own"):
        workflow.approve(actor=chief, article=article, password=states.PASSWORD)


def test_author_cannot_sign_off_own_article(under_review, author):
    with pytest.raises(PermissionDenied, match="cannot review their own"):
        workflow.sign_off(
            actor=author, article=under_review, decision="approve", attestation=True, password=PASSWORD, conflict_of_interest=False
        )


def test_unassigned_reviewer_cannot_sign_off(under_review, reviewers):
    with pytest.raises(PermissionDenied, match="not assigned"):
        states.sign(under_review, reviewers[2])


def test_reviewer_with_declared_conflict_cannot_sign_off(under_review, reviewers):
    assignment = workflow.signable_assignment(reviewers[0].user, under_review)
    workflow.declare_conflict(
        actor=reviewers[0].user, assignment=assignment, has_conflict=True, statement="Co-author of the trial."
    )

    with pytest.raises(PermissionDenied, match="conflict of interest"):
        states.sign(under_review, reviewers[0])
    assert not SignOff.objects.exists()


def test_sign_off_declaring_a_conflict_is_refused_and_changes_nothing(under_review, reviewers):
    with pytest.raises(PermissionDenied):
        workflow.sign_off(
            actor=reviewers[0].user, article=under_review, decision="approve", attestation=True,
            password=PASSWORD,
            conflict_of_interest=True,
        )
    assert not SignOff.objects.exists()
    assert workflow.signable_assignment(reviewers[0].user, under_review).status == AssignmentStatus.ASSIGNED


def test_attestation_is_required(under_review, reviewers):
    with pytest.raises(ValidationError, match="attestation"):
        workflow.sign_off(
            actor=reviewers[0].user, article=under_review, decision="approve", attestation=False,
            conflict_of_interest=False,
        )
    assert not SignOff.objects.exists()


def test_the_editors_change_request_sends_the_article_back_with_the_letter(
    under_review, reviewers, author, editor
):
    states.sign(under_review, reviewers[0])
    article = states.changes_requested(
        under_review, editor, reviewers[1], comments="Cite the NCCN guideline.", letter="Please revise."
    )

    assert article.status == Status.CHANGES_REQUESTED
    entry = article.transition_log.get(action="request_changes")
    assert entry.comment == "Please revise." and entry.actor == editor
    note = author.notifications.get(kind="changes_requested")
    assert note.payload["comments"] == "Please revise."
    assert article.review_rounds.get().status == RoundStatus.CHANGES_REQUESTED


def test_request_changes_needs_comments(under_review, reviewers):
    with pytest.raises(ValidationError, match="what to change"):
        workflow.sign_off(
            actor=reviewers[0].user, article=under_review, decision="request_changes", comments=" ",
            attestation=True, password=PASSWORD, conflict_of_interest=False,
        )


def test_stale_content_hash_is_refused(under_review, reviewers):
    with pytest.raises(services.StaleContent):
        workflow.sign_off(
            actor=reviewers[0].user, article=under_review, decision="approve", attestation=True,
            password=PASSWORD,
            conflict_of_interest=False, content_hash="0" * 64,
        )


def test_signoff_binds_the_history_record_and_hash(under_review, reviewers):
    result = states.sign(under_review, reviewers[0])

    signoff = result.signoff
    assert signoff.content_hash == under_review.content_hash
    assert signoff.article_history.content_hash == under_review.content_hash
    assert signoff.article_history.body == under_review.body
    assert signoff.attestation.startswith("I have reviewed this content")


def test_resubmission_starts_a_new_round_with_the_same_reviewers(under_review, reviewers, author, editor):
    states.changes_requested(under_review, editor, reviewers[0], comments="Fix the dose.")
    services.article_update_content(actor=author, article=under_review, changes={"body": "Corrected dose."})
    article = states.submitted(under_review, author)

    rounds = list(article.review_rounds.order_by("number"))
    assert [r.number for r in rounds] == [1, 2]
    assert {a.reviewer for a in rounds[1].assignments.all()} == set(reviewers[:2])
    # The previous reviewers are enough for the policy: the round started with the resubmission.
    assert article.status == Status.UNDER_REVIEW
    states.sign(article, reviewers[0])
    result = states.sign(article, reviewers[1])
    assert result.article.status == Status.APPROVED


def test_an_edit_after_a_signoff_means_it_no_longer_counts(under_review, reviewers, author, editor):
    # Round 1: one approval on the original text, then changes requested and the text edited.
    states.sign(under_review, reviewers[0])
    states.changes_requested(under_review, editor, reviewers[1], comments="Soften the claim.")
    old_hash = under_review.content_hash
    article = services.article_update_content(
        actor=author, article=under_review, changes={"body": "A softened claim."}
    )
    assert article.content_hash != old_hash
    states.submitted(article, author)
    article.refresh_from_db()

    # The round-1 approval was on other content: it does not count now.
    assert quorum.quorum_for(article).approvals == 0
    states.sign(article, reviewers[1])
    article.refresh_from_db()
    assert article.status == Status.UNDER_REVIEW


def test_revise_keeps_the_publication_live_until_the_next_approval(approved, author, editor, reviewers):
    first = Publication.objects.current().get(article=approved)

    article = workflow.revise(actor=author, article=approved)
    assert article.status == Status.DRAFT
    assert Publication.objects.current().get(article=article) == first

    services.article_update_content(actor=author, article=article, changes={"title": "Back spasms: 2nd edition"})
    states.submitted(article, author)  # the board that approved it is invited again: review starts
    states.approved(article, reviewers[:2])

    current = Publication.objects.current().get(article=article)
    assert current.version == 2 and current.title == "Back spasms: 2nd edition"
    first.refresh_from_db()
    assert first.superseded_at is not None  # the earlier one stays, as history
    assert Publication.objects.filter(article=article).count() == 2


def test_flag_for_rereview_and_review_again(approved, editor, reviewers):
    article = workflow.flag_for_rereview(actor=editor, article=approved, reason="New NICE guidance")
    assert article.status == Status.REVIEW_DUE and article.review_due_reason == "New NICE guidance"

    workflow.start_review(actor=editor, article=article)
    states.approved(article, reviewers[:2])
    article.refresh_from_db()
    assert article.status == Status.APPROVED
    assert article.review_due_reason == ""


def test_retract_keeps_the_record_with_a_notice(approved, editor):
    article = workflow.retract(actor=editor, article=approved, notice="Superseded by new evidence.")
    assert article.status == Status.RETRACTED
    assert article.retraction_notice == "Superseded by new evidence."
    assert Publication.objects.filter(article=article).exists()


def test_retract_needs_a_notice(approved, editor):
    with pytest.raises(ValidationError):
        workflow.retract(actor=editor, article=approved, notice="  ")
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


def test_available_actions_match_what_would_succeed(under_review, author, editor, reviewers):
    assert workflow.available_actions(author, under_review) == []
    assert workflow.available_actions(editor, under_review) == ["assign", "comment", "decide"]
    assert workflow.available_actions(reviewers[0].user, under_review) == ["sign_off", "comment"]
    assert workflow.available_actions(reviewers[2].user, under_review) == []


def test_quorums_of_many_articles_are_each_articles_quorum(author, editor, reviewers, topic, other_topic):
    """The editor's dashboard counts many quorums at once; each is what the workflow counts."""

    def under_review(title, article_topic, members):
        article = factories.ArticleFactory(author=author, topic=article_topic, title=title)
        return states.under_review(states.submitted(article, author), editor, members)

    matched = under_review("Matched", topic, reviewers[:2])
    states.sign(matched, reviewers[0])
    unmatched = under_review("Unmatched", topic, reviewers[1:3])
    states.sign(unmatched, reviewers[1])
    states.sign(unmatched, reviewers[2])
    untouched = under_review("Untouched", other_topic, reviewers[1:3])
    articles = [matched, unmatched, untouched]
    for article in articles:
        article.refresh_from_db()

    together = quorum.quorums_for(articles)

    assert together == {article.pk: quorum.quorum_for(article) for article in articles}
    assert [(q.approvals, q.specialty_matched) for q in together.values()] == [(1, True), (2, False), (0, False)]
