"""Review rounds as boards run them: independent recommendations, decisions, round two, forms."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from articles import services
from articles.models import Publication, Status
from reviews import review_form, workflow
from reviews.models import (
    AssignmentStatus,
    Comment,
    DecisionMode,
    ReviewPolicy,
    RoundDecision,
    RoundStatus,
    SignOff,
    TransitionLog,
)
from tests import factories, states

pytestmark = pytest.mark.django_db


def test_a_request_for_changes_leaves_the_round_open_for_the_colleagues(under_review, reviewers, editor):
    result = states.sign(under_review, reviewers[0], decision="request_changes", comments="Dose is wrong.")

    article = result.article
    assert article.status == Status.UNDER_REVIEW
    assert article.review_rounds.get().status == RoundStatus.IN_PROGRESS
    colleague = reviewers[1].user
    told = colleague.notifications.get(kind="colleague_changes")
    assert told.payload == {"reviewer": reviewers[0].display_name, "comments": "Dose is wrong."}
    assert editor.notifications.filter(kind="decision_needed").exists()
    # The colleague still reviews and recommends.
    assert workflow.can_sign_off(colleague, article)
    states.sign(article, reviewers[1])
    article.refresh_from_db()
    assert article.status == Status.UNDER_REVIEW  # a request for changes stands: the editor decides


def test_at_quorum_with_a_request_for_changes_the_editor_decides(topic, author, editor, reviewers):
    ReviewPolicy.objects.create(specialty=topic, approvals_required=2, specialty_match_required=False)
    article = factories.ArticleFactory(author=author, topic=topic)
    states.submitted(article, author)
    states.under_review(article, editor, reviewers)
    states.sign(article, reviewers[2], decision="request_changes", comments="Add the red flags.")
    states.sign(article, reviewers[0])
    states.sign(article, reviewers[1])
    article.refresh_from_db()
    assert article.status == Status.UNDER_REVIEW

    article = workflow.decide(
        actor=editor,
        article=article,
        decision="approve",
        letter="Minor point; approved.",
        password=states.PASSWORD,
    )

    assert article.status == Status.APPROVED
    decision = RoundDecision.objects.get(article=article)
    assert (decision.decided_by, decision.decision) == (editor, "approve")
    assert Publication.objects.current().get(article=article).approved_by == editor
    assert reviewers[2].user.notifications.filter(kind="decided").exists()


def test_the_policy_approves_at_quorum_when_nobody_asks_for_changes(under_review, reviewers):
    states.approved(under_review, reviewers[:2])

    decision = RoundDecision.objects.get(article=under_review)
    assert decision.decided_by is None and decision.decision == "approve"
    assert decision.content_hash == under_review.content_hash


def test_a_policy_of_editor_decisions_waits_for_the_editor(topic, under_review, reviewers, editor):
    ReviewPolicy.objects.create(specialty=topic, decision=DecisionMode.EDITOR)
    states.approved(under_review, reviewers[:2])
    under_review.refresh_from_db()

    assert under_review.status == Status.UNDER_REVIEW
    assert editor.notifications.filter(kind="decision_needed", payload__quorum=True).exists()
    assert workflow.decide(actor=editor, article=under_review, decision="approve", password=states.PASSWORD).status == Status.APPROVED


def test_an_approval_decision_needs_the_quorum(under_review, reviewers, editor):
    states.sign(under_review, reviewers[0])
    with pytest.raises(TransitionNotAllowed, match="quorum is not met"):
        workflow.decide(actor=editor, article=under_review, decision="approve", password=states.PASSWORD)
    assert not RoundDecision.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"decision": "maybe"}, "decision"),
        ({"decision": "request_changes", "letter": " "}, "letter"),
        ({"decision": "request_changes", "letter": "Fix it.", "forward": [999999]}, "forward"),
    ],
)
def test_a_bad_decision_is_refused_and_changes_nothing(under_review, editor, data, field):
    with pytest.raises(ValidationError) as refused:
        workflow.decide(actor=editor, article=under_review, **data, password=states.PASSWORD)
    assert field in refused.value.error_dict
    under_review.refresh_from_db()
    assert under_review.status == Status.UNDER_REVIEW and not RoundDecision.objects.exists()


def test_only_an_editor_decides(under_review, reviewers, author):
    for user in (reviewers[0].user, author):
        with pytest.raises(PermissionDenied):
            workflow.decide(
                actor=user, article=under_review, decision="request_changes", letter="x", password=states.PASSWORD
            )


def test_the_decision_letter_forwards_chosen_comments(under_review, reviewers, editor, author):
    states.sign(under_review, reviewers[0], decision="request_changes", comments="Dose is wrong.")
    kept_back = workflow.add_comment(
        actor=editor, article=under_review, body="Internal: check with pharmacy."
    )
    forwarded = Comment.objects.get(signoff__isnull=False)

    workflow.decide(
        actor=editor,
        article=under_review,
        decision="request_changes",
        letter="Fix the dose.",
        forward=[forwarded.pk],
        password=states.PASSWORD,
    )

    letter = RoundDecision.objects.get()
    assert list(letter.forwarded.all()) == [forwarded]
    note = author.notifications.get(kind="changes_requested")
    assert note.payload["comments"] == "Fix the dose." and note.payload["forwarded"] == [forwarded.pk]
    # The author reads the forwarded comment, not the one kept back.
    from reviews.comments import visible_threads

    assert list(visible_threads(author, under_review)) == [forwarded]
    assert kept_back in visible_threads(reviewers[1].user, under_review)


def test_resubmission_answers_each_forwarded_comment(under_review, reviewers, editor, author):
    states.changes_requested(under_review, editor, reviewers[0], comments="Dose is wrong.")
    services.article_update_content(actor=author, article=under_review, changes={"body": "Corrected dose."})
    forwarded = Comment.objects.get(signoff__isnull=False)

    with pytest.raises(ValidationError, match="Answer the reviewer"):
        workflow.submit(actor=author, article=under_review)
    under_review.refresh_from_db()
    assert under_review.status == Status.CHANGES_REQUESTED

    workflow.submit(
        actor=author,
        article=under_review,
        responses=[{"comment": forwarded.pk, "reply": "Corrected to 5 mg.", "resolved": True}],
    )
    forwarded.refresh_from_db()
    assert forwarded.resolved_at is not None and forwarded.resolved_by == author
    assert [r.body for r in forwarded.replies.all()] == ["Corrected to 5 mg."]


def test_round_two_invites_tells_and_starts_with_the_previous_reviewers(
    under_review, reviewers, editor, author
):
    states.changes_requested(under_review, editor, reviewers[0])
    services.article_update_content(actor=author, article=under_review, changes={"body": "Corrected dose."})
    article = states.submitted(under_review, author)

    round_two = article.review_rounds.get(number=2)
    assert article.status == Status.UNDER_REVIEW and round_two.status == RoundStatus.IN_PROGRESS
    start = TransitionLog.objects.filter(article=article, action="start_review").last()
    assert start.actor is None
    for assignment in round_two.assignments.select_related("reviewer__user"):
        # Declarations carry over (same authors and topic); due dates come from the policy again.
        declared_before = assignment.reviewer == reviewers[0]
        assert assignment.conflict_of_interest is (False if declared_before else None)
        assert assignment.due_date == timezone.localdate() + timedelta(days=14)
        note = assignment.reviewer.user.notifications.get(kind="reinvited")
        assert note.payload["round"] == 2 and note.payload["due_date"] == assignment.due_date.isoformat()


def test_round_two_asks_for_declarations_again_when_the_authors_changed(
    under_review, reviewers, editor, author, coauthor
):
    states.changes_requested(under_review, editor, reviewers[0])
    under_review.authors.add(coauthor)
    article = states.submitted(under_review, author)

    round_two = article.review_rounds.get(number=2)
    assert {a.conflict_of_interest for a in round_two.assignments.all()} == {None}


def test_a_reviewer_with_a_conflict_is_not_invited_again(topic, author, editor, reviewers):
    article = factories.ArticleFactory(author=author, topic=topic)
    states.submitted(article, author)
    states.under_review(article, editor, reviewers)
    conflicted = article.review_rounds.get().assignments.get(reviewer=reviewers[2])
    workflow.declare_conflict(
        actor=reviewers[2].user, assignment=conflicted, has_conflict=True, statement="Paid"
    )
    states.changes_requested(article, editor, reviewers[0])
    article = states.submitted(article, author)

    invited = {a.reviewer for a in article.review_rounds.get(number=2).assignments.all()}
    assert invited == set(reviewers[:2])


# Review forms ---------------------------------------------------------------------------------


@pytest.fixture
def checklist(topic):
    policy = ReviewPolicy.objects.create(specialty=topic)
    items = review_form.add_default_checklist(policy)
    items[-1].required = False
    items[-1].save()
    return items


def _answers(items, answer="yes"):
    return {str(item.pk): {"answer": answer, "note": ""} for item in items}


def test_an_approval_needs_the_required_form_items(under_review, reviewers, checklist):
    with pytest.raises(ValidationError, match="must be answered before you approve"):
        workflow.recommend(
            actor=reviewers[0].user,
            article=under_review,
            decision="approve",
            attestation=True,
            conflict_of_interest=False,
            password=states.PASSWORD,
            form=_answers(checklist[:2]),
        )
    assert not SignOff.objects.exists()
    assert (
        under_review.review_rounds.get().assignments.get(reviewer=reviewers[0]).status
        == AssignmentStatus.ASSIGNED
    )

    result = workflow.recommend(
        actor=reviewers[0].user,
        article=under_review,
        decision="approve",
        attestation=True,
        conflict_of_interest=False,
        password=states.PASSWORD,
        form=_answers(checklist[:-1]),
    )
    stored = result.signoff.form
    assert stored[str(checklist[0].pk)] == {"question": checklist[0].question, "answer": "yes", "note": ""}


def test_a_request_for_changes_may_leave_the_form_unanswered(under_review, reviewers, checklist):
    states.sign(under_review, reviewers[0], decision="request_changes", comments="Not yet.")
    assert SignOff.objects.get().form == {}


@pytest.mark.parametrize(
    "form", [{"999": {"answer": "yes"}}, {"__item__": {"answer": "perhaps"}}, ["not", "an", "object"]]
)
def test_a_bad_form_answer_is_named(under_review, reviewers, checklist, form):
    if isinstance(form, dict) and "__item__" in form:
        form = {str(checklist[0].pk): form["__item__"]}
    with pytest.raises(ValidationError) as refused:
        workflow.recommend(
            actor=reviewers[0].user,
            article=under_review,
            decision="request_changes",
            comments="x",
            attestation=True,
            conflict_of_interest=False,
            password=states.PASSWORD,
            form=form,
        )
    assert "form" in refused.value.error_dict
    assert not SignOff.objects.exists()
