"""The forms a round adds to other pages: the review form of a recommendation, the answers to a
decision letter."""

from __future__ import annotations

from reviews import comments, quorum, review_form, workflow
from reviews.round_forms import ResubmitForm, ReviewFormAnswers


def resubmit_form(article, data=None) -> ResubmitForm | None:
    """The form answering the last decision letter, while the article is back with its authors."""
    letter = workflow.letter_of(quorum.latest_round(article)) if article.is_editable else None
    forwarded = letter.forwarded_comments if letter else []
    return ResubmitForm(data, forwarded=forwarded)


def review_form_for(article, data=None, prefix="form") -> ReviewFormAnswers | None:
    """The policy's review form for a recommendation on ``article``; ``None`` without a checklist."""
    items = review_form.form_items(quorum.policy_for(article))
    return ReviewFormAnswers(data, items=items, prefix=prefix) if items else None


def threads_for_page(user, article) -> list:
    """The threads ``user`` reads on ``article``, each knowing whether ``user`` may resolve it."""
    threads = comments.threads_for(user, article)
    for thread in threads:
        thread.can_resolve = workflow.resolve_refusal(user, thread.comment) is None
    return threads
