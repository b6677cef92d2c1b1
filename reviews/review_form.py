"""The review form: a policy's checklist, how a recommendation answers it, the default one.

Answers are kept with the recommendation as ``{item_id: {"question", "answer", "note"}}``, the
question's text included, so the record reads the same after the checklist changes.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from editorial.refusals import ValidationError
from reviews.models import Decision, FormAnswer, ReviewFormItem, ReviewPolicy

# A sensible checklist for medical articles: what a board member checks before approving.
DEFAULT_MEDICAL_CHECKLIST = (
    ("Each claim is supported by the source cited for it.", "Open the cited sources for the key claims."),
    ("Doses, units and frequencies are correct.", "Check against the guideline or the product label."),
    ("Contraindications, interactions and red-flag symptoms are stated.", ""),
    ("The sources are current and none is retracted.", ""),
    ("The language fits the audience (patient or professional).", ""),
    ("The article says when to seek medical help.", "For patient articles."),
)


def form_items(policy: ReviewPolicy) -> list[ReviewFormItem]:
    """The policy's checklist, in order (none for the built-in policy that has no row)."""
    if policy.pk is None:
        return []
    return list(policy.form_items.all())


def checked_answers(policy: ReviewPolicy, form: dict, *, decision: str) -> dict:
    """The recommendation's answers as stored, or a 400 naming what is wrong.

    ``form`` maps item ids to ``{"answer": "yes"/"no"/"na", "note": "..."}``. Unknown items and
    answers are refused; an approval needs every required item answered.
    """
    if not isinstance(form, dict):
        raise ValidationError({"form": _("The form is an object of item ids to answers.")})
    items = {str(item.pk): item for item in form_items(policy)}
    errors = []
    answers = {}
    for key, value in form.items():
        item = items.get(str(key))
        answer = value.get("answer", "") if isinstance(value, dict) else ""
        if item is None:
            errors.append(_("%(key)s is not an item of this review form.") % {"key": key})
        elif answer not in FormAnswer.values:
            errors.append(_("“%(q)s”: answer yes, no or na.") % {"q": item.question})
        else:
            note = str(value.get("note", "") or "").strip()
            answers[str(item.pk)] = {"question": item.question, "answer": answer, "note": note}
    if decision == Decision.APPROVE:
        errors += [
            _("“%(q)s” must be answered before you approve.") % {"q": item.question}
            for key, item in items.items()
            if item.required and key not in answers
        ]
    if errors:
        raise ValidationError({"form": errors})
    return answers


@transaction.atomic
def add_default_checklist(policy: ReviewPolicy) -> list[ReviewFormItem]:
    """Give ``policy`` the default medical checklist, unless it has a checklist already."""
    if policy.form_items.exists():
        return list(policy.form_items.all())
    return ReviewFormItem.objects.bulk_create(
        ReviewFormItem(policy=policy, position=n, question=question, guidance=guidance, required=True)
        for n, (question, guidance) in enumerate(DEFAULT_MEDICAL_CHECKLIST, start=1)
    )
