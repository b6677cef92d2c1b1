"""The periodic jobs: scheduled re-review, due-soon and overdue reminders, retractions, beat."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Status
from editorial.celery import app
from reviews import reminders, tasks, workflow
from reviews.models import (
    AssignmentStatus,
    Notification,
    NotificationKind,
    ReminderSent,
    ReminderStage,
    ReviewAssignment,
    TransitionLog,
)
from tests import states

pytestmark = pytest.mark.django_db


def assignments_of(article):
    return list(ReviewAssignment.objects.filter(round__article=article).order_by("pk"))


def notified(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


# Due-soon and overdue reminders --------------------------------------------------------------


def test_a_review_due_within_two_days_gets_one_due_soon_reminder(under_review, reviewers):
    first, second = assignments_of(under_review)
    two_days_before = first.due_date - timedelta(days=2)

    report = reminders.send_review_reminders(today=two_days_before)
    again = reminders.send_review_reminders(today=first.due_date)

    assert report.due_soon == [first.pk, second.pk]
    assert report.overdue == []
    assert again.as_dict() == {"due_soon": [], "overdue": []}
    assert notified(NotificationKind.DUE_SOON) == ["dr_baker", "dr_chen"]
    note = Notification.objects.filter(kind=NotificationKind.DUE_SOON).first()
    assert note.payload["due_date"] == first.due_date.isoformat()
    assert note.article == under_review


def test_a_review_due_in_three_days_gets_no_reminder_yet(under_review):
    first, _second = assignments_of(under_review)

    report = reminders.send_review_reminders(today=first.due_date - timedelta(days=3))

    assert report.as_dict() == {"due_soon": [], "overdue": []}
    assert not ReminderSent.objects.exists()


def test_an_overdue_review_is_reported_to_the_reviewer_and_the_editors_once(under_review, reviewers, editor):
    first, second = assignments_of(under_review)
    day_after = first.due_date + timedelta(days=1)

    report = reminders.send_review_reminders(today=day_after)
    again = reminders.send_review_reminders(today=day_after + timedelta(days=5))

    assert report.overdue == [first.pk, second.pk]
    assert report.due_soon == [], "a review already late gets no due-soon reminder"
    assert again.overdue == []
    assert notified(NotificationKind.OVERDUE) == ["dr_baker", "dr_chen", "eve", "eve"]
    to_editor = Notification.objects.filter(kind=NotificationKind.OVERDUE, recipient=editor).first()
    assert to_editor.payload["reviewer_user"] in {reviewers[0].user_id, reviewers[1].user_id}


def test_each_stage_is_sent_once_per_assignment(under_review):
    first, _second = assignments_of(under_review)

    for days in (-2, -1, 0, 1, 2):
        reminders.send_review_reminders(today=first.due_date + timedelta(days=days))

    stages = sorted(ReminderSent.objects.filter(assignment=first).values_list("stage", flat=True))
    assert stages == [ReminderStage.DUE_SOON, ReminderStage.OVERDUE]
    assert Notification.objects.filter(kind=NotificationKind.DUE_SOON).count() == 2


def test_only_reviewers_who_can_still_sign_off_are_reminded(under_review, reviewers):
    first, second = assignments_of(under_review)
    states.sign(under_review, reviewers[0])  # one approval: the round stays open

    report = reminders.send_review_reminders(today=second.due_date + timedelta(days=1))

    assert ReviewAssignment.objects.get(pk=first.pk).status == AssignmentStatus.SIGNED_OFF
    assert report.overdue == [second.pk]


def test_no_reminders_before_the_review_round_starts(editor, submitted, reviewers):
    assignment = workflow.assign_reviewer(actor=editor, article=submitted, reviewer=reviewers[0])

    report = reminders.send_review_reminders(today=assignment.due_date + timedelta(days=1))

    assert report.overdue == []


def test_remind_reviewer_refuses_a_stage_already_sent(under_review):
    first, _second = assignments_of(under_review)

    assert workflow.remind_reviewer(assignment=first, stage=ReminderStage.DUE_SOON)
    assert not workflow.remind_reviewer(assignment=first, stage=ReminderStage.DUE_SOON)
    assert ReminderSent.objects.filter(assignment=first).count() == 1


def test_the_reminder_command_prints_a_summary(under_review):
    ReviewAssignment.objects.filter(round__article=under_review).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    out = StringIO()

    call_command("send_review_reminders", stdout=out)
    call_command("send_review_reminders", stdout=out)

    assert out.getvalue().splitlines() == [
        "Sent 0 due-soon and 2 overdue reminder(s).",
        "Sent 0 due-soon and 0 overdue reminder(s).",
    ]


# Scheduled re-review -------------------------------------------------------------------------


def test_an_approved_article_goes_to_review_due_on_its_review_date(approved, editor, author):
    last_reviewed = timezone.localdate(approved.last_reviewed_at)

    flagged = reminders.flag_due_reviews(today=approved.next_review_due)

    approved.refresh_from_db()
    assert flagged == [approved]
    assert approved.status == Status.REVIEW_DUE
    assert approved.review_due_reason == f"Scheduled review: last reviewed on {last_reviewed.isoformat()}."
    entry = TransitionLog.objects.filter(article=approved).last()
    assert (entry.action, entry.actor, entry.to_status) == ("flag_for_rereview", None, Status.REVIEW_DUE)
    assert notified(NotificationKind.REVIEW_DUE) == ["alice", "eve"]
    assert Notification.objects.filter(kind=NotificationKind.REVIEW_DUE).first().payload == {
        "reason": approved.review_due_reason
    }


def test_an_article_not_yet_due_is_left_alone(approved):
    assert reminders.flag_due_reviews(today=approved.next_review_due - timedelta(days=1)) == []
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


def test_flagging_twice_flags_once(approved):
    reminders.flag_due_reviews(today=approved.next_review_due)

    assert reminders.flag_due_reviews(today=approved.next_review_due + timedelta(days=1)) == []
    assert TransitionLog.objects.filter(article=approved, action="flag_for_rereview").count() == 1


def test_an_article_revised_meanwhile_is_skipped(approved, author, monkeypatch):
    real_flag = workflow.flag_for_rereview

    def revised_first(*, actor, article, reason):
        workflow.revise(actor=author, article=article)  # another request got there first
        return real_flag(actor=actor, article=article, reason=reason)

    monkeypatch.setattr(workflow, "flag_for_rereview", revised_first)

    assert reminders.flag_due_reviews(today=approved.next_review_due) == []
    approved.refresh_from_db()
    assert approved.status == Status.DRAFT


def test_the_flag_command_prints_a_summary(approved):
    Article.objects.filter(pk=approved.pk).update(next_review_due=timezone.localdate())
    out = StringIO()

    call_command("flag_due_reviews", stdout=out)

    assert f"{approved.pk}: {approved.title} (Scheduled review: last reviewed on" in out.getvalue()
    assert "Flagged 1 article(s) for re-review." in out.getvalue()


# Celery wiring -------------------------------------------------------------------------------


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled == {
        "reviews.tasks.sweep_notifications",
        "reviews.tasks.send_review_reminders",
        "reviews.tasks.flag_due_reviews",
        "reviews.tasks.reapply_retractions",
        "reviews.tasks.sync_retraction_watch",
        "public.tasks.prune_content_changes",
        "public.tasks.purge_cdn",
        "reviews.tasks.verify_audit_trail",
    }
    assert scheduled <= set(app.tasks)


def test_the_periodic_tasks_run_the_jobs(approved):
    Article.objects.filter(pk=approved.pk).update(next_review_due=timezone.localdate())

    assert tasks.flag_due_reviews.delay().get() == [approved.pk]
    assert tasks.send_review_reminders.delay().get() == {"due_soon": [], "overdue": []}
    waiting = Notification.objects.filter(delivered_at__isnull=True).count()
    assert waiting > 0
    assert tasks.sweep_notifications.delay().get()["delivered"] == waiting
