"""Reviewers at work: the article as it will be published, what changed, the declaration, sign-off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from articles.models import Article, Specialty, Status
from articles.rendered_diff import rendered_diff
from articles.services import check_citations
from editorial.refusals import SignatureFailed
from reviews import selectors, signatures, workflow
from reviews.forms import ConflictForm, SignOffForm, add_errors
from reviews.models import Decision, ReviewAssignment, SignatureMeaning, SignOff
from reviews.round_forms import ReplyForm, ThreadForm
from reviews.views._common import refusals_as_409, render_as_published, visible_article
from reviews.views._diff import revision_changes
from reviews.views._letters import review_form_for, threads_for_page


def latest_revision_id(article: Article) -> int | None:
    return article.history.order_by("-history_id").values_list("history_id", flat=True).first()


def _assignment_or_404(user, pk: int) -> ReviewAssignment:
    """The user's latest assignment on an article they may see; anyone else gets a 404 (a reviewer
    who declared a conflict of interest included)."""
    article = visible_article(user, pk)
    assignment = (
        ReviewAssignment.objects.filter(round__article=article, reviewer__user=user)
        .select_related("round__article__topic", "reviewer")
        .order_by("-round__number")
        .first()
    )
    if assignment is None:
        raise Http404(_("You are not assigned to review this article."))
    return assignment


def _baseline(article: Article, user) -> tuple[object, str]:
    """The revision to compare with, and how to name it.

    The version this reviewer last reviewed; failing that (a reviewer new to the article), the
    newest version the board approved.
    """
    baseline = selectors.last_reviewed_revision(article, user)
    if baseline is not None:
        return baseline, _("the version you last reviewed")
    baseline = selectors.approved_baseline(article, user)
    if baseline is not None:
        return baseline, _("the last version the board approved")
    return None, ""


def _colleagues_asking_for_changes(article: Article, assignment: ReviewAssignment) -> list[SignOff]:
    if not assignment.round.is_open:
        return []
    return [
        s for s in workflow.changes_recommended(article, assignment.round) if s.assignment_id != assignment.pk
    ]


def review_page(request, assignment: ReviewAssignment, *, status: int = 200, **forms):
    article = assignment.round.article
    check = check_citations(article)
    rendered, references_html = render_as_published(article.body, check.cited)
    baseline, baseline_label = _baseline(article, request.user)
    changes, diff = [], None
    if baseline is not None:
        topics = dict(Specialty.objects.values_list("pk", "name"))
        changes = [c for c in revision_changes(baseline, article, topics=topics) if c["field"] != "body"]
        diff = rendered_diff(baseline, article)
    try:
        signoff = assignment.signoff
    except SignOff.DoesNotExist:
        signoff = None
    context = {
        "article": article,
        "assignment": assignment,
        "signoff": signoff,
        "body_html": rendered.html,
        "references_html": references_html,
        "check": check,
        "baseline": baseline,
        "baseline_label": baseline_label,
        "changes": changes,
        "diff": diff,
        "diff_mode": "side" if request.GET.get("diff") == "side" else "inline",
        "colleagues_changes": _colleagues_asking_for_changes(article, assignment),
        "threads": threads_for_page(request.user, article),
        "can_comment": workflow.can_comment(request.user, article),
        "thread_form": ThreadForm(initial={"revision": latest_revision_id(article)}),
        "reply_form": ReplyForm(),
        "next_page": "review",
        "answers_form": forms.get("answers_form") or review_form_for(article),
        "can_declare": workflow.can_declare_conflict(request.user, assignment),
        "can_sign": workflow.can_sign_off(request.user, article),
        "declared": assignment.conflict_of_interest is not None,
        "conflict_form": forms.get("conflict_form") or ConflictForm(),
        "signoff_form": forms.get("signoff_form")
        or SignOffForm(
            initial={"content_hash": article.content_hash},
            uses_one_time_code=signatures.uses_one_time_code(request.user),
        ),
        "signature_statements": {
            meaning.label: signatures.STATEMENTS[meaning]
            for meaning in (SignatureMeaning.APPROVE, SignatureMeaning.REQUEST_CHANGES)
        },
    }
    return render(request, "editorial/review.html", context, status=status)


@login_required
def review(request, pk: int):
    """The review page of an article assigned to the user.

    Template: ``editorial/review.html``. Context: the body rendered exactly as it will be
    published, the references with DOI/PubMed links and retraction flags, a word diff against
    the last approved version, the conflict declaration and the sign-off form.
    """
    return review_page(request, _assignment_or_404(request.user, pk))


@login_required
@require_POST
@refusals_as_409(back="editorial:review", back_label=gettext_lazy("Back to the review"))
def declare_conflict(request, pk: int):
    assignment = _assignment_or_404(request.user, pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        return review_page(request, assignment, conflict_form=form, status=400)
    try:
        workflow.declare_conflict(
            actor=request.user,
            assignment=assignment,
            has_conflict=form.cleaned_data["has_conflict"],
            statement=form.cleaned_data["conflict_statement"],
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return review_page(request, assignment, conflict_form=form, status=400)
    if form.cleaned_data["has_conflict"]:
        messages.success(
            request, _("Conflict of interest declared: you are released from this review. Thank you.")
        )
        return redirect("editorial:dashboard")
    messages.success(request, _("Declared: no conflict of interest. You can sign off when you are ready."))
    return redirect("editorial:review", pk=pk)


@login_required
@require_POST
@refusals_as_409(back="editorial:review", back_label=gettext_lazy("Reload the review"))
def sign_off(request, pk: int):
    """Record the reviewer's decision on the exact content they were shown.

    The form carries the content hash of the page; if the article changed since, the sign-off
    is refused (409) with a prompt to reload and review the current version. It is signed with
    the reviewer's password (or one-time code): a wrong one is 403 with the form shown again.
    """
    assignment = _assignment_or_404(request.user, pk)
    article = assignment.round.article
    form = SignOffForm(request.POST, uses_one_time_code=signatures.uses_one_time_code(request.user))
    answers_form = review_form_for(article, request.POST)
    answers_valid = answers_form is None or answers_form.is_valid()
    if not (form.is_valid() and answers_valid):
        return review_page(request, assignment, signoff_form=form, answers_form=answers_form, status=400)
    try:
        result = workflow.recommend(
            actor=request.user,
            article=article,
            decision=form.cleaned_data["decision"],
            comments=form.cleaned_data["comments"],
            attestation=form.cleaned_data["attestation"],
            # Declared on this page before the sign-off form is shown (the workflow checks it).
            conflict_of_interest=None,
            content_hash=form.cleaned_data["content_hash"],
            password=form.cleaned_data.get("password", ""),
            otp=form.cleaned_data.get("otp", ""),
            form=answers_form.answers() if answers_form else {},
        )
    except SignatureFailed as exc:
        # Nothing was recorded; the page says why and keeps what the reviewer wrote.
        form.add_error("otp" if "otp" in form.fields else "password", str(exc))
        return review_page(request, assignment, signoff_form=form, answers_form=answers_form, status=403)
    except ValidationError as exc:
        if "conflict_of_interest" in getattr(exc, "error_dict", {}):
            # Not declared yet (a stale or forged post): the page asks for the declaration first.
            declaration = ConflictForm({})
            declaration.is_valid()
            return review_page(request, assignment, conflict_form=declaration, status=400)
        errors = dict(getattr(exc, "error_dict", {}))
        if answers_form is not None and "form" in errors:
            # The review form's own problems are shown on it.
            answers_form.add_error(None, errors.pop("form"))
            exc = ValidationError(errors) if errors else None
        if exc is not None:
            add_errors(form, exc)
        return review_page(request, assignment, signoff_form=form, answers_form=answers_form, status=400)
    if result.signoff.decision == Decision.REQUEST_CHANGES:
        messages.success(
            request,
            _("Recommended: changes. The editor decides the round; your colleagues have been told."),
        )
    elif result.article.status == Status.APPROVED:
        messages.success(
            request, _("Signed off: approved. The quorum is met, so the article is now published.")
        )
    else:
        messages.success(request, _("Signed off: approved. The article waits for the rest of the quorum."))
    return redirect("editorial:review", pk=pk)
