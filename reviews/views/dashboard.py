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


def status_groups(articles) -> list[dict]:
    """The articles grouped by status in workflow order, each group with its count."""
    by_status: dict[str, list] = {}
    for article in articles:
        by_status.setdefault(article.status, []).append(article)
    return [
        {
            "status": status,
            "label": status.label,
            "articles": by_status[status],
            "count": len(by_status[status]),
        }
        for status in Status
        if status in by_status
    ]


@login_required
def dashboard(request):
    """Everything waiting for the user, section by role.

    Template: ``editorial/dashboard.html``. Context: ``author`` (status groups of the user's
    articles), ``reviewer`` (open assignments, overdue first), ``editor`` (the queue and the
    running rounds with what their quorum still misses).
    """
    user = request.user
    today = timezone.localdate()
    context = {"today": today}

    own = list(selectors.articles_authored_by(user))
    if own or roles.can_create_articles(user):
        context["author"] = {"groups": status_groups(own), "total": len(own)}

    if BoardMember.objects.active_for(user) is not None:
        assignments = list(selectors.assignments_for_reviewer(user))
        for assignment in assignments:
            assignment.overdue = assignment.due_date < today
            assignment.due_soon = not assignment.overdue and assignment.due_date <= today + timedelta(
                days=DUE_SOON_DAYS
            )
        context["reviewer"] = {"assignments": assignments}

    if roles.is_editor(user):
        in_review = list(selectors.articles_in_review())
        asking_for_changes = workflow.changes_recommended_in(in_review)
        for article in in_review:
            article.quorum = quorum.quorum_for(article)
            article.changes_recommended = article.pk in asking_for_changes
        context["editor"] = {"queue": list(selectors.editor_queue()), "in_review": in_review}

    return render(request, "editorial/dashboard.html", context)
