"""Editors running the board: assigning reviewers, rounds, approval, retraction, members, policy."""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from articles import roles
from editorial.refusals import SignatureFailed
from reviews import quorum, review_form, selectors, signatures, workflow
from reviews.forms import (
    AssignReviewersForm,
    BoardMemberForm,
    CommentForm,
    FlagForRereviewForm,
    ReviewPolicyForm,
    SigningForm,
    add_errors,
)
from reviews.models import OPEN_ROUND_STATUSES, AssignmentStatus, BoardMember, ReviewPolicy
from reviews.round_forms import RetractConfirmForm
from reviews.views._common import refusals_as_409, visible_article
from reviews.views.articles import detail_page


def editor_required(view):
    """Only editors (``articles.manage_board``) pass; others get the readable 403 page."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not roles.is_editor(request.user):
            raise PermissionDenied(_("Only editors run the advisory board."))
        return view(request, *args, **kwargs)

    return wrapper


# One article's review ------------------------------------------------------------------------


@editor_required
@refusals_as_409()
def assign_reviewers(request, pk: int):
    """Pick reviewers for the open round from suggestions ranked by specialty match.

    Template: ``editorial/assign.html``. All chosen reviewers are assigned or none is.
    """
    article = visible_article(request.user, pk)
    if refusal := workflow.assign_refusal(request.user, article):
        raise refusal
    review_round = quorum.open_round(article)
    policy = quorum.policy_for(article)
    suggestions = selectors.reviewer_suggestions(article, review_round)
    form = AssignReviewersForm(
        request.POST or None,
        suggestions=suggestions,
        initial={"due_date": timezone.localdate() + timedelta(days=policy.assignment_due_days)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            assigned = workflow.assign_reviewers(
                actor=request.user,
                article=article,
                reviewers=list(form.cleaned_data["reviewers"]),
                due_date=form.cleaned_data["due_date"],
            )
        except ValidationError as exc:
            add_errors(form, exc, {"reviewer": "reviewers"})
        else:
            messages.success(
                request,
                _("Assigned %(names)s, due %(due)s. They have been notified.")
                % {
                    "names": ", ".join(a.reviewer.display_name for a in assigned),
                    "due": form.cleaned_data["due_date"].isoformat(),
                },
            )
            return redirect("editorial:article", pk=article.pk)
    chosen = {int(pk) for pk in form["reviewers"].value() or [] if str(pk).isdigit()}
    context = {
        "article": article,
        "round": review_round,
        "policy": policy,
        "form": form,
        "suggestions": form.suggestions,
        "chosen": chosen,
        "current": review_round.assignments.select_related("reviewer").order_by("pk"),
        "eligible": quorum.eligible_assignments(review_round, article).count(),
    }
    return render(request, "editorial/assign.html", context, status=400 if form.errors else 200)


@editor_required
@require_POST
@refusals_as_409()
def start_review(request, pk: int):
    article = visible_article(request.user, pk)
    comment = CommentForm.comment_in(request.POST)
    article = workflow.start_review(actor=request.user, article=article, comment=comment)
    review_round = quorum.open_round(article)
    messages.success(
        request,
        _("Review round %(n)d started: the assigned reviewers can sign off now.")
        % {"n": review_round.number},
    )
    return redirect("editorial:article", pk=article.pk)


@editor_required
@require_POST
@refusals_as_409()
def approve(request, pk: int):
    article = visible_article(request.user, pk)
    comment = CommentForm.comment_in(request.POST)
    proof = SigningForm(request.POST, uses_one_time_code=signatures.uses_one_time_code(request.user))
    proof.is_valid()
    try:
        workflow.approve(actor=request.user, article=article, comment=comment, **proof.proof)
    except SignatureFailed as exc:
        messages.error(request, str(exc))
        return redirect("editorial:article", pk=article.pk)
    messages.success(request, _("Approved. The signed content is published."))
    return redirect("editorial:article", pk=article.pk)


def _step_with_form(request, article, form, *, form_name: str, step, done: str):
    """Take a workflow step that needs a reason or a notice: the form's errors, or the step's own
    refusal next to its field, come back on the article page (400)."""
    if form.is_valid():
        try:
            step(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("editorial:article", pk=article.pk)
    return detail_page(request, article, status=400, **{form_name: form})


@editor_required
@refusals_as_409()
def retract(request, pk: int):
    """The retraction's confirmation page: what will happen, the notice, the title typed again.

    Template: ``editorial/retract.html``. Refused (409 page) unless the article may be retracted now.
    """
    article = visible_article(request.user, pk)
    refusal = workflow.retract_refusal(request.user, article)
    if refusal is not None:
        raise refusal
    form = RetractConfirmForm(request.POST or None, article=article)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.retract(actor=request.user, article=article, notice=form.cleaned_data["notice"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Retracted. Readers now see the notice instead of the article."))
            return redirect("editorial:article", pk=article.pk)
    context = {"article": article, "form": form, "open_round": quorum.open_round(article)}
    return render(request, "editorial/retract.html", context, status=400 if form.errors else 200)


@editor_required
@require_POST
@refusals_as_409()
def flag_for_rereview(request, pk: int):
    article = visible_article(request.user, pk)
    return _step_with_form(
        request,
        article,
        FlagForRereviewForm(request.POST),
        form_name="flag_form",
        step=lambda data: workflow.flag_for_rereview(
            actor=request.user, article=article, reason=data["reason"]
        ),
        done=_("Flagged for re-review: assign reviewers and start the round."),
    )


# Members and policies ------------------------------------------------------------------------


@editor_required
def board_members(request):
    """The advisory board with each member's specialties and current load."""
    members = (
        BoardMember.objects.select_related("user")
        .prefetch_related("specialties")
        .annotate(
            open_assignments=Count(
                "assignments",
                filter=Q(
                    assignments__status=AssignmentStatus.ASSIGNED,
                    assignments__round__status__in=OPEN_ROUND_STATUSES,
                ),
            )
        )
        .order_by("-active", "display_name")
    )
    try:
        admin_url = reverse("admin:reviews_boardmember_changelist")
    except NoReverseMatch:
        admin_url = ""
    return render(request, "editorial/board_members.html", {"members": members, "admin_url": admin_url})


@editor_required
def board_member_edit(request, member_pk: int | None = None):
    """Add a member (a user account joins the board) or change one; deactivating keeps the record."""
    member = get_object_or_404(BoardMember, pk=member_pk) if member_pk else None
    form = BoardMemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        member = form.save()
        messages.success(
            request,
            (_("%(name)s updated.") if member_pk else _("%(name)s joined the board.")) % {"name": member},
        )
        return redirect("editorial:board_members")
    status = 400 if form.is_bound else 200
    return render(
        request, "editorial/board_member_form.html", {"form": form, "member": member}, status=status
    )


@editor_required
def review_policies(request):
    """The site-wide review policy and the specialties' own policies."""
    policies = ReviewPolicy.objects.select_related("specialty").order_by("specialty__name")
    return render(
        request,
        "editorial/policies.html",
        {"policies": policies, "has_default": policies.filter(specialty=None).exists()},
    )


@editor_required
def review_policy_edit(request, policy_pk: int | None = None):
    policy = get_object_or_404(ReviewPolicy, pk=policy_pk) if policy_pk else None
    form = ReviewPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        created = form.instance.pk is None
        policy = form.save()
        if created:
            # A new policy starts with the default medical checklist; the admin edits it.
            review_form.add_default_checklist(policy)
        messages.success(request, _("Review policy saved: %(policy)s.") % {"policy": policy})
        return redirect("editorial:policies")
    status = 400 if form.is_bound else 200
    return render(request, "editorial/policy_form.html", {"form": form, "policy": policy}, status=status)
