"""The periodic jobs of the review board: re-review on schedule and reminders of due reviews.

Celery beat runs them through ``reviews.tasks``; cron users run the management commands of the
same names. Both only pick what is due and hand each item to ``reviews.workflow``, which holds the
rules, so a job that runs twice, or twice at once, changes nothing the second time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django_fsm import TransitionNotAllowed

from articles.models import Article, Status
from reviews import workflow
from reviews.models import AssignmentStatus, ReminderStage, ReviewAssignment, RoundStatus

logger = logging.getLogger(__name__)

# A review due within this many days (today included) gets the "due soon" reminder.
DUE_SOON_DAYS = 2


def articles_due_for_review(today: date):
    """Approved articles whose next review date is today or past."""
    return Article.objects.filter(status=Status.APPROVED, next_review_due__lte=today).order_by(
        "next_review_due", "pk"
    )


def scheduled_review_reason(article: Article) -> str:
    if article.last_reviewed_at is not None:
        last_reviewed = timezone.localdate(article.last_reviewed_at)
        return f"Scheduled review: last reviewed on {last_reviewed.isoformat()}."
    return f"Scheduled review: the next review was due on {article.next_review_due.isoformat()}."


def flag_due_reviews(*, today: date | None = None) -> list[Article]:
    """Move approved articles whose review date has come to Review Due; returns those moved."""
    today = today or timezone.localdate()
    flagged = []
    for article in articles_due_for_review(today):
        reason = scheduled_review_reason(article)
        try:
            flagged.append(workflow.flag_for_rereview(actor=None, article=article, reason=reason))
        except TransitionNotAllowed:
            # Revised, retracted or flagged by someone else since the query ran.
            logger.info("Article %s is no longer approved; not flagged for re-review.", article.pk)
    return flagged


def open_assignments():
    """Assignments a reviewer can act on now: the round is under review and they have not signed off."""
    return (
        ReviewAssignment.objects.filter(
            status=AssignmentStatus.ASSIGNED,
            round__status=RoundStatus.IN_PROGRESS,
            reviewer__active=True,
        )
        .exclude(conflict_of_interest=True)
        .select_related("reviewer__user", "round__article")
        .order_by("due_date", "pk")
    )


def assignments_to_remind(stage: str, today: date):
    """Open assignments at ``stage`` today that have not had that stage's reminder yet."""
    if stage == ReminderStage.DUE_SOON:
        at_stage = open_assignments().filter(
            due_date__gte=today, due_date__lte=today + timedelta(days=DUE_SOON_DAYS)
        )
    else:
        at_stage = open_assignments().filter(due_date__lt=today)
    return at_stage.exclude(reminders_sent__stage=stage)


@dataclass
class ReminderReport:
    due_soon: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"due_soon": list(self.due_soon), "overdue": list(self.overdue)}


def send_review_reminders(*, today: date | None = None) -> ReminderReport:
    """Remind reviewers of reviews due soon, and reviewers and editors of overdue ones, once each."""
    today = today or timezone.localdate()
    report = ReminderReport()
    for stage, sent in ((ReminderStage.DUE_SOON, report.due_soon), (ReminderStage.OVERDUE, report.overdue)):
        for assignment in assignments_to_remind(stage, today):
            if workflow.remind_reviewer(assignment=assignment, stage=stage):
                sent.append(assignment.pk)
    return report
