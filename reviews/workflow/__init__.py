"""Every transition of an article and of a review assignment, and who may take it when.

The API, the web pages, the admin and the scheduled jobs all call these functions; nothing else
calls an ``@transition`` method of ``Article``. For each action:

- ``<action>_refusal(user, obj)`` returns the exception that would answer the request now
  (``PermissionDenied``: not this user, 403; ``TransitionNotAllowed``: not in this state, 409),
  or ``None``; ``can_<action>`` is its boolean, and ``available_actions`` lists them, so a button
  appears exactly when pressing it would be allowed;
- ``<action>(*, actor, ...)`` runs in one transaction with the article row locked, raises that
  refusal first, then checks its input (``ValidationError``, 400; ``StaleContent``, 409), changes
  the article in memory through its ``@transition`` and saves it once, with the acting user and a
  change reason on the history row, appends a ``TransitionLog`` entry and writes notifications to
  the outbox, delivered after commit.
"""

from articles import roles
from articles.models import Article
from reviews.workflow.comments import (
    add_comment,
    can_comment,
    comment_refusal,
    letter_of,
    reply,
    reply_refusal,
    resolve,
    resolve_refusal,
)
from reviews.workflow.decisions import (
    approve,
    approve_refusal,
    can_approve,
    can_decide,
    changes_recommended,
    changes_recommended_in,
    decide,
    decide_refusal,
)
from reviews.workflow.publication import (
    can_flag_for_rereview,
    can_retract,
    can_revise,
    flag_for_rereview,
    flag_for_rereview_refusal,
    retract,
    retract_refusal,
    revise,
    revise_refusal,
    send_back_to_review,
)
from reviews.workflow.signoffs import (
    SignOffResult,
    can_sign_off,
    recommend,
    sign_off,
    sign_off_refusal,
    signable_assignment,
)
from reviews.workflow.steps import lock
from reviews.workflow.submission import (
    ASSIGNABLE_STATUSES,
    CitationErrors,
    assign_refusal,
    assign_reviewer,
    assign_reviewers,
    can_assign,
    can_declare_conflict,
    can_start_review,
    can_submit,
    declare_conflict,
    declare_conflict_refusal,
    remind_reviewer,
    start_review,
    start_review_refusal,
    submit,
    submit_refusal,
)

__all__ = [
    "ACTION_CHECKS",
    "add_comment",
    "can_comment",
    "can_decide",
    "changes_recommended",
    "changes_recommended_in",
    "comment_refusal",
    "decide",
    "decide_refusal",
    "letter_of",
    "recommend",
    "reply",
    "reply_refusal",
    "resolve",
    "resolve_refusal",
    "ASSIGNABLE_STATUSES",
    "CitationErrors",
    "SignOffResult",
    "approve",
    "approve_refusal",
    "assign_refusal",
    "assign_reviewer",
    "assign_reviewers",
    "available_actions",
    "can_approve",
    "can_assign",
    "can_declare_conflict",
    "can_flag_for_rereview",
    "can_retract",
    "can_revise",
    "can_sign_off",
    "can_start_review",
    "can_submit",
    "declare_conflict",
    "declare_conflict_refusal",
    "flag_for_rereview",
    "flag_for_rereview_refusal",
    "lock",
    "remind_reviewer",
    "retract",
    "retract_refusal",
    "revise",
    "revise_refusal",
    "send_back_to_review",
    "sign_off",
    "sign_off_refusal",
    "signable_assignment",
    "start_review",
    "start_review_refusal",
    "submit",
    "submit_refusal",
]

ACTION_CHECKS = {
    "edit": roles.can_edit,
    "submit": can_submit,
    "assign": can_assign,
    "start_review": can_start_review,
    "sign_off": can_sign_off,
    "comment": can_comment,
    "decide": can_decide,
    "approve": can_approve,
    "revise": can_revise,
    "flag_for_rereview": can_flag_for_rereview,
    "retract": can_retract,
}


def available_actions(user, article: Article) -> list[str]:
    """The actions ``user`` may take on ``article`` now, in workflow order."""
    return [name for name, check in ACTION_CHECKS.items() if check(user, article)]
