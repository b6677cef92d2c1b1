"""The landing page: one section per role the user has (author, reviewer, editor)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from articles import roles
from articles.models import Status
from reviews import quorum, selectors, workflow
from reviews.models import BoardMember

# Assignments due within this many days are marked "due soon".
DUE_SOON_DAYS = 3
# Rows shown per list (and per status group): a dashboard says what is waiting, with its count,
# and stays as fast with a hundred thousand articles as with ten.
DASHBOARD_ROWS = 20


def status_groups(articles, counts: dict[str, int]) -> list[dict]:
    """The articles grouped by status in workflow order, each group with its count of all the
    articles in that status (``counts``), of which ``articles`` holds the first few."""
    by_status: dict[str, list] = {}
    for article in articles:
        by_status.setdefault(article.status, []).append(article)
    return [
        {
            "status": status,
            "label": status.label,
            "articles": by_status.get(status, []),
            "count": counts[status],
        }
        for status in Status
        if counts.get(status)
    ]


def first_rows(queryset) -> dict:
    """The first ``DASHBOARD_ROWS`` of ``queryset`` and how many there are in all."""
    rows = list(queryset[:DASHBOARD_ROWS])
    total = len(rows) if len(rows) < DASHBOARD_ROWS else queryset.count()
    return {"rows": rows, "total": total}


@login_required
def dashboard(request):
    """Everything waiting for the user, section by role.

    Template: ``editorial/dashboard.html``. Context: ``author`` (status groups of the user's
    articles, the latest few of each), ``reviewer`` (open assignments, overdue first), ``editor``
    (the queue and the running rounds with what their quorum still misses), each list the first
    ``DASHBOARD_ROWS`` with its total.
    """
    user = request.user
    today = timezone.localdate()
    context = {"today": today}

    counts = selectors.authored_counts_by_status(user)
    if counts or roles.can_create_articles(user):
        latest = selectors.latest_authored_by_status(user, DASHBOARD_ROWS)
        context["author"] = {"groups": status_groups(latest, counts), "total": sum(counts.values())}

    if BoardMember.objects.active_for(user) is not None:
        open_reviews = first_rows(selectors.assignments_for_reviewer(user))
        assignments = open_reviews["rows"]
        for assignment in assignments:
            assignment.overdue = assignment.due_date < today
            assignment.due_soon = not assignment.overdue and assignment.due_date <= today + timedelta(
                days=DUE_SOON_DAYS
            )
        context["reviewer"] = {"assignments": assignments, "total": open_reviews["total"]}

    if roles.is_editor(user):
        queue = first_rows(selectors.editor_queue())
        in_review = first_rows(selectors.articles_in_review())
        quorums = quorum.quorums_for(in_review["rows"])
        asking_for_changes = workflow.changes_recommended_in(in_review["rows"])
        for article in in_review["rows"]:
            article.quorum = quorums[article.pk]
            article.changes_recommended = article.pk in asking_for_changes
        context["editor"] = {
            "queue": queue["rows"],
            "queue_total": queue["total"],
            "in_review": in_review["rows"],
            "in_review_total": in_review["total"],
        }

    return render(request, "editorial/dashboard.html", context)
