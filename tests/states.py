"""Reach each article state through real workflow calls, so no test starts from an impossible state."""

from __future__ import annotations

from reviews import workflow

# Every factory user's password (tests.factories.UserFactory): a sign-off is signed with it.
PASSWORD = "pass-word-123"


def submitted(article, author, reply="Done as you asked."):
    """Submit; after a decision letter, every forwarded comment is answered with ``reply``."""
    letter = workflow.letter_of(article.review_rounds.order_by("-number").first())
    responses = [{"comment": c.pk, "reply": reply} for c in letter.forwarded.all()] if letter else []
    article, _warnings = workflow.submit(actor=author, article=article, responses=responses)
    return article


def under_review(article, editor, reviewers):
    for member in reviewers:
        workflow.assign_reviewer(actor=editor, article=article, reviewer=member)
    return workflow.start_review(actor=editor, article=article)


def sign(article, member, decision="approve", comments=""):
    return workflow.sign_off(
        actor=member.user,
        article=article,
        decision=decision,
        comments=comments or ("Looks accurate." if decision == "approve" else "Please fix the dosage."),
        attestation=True,
        conflict_of_interest=False,
        password=PASSWORD,
    )


def approved(article, reviewers):
    result = None
    for member in reviewers:
        result = sign(article, member)
    return result.article


def changes_requested(article, editor, member, comments="Please fix the dosage.", letter="Please revise."):
    """A reviewer recommends changes and the editor decides so, forwarding the round's comments."""
    sign(article, member, decision="request_changes", comments=comments)
    review_round = article.review_rounds.order_by("-number").first()
    forward = list(review_round.comments.filter(parent__isnull=True).values_list("pk", flat=True))
    return workflow.decide(
        actor=editor,
        article=article,
        decision="request_changes",
        letter=letter,
        forward=forward,
        password=PASSWORD,
    )
