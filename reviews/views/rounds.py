"""A review round in the web app: the editor's decision page, comments on passages, the answers
to a decision letter.

Each POST validates its form and calls one function of ``reviews.workflow``; refusals come back
on the form (400) or as the readable 409 page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from articles.services import check_citations
from editorial.refusals import SignatureFailed
from reviews import comments, quorum, signatures, workflow
from reviews.forms import add_errors
from reviews.models import Comment, SignatureMeaning, SignOff
from reviews.round_forms import DecisionForm, ReplyForm, ThreadForm
from reviews.views._common import refusals_as_409, render_as_published, visible_article
from reviews.views._letters import threads_for_page
from reviews.views.board import editor_required
from reviews.views.reviewing import latest_revision_id

# Where a comment form sends the person back to: their review, or the decision page.
RETURN_PAGES = {
    "review": "editorial:review",
    "decision": "editorial:decision",
    "article": "editorial:article",
}


def _back(request, pk: int):
    return redirect(RETURN_PAGES.get(request.POST.get("next", ""), "editorial:article"), pk=pk)


def _recommendations(review_round) -> list[dict]:
    """Each assignment of the round with its recommendation and the form as answered."""
    rows = []
    assignments = review_round.assignments.select_related("reviewer__user").order_by("pk")
    signoffs = {
        s.assignment_id: s
        for s in SignOff.objects.filter(assignment__round=review_round).order_by("signed_at")
    }
    for assignment in assignments:
        signoff = signoffs.get(assignment.pk)
        form = list(signoff.form.values()) if signoff else []
        rows.append({"assignment": assignment, "signoff": signoff, "form": form})
    return rows


def decision_page(request, article, *, form=None, status: int = 200):
    review_round = quorum.open_round(article) or quorum.latest_round(article)
    threads = threads_for_page(request.user, article)
    round_threads = [t.comment for t in threads if review_round and t.comment.round_id == review_round.pk]
    context = {
        "article": article,
        "round": review_round,
        "rows": _recommendations(review_round) if review_round else [],
        "quorum": quorum.quorum_for(article, review_round) if review_round else None,
        "policy": quorum.policy_for(article),
        "threads": threads,
        "changes_recommended": bool(review_round)
        and bool(workflow.changes_recommended(article, review_round)),
        "can_decide": workflow.can_decide(request.user, article),
        "can_approve": workflow.can_approve(request.user, article),
        "decision": getattr(review_round, "decision", None) if review_round else None,
        "form": form
        or DecisionForm(
            threads=round_threads,
            initial={"forward": [c.pk for c in round_threads]},
            uses_one_time_code=signatures.uses_one_time_code(request.user),
        ),
        "signature_statements": {
            meaning.label: signatures.STATEMENTS[meaning]
            for meaning in (SignatureMeaning.DECISION_APPROVE, SignatureMeaning.DECISION_REQUEST_CHANGES)
        },
        # The article under review, to quote a passage of it in a comment, as on the review page.
        "body_html": render_as_published(article.body, check_citations(article).cited)[0].html,
        "can_comment": workflow.can_comment(request.user, article),
        "thread_form": ThreadForm(initial={"revision": latest_revision_id(article)}),
        "reply_form": ReplyForm(),
    }
    return render(request, "editorial/decision.html", context, status=status)


@editor_required
@refusals_as_409(back="editorial:decision")
def decision(request, pk: int):
    """The editor's decision page: every recommendation with its review form, every comment
    thread, the quorum, and the decision (approve, or request changes with a decision letter).

    Template: ``editorial/decision.html``.
    """
    article = visible_article(request.user, pk)
    if request.method != "POST":
        return decision_page(request, article)
    review_round = quorum.open_round(article)
    threads = list(review_round.comments.filter(parent__isnull=True)) if review_round else []
    form = DecisionForm(
        request.POST, threads=threads, uses_one_time_code=signatures.uses_one_time_code(request.user)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            workflow.decide(
                actor=request.user,
                article=article,
                decision=data["decision"],
                letter=data["letter"],
                forward=[int(pk) for pk in data["forward"]],
                **form.proof,
            )
        except SignatureFailed as exc:
            # Nothing was recorded; the page says why and keeps the letter.
            form.add_error("otp" if "otp" in form.fields else "password", str(exc))
            return decision_page(request, article, form=form, status=403)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Decided. The authors and the reviewers have been told."))
            return redirect("editorial:article", pk=article.pk)
    return decision_page(request, article, form=form, status=400)


@login_required
@require_POST
@refusals_as_409()
def comment_create(request, pk: int):
    """Start a thread on the quoted passage (or on the whole article)."""
    article = visible_article(request.user, pk)
    form = ThreadForm(request.POST)
    if form.is_valid():
        try:
            workflow.add_comment(
                actor=request.user,
                article=article,
                body=form.cleaned_data["body"],
                quote=form.quote(),
                revision=form.cleaned_data["revision"],
            )
        except ValidationError as exc:
            add_errors(form, exc, {"quote": "exact"})
        else:
            messages.success(request, _("Comment added."))
            return _back(request, pk)
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, f"{form.fields[field].label}: {error}" if field in form.fields else error)
    return _back(request, pk)


def _thread(request, pk: int, comment_pk: int) -> Comment:
    article = visible_article(request.user, pk)
    comment = Comment.objects.filter(article=article, pk=comment_pk).select_related("parent").first()
    if comment is None or not comments.may_read(request.user, comment):
        raise Http404(_("No such comment."))
    return comment


@login_required
@require_POST
@refusals_as_409()
def comment_reply(request, pk: int, comment_pk: int):
    comment = _thread(request, pk, comment_pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        workflow.reply(actor=request.user, comment=comment, body=form.cleaned_data["body"])
        messages.success(request, _("Reply added."))
    else:
        messages.error(request, _("Write the reply before sending it."))
    return _back(request, pk)


@login_required
@require_POST
@refusals_as_409()
def comment_resolve(request, pk: int, comment_pk: int):
    workflow.resolve(actor=request.user, comment=_thread(request, pk, comment_pk))
    messages.success(request, _("Thread resolved."))
    return _back(request, pk)
