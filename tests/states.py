"""Reach each article state through real workflow calls, so no test starts from an impossible state."""

from __future__ import annotations

from reviews import workflow

# Every factory user's password (tests.factories.UserFactory): a sign-off is signed with it.
PASSWORD = "pass-word-123"


def submitted(article, author):
    article, _warnings = workflow.submit(actor=author, article=article)
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
