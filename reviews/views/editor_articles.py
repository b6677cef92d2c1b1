"""The editor's articles page: every article in every status, searched, filtered, sorted, and
reviewers assigned to several at once.

Filters live in the query string (``reviews.filters.EditorArticleFilter``), so a filtered list
can be bookmarked and shared. The page runs a fixed number of queries whatever it lists.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Min, Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_fsm import TransitionNotAllowed

from articles.models import Article, Specialty, Status
from reviews import workflow
from reviews.filters import EditorArticleFilter
from reviews.forms import AssignReviewersForm
from reviews.models import OPEN_ROUND_STATUSES, AssignmentStatus, BoardMember, ReviewAssignment
from reviews.views.board import editor_required

PAGE_SIZE = 50


def _listed_articles():
    """Every article with what a row shows: topic, authors, the open round's reviewers, next due date."""
    open_assignments = ReviewAssignment.objects.filter(round__status__in=OPEN_ROUND_STATUSES).select_related(
        "reviewer", "round"
    )
    return (
        Article.objects.select_related("topic")
        .prefetch_related("authors", Prefetch("review_rounds__assignments", queryset=open_assignments))
        .annotate(
            next_due=Min(
                "review_rounds__assignments__due_date",
                filter=Q(
                    review_rounds__status__in=OPEN_ROUND_STATUSES,
                    review_rounds__assignments__status=AssignmentStatus.ASSIGNED,
                ),
            )
        )
    )


def _bulk_form(data=None) -> AssignReviewersForm:
    return AssignReviewersForm(
        data, suggestions=BoardMember.objects.filter(active=True).order_by("display_name")
    )


@editor_required
def article_list(request, bulk_form=None, status: int = 200):
    """Every article: search (``q``), filters (status, topic, author, reviewer, overdue, due this
    week), sorting (``ordering``) and bulk assignment.

    Template: ``editorial/articles.html``.
    """
    filterset = EditorArticleFilter(request.GET, queryset=_listed_articles())
    articles = filterset.qs if filterset.is_valid() else Article.objects.none()
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "statuses": Status.choices,
        "topics": Specialty.objects.order_by("name"),
        "bulk_form": bulk_form or _bulk_form(),
    }
    return render(request, "editorial/articles.html", context, status=400 if filterset.errors else status)


def _assign_one(request, article: Article, reviewers, due_date) -> str | None:
    """Assign through the workflow; the reason when the article refuses it."""
    try:
        workflow.assign_reviewers(actor=request.user, article=article, reviewers=reviewers, due_date=due_date)
    except (ValidationError, TransitionNotAllowed, PermissionDenied) as exc:
        return " ".join(getattr(exc, "messages", None) or [str(exc)])
    return None


@editor_required
@require_POST
def bulk_assign(request):
    """Assign the chosen reviewers to each chosen article; each article all or nothing."""
    form = _bulk_form(request.POST)
    ids = [pk for pk in request.POST.getlist("articles") if pk.isdigit()]
    if not ids:
        form.is_valid()
        form.add_error(None, _("Choose at least one article."))
    if not form.is_valid():
        return article_list(request, bulk_form=form, status=400)
    done = 0
    for article in Article.objects.filter(pk__in=ids).order_by("title"):
        refused = _assign_one(request, article, form.cleaned_data["reviewers"], form.cleaned_data["due_date"])
        if refused:
            messages.error(request, f"{article.title}: {refused}")
        else:
            done += 1
    if done:
        messages.success(request, _("Reviewers assigned to %(n)d article(s).") % {"n": done})
    # Back to the list as it was filtered.
    return redirect(f"{reverse('editorial:articles')}?{request.POST.get('query', '')}")
