"""The notification outbox: written with the change, delivered after commit, never sent twice."""

from __future__ import annotations

import smtplib
import threading
import time
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from reviews import notifications, workflow
from reviews.models import Notification, NotificationKind, NotificationPreference
from reviews.notifications import DeliveryFailed
from reviews.tasks import deliver_notifications, sweep_notifications
from tests import factories, states

pytestmark = pytest.mark.django_db


class BrokenBackend(locmem.EmailBackend):
    """A mail server that hangs up on every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class SlowBackend(locmem.EmailBackend):
    """The locmem backend, slow enough that concurrent workers really overlap."""

    def send_messages(self, messages):
        time.sleep(0.05)
        return super().send_messages(messages)


@pytest.fixture
def submitted(editor, article, author):
    """Submitted once an editor exists, so the outbox holds the editors' "submitted" notifications."""
    return states.submitted(article, author)


def pending(**filters):
    return list(
        Notification.objects.filter(delivered_at__isnull=True, **filters).values_list("pk", flat=True)
    )


def emails_to(outbox, user):
    return [message for message in outbox if message.to == [user.email]]


# Written with the change ---------------------------------------------------------------------


def test_a_change_that_rolls_back_leaves_no_notification(
    editor, submitted, reviewers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        workflow.assign_reviewer(actor=editor, article=submitted, reviewer=reviewers[0])
        raise RuntimeError("the request failed after the workflow step")

    assert not Notification.objects.filter(kind=NotificationKind.ASSIGNED).exists()
    assert callbacks == []


def test_delivery_waits_for_the_commit(
    editor, submitted, reviewers, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.assign_reviewer(actor=editor, article=submitted, reviewer=reviewers[0])
        note = Notification.objects.get(kind=NotificationKind.ASSIGNED)
        assert note.delivered_at is None
        assert mailoutbox == []

    assert len(callbacks) == 1


# Delivered after commit ----------------------------------------------------------------------


def test_assigning_a_reviewer_emails_them_the_due_date_and_a_link(
    settings, submitted, editor, reviewers, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://editorial.example.org"
    due = timezone.localdate() + timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.assign_reviewer(actor=editor, article=submitted, reviewer=reviewers[0], due_date=due)

    note = Notification.objects.get(kind=NotificationKind.ASSIGNED)
    assert note.recipient == reviewers[0].user
    assert note.delivered_at is not None
    assert note.emailed_at == note.delivered_at
    assert note.attempts == 1
    [message] = mailoutbox
    assert message.to == [reviewers[0].user.email]
    assert message.subject == f"[Medical Library] Review requested: {submitted.title} (due {due:%-d %b %Y})"
    link = f"https://editorial.example.org/editorial/articles/{submitted.pk}/"
    assert f"Your review is due on {due:%A %-d %B %Y}." in message.body
    assert link in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_running_delivery_twice_sends_one_email(editor, submitted, mailoutbox):
    ids = pending(kind=NotificationKind.SUBMITTED)
    assert ids

    first = notifications.deliver(ids)
    second = deliver_notifications.apply(args=[ids]).get()
    swept = notifications.deliver_pending()

    assert (first.delivered, first.emailed) == (len(ids), len(ids))
    assert second == {"delivered": 0, "emailed": 0, "skipped": len(ids), "failed": []}
    assert swept.delivered == 0
    assert len(emails_to(mailoutbox, editor)) == 1
    assert Notification.objects.get(pk=ids[0]).attempts == 1


def test_a_worker_that_read_the_row_before_another_delivered_it_does_not_send(editor, submitted, mailoutbox):
    """Where ``SELECT ... FOR UPDATE`` locks nothing, the conditional ``UPDATE`` is the claim."""
    [pk] = pending(kind=NotificationKind.SUBMITTED)
    stale = Notification.objects.get(pk=pk)  # what a second worker read while the row was pending
    notifications.deliver([pk])

    with mock.patch("django.db.models.query.QuerySet.first", return_value=stale):
        report = notifications.deliver([pk])

    assert report.skipped == 1
    assert len(mailoutbox) == 1


def test_an_opted_out_kind_is_delivered_in_app_only(
    editor, submitted, reviewers, mailoutbox, django_capture_on_commit_callbacks
):
    reviewer = reviewers[0].user
    NotificationPreference.objects.create(user=reviewer, kind=NotificationKind.ASSIGNED, email=False)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.assign_reviewer(actor=editor, article=submitted, reviewer=reviewers[0])
        notifications.notify([reviewer], NotificationKind.DUE_SOON, submitted, {"due_date": "2030-01-02"})

    assigned = Notification.objects.get(recipient=reviewer, kind=NotificationKind.ASSIGNED)
    assert assigned.delivered_at is not None
    assert assigned.emailed_at is None
    [message] = emails_to(mailoutbox, reviewer)
    assert "Review due 2 Jan 2030" in message.subject
    assert NotificationPreference.email_enabled(reviewer, NotificationKind.DUE_SOON)
    assert not NotificationPreference.email_enabled(reviewer, NotificationKind.ASSIGNED)


def test_a_recipient_without_an_email_address_is_notified_in_app(submitted, mailoutbox):
    nobody = factories.UserFactory(email="")
    [row] = notifications.notify([nobody], NotificationKind.APPROVED, submitted, {})

    report = notifications.deliver([row.pk])

    row.refresh_from_db()
    assert (report.delivered, report.emailed) == (1, 0)
    assert row.delivered_at is not None and row.emailed_at is None
    assert mailoutbox == []


# Failures, retries and the sweep -------------------------------------------------------------


def test_a_failed_send_stays_pending_until_the_sweep_retries_it(settings, submitted, editor, mailoutbox):
    [pk] = pending(kind=NotificationKind.SUBMITTED)
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.BrokenBackend"

    report = notifications.deliver([pk])

    note = Notification.objects.get(pk=pk)
    assert report.failed == [pk]
    assert (note.delivered_at, note.emailed_at, note.attempts) == (None, None, 1)
    assert note.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert timedelta(seconds=50) < note.next_attempt_at - timezone.now() <= timedelta(minutes=1)
    assert notifications.deliver_pending().delivered == 0, "the sweep waits for the retry time"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Notification.objects.filter(pk=pk).update(next_attempt_at=timezone.now())
    assert sweep_notifications.apply().get()["emailed"] == 1

    note.refresh_from_db()
    assert note.delivered_at is not None and note.attempts == 2
    assert len(emails_to(mailoutbox, editor)) == 1


def test_the_sweep_gives_up_after_the_maximum_number_of_attempts(editor, submitted, mailoutbox):
    [pk] = pending(kind=NotificationKind.SUBMITTED)
    Notification.objects.filter(pk=pk).update(attempts=notifications.MAX_DELIVERY_ATTEMPTS, last_error="boom")

    assert notifications.deliver_pending().delivered == 0
    assert list(notifications.undeliverable_notifications().values_list("pk", flat=True)) == [pk]
    assert mailoutbox == []


def test_retry_delays_grow_exponentially_up_to_an_hour():
    delays = [notifications.retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 8, 20)]
    assert delays == [60, 120, 240, 3600, 3600, 3600]


def test_on_a_worker_a_failure_is_retried_with_exponential_backoff(settings, editor, submitted):
    ids = pending(kind=NotificationKind.SUBMITTED)
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.BrokenBackend"

    retrying = mock.patch.object(deliver_notifications, "retry", side_effect=DeliveryFailed(ids))
    with retrying as retry, pytest.raises(DeliveryFailed):
        deliver_notifications(ids)  # as a worker calls it, not eagerly

    assert isinstance(retry.call_args.kwargs["exc"], DeliveryFailed)
    assert 0 <= retry.call_args.kwargs["countdown"] <= 3600
    assert deliver_notifications.max_retries == 6


def test_in_process_a_failure_waits_for_the_sweep_instead_of_retrying_on_the_spot(
    settings, editor, submitted
):
    ids = pending(kind=NotificationKind.SUBMITTED)
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.BrokenBackend"

    result = deliver_notifications.delay(ids)  # eager: no broker configured

    assert result.get()["failed"] == ids
    assert set(Notification.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}


def test_with_the_broker_down_the_change_commits_and_the_sweep_delivers(
    editor, submitted, reviewers, mailoutbox, django_capture_on_commit_callbacks
):
    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    broker_down = mock.patch.object(deliver_notifications, "delay", side_effect=refused)
    with broker_down as delay, django_capture_on_commit_callbacks(execute=True):
        assignment = workflow.assign_reviewer(actor=editor, article=submitted, reviewer=reviewers[0])

    assert delay.called
    assert assignment.pk is not None
    [pk] = pending(kind=NotificationKind.ASSIGNED)

    out = StringIO()
    call_command("deliver_notifications", stdout=out)

    assert pending() == [], "the sweep delivers every pending row, the editors' too"
    assert Notification.objects.get(pk=pk).emailed_at is not None
    assert len(emails_to(mailoutbox, reviewers[0].user)) == 1
    assert "Delivered 2 notification(s), 2 by email." in out.getvalue()


def test_a_broken_transport_never_fails_the_request_that_made_the_change(
    author, article, editor, django_capture_on_commit_callbacks
):
    # kombu's Redis transport once failed to import (a missing runtime package): the submission
    # had committed, yet the client got a 500 and, retrying, a 409.
    from rest_framework.test import APIClient

    broken = mock.patch.object(
        deliver_notifications, "delay", side_effect=ImportError("No module named 'packaging'")
    )
    client = APIClient()
    client.force_authenticate(author)
    with broken, django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/editorial/articles/{article.pk}/submit/", {}, format="json")

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == "submitted"
    assert pending(kind=NotificationKind.SUBMITTED), "the rows wait for the sweep"


def test_the_delivery_command_reports_failures_and_given_up_rows(settings, editor, submitted):
    [pk] = pending(kind=NotificationKind.SUBMITTED)
    nobody = factories.UserFactory()
    [stuck] = notifications.notify([nobody], NotificationKind.APPROVED, submitted, {})
    Notification.objects.filter(pk=stuck.pk).update(attempts=notifications.MAX_DELIVERY_ATTEMPTS)
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.BrokenBackend"
    out = StringIO()

    call_command("deliver_notifications", stdout=out)

    assert "Delivered 0 notification(s), 0 by email." in out.getvalue()
    assert f"1 failed and will be tried again: [{pk}]" in out.getvalue()
    assert f"1 notification(s) failed {notifications.MAX_DELIVERY_ATTEMPTS} times" in out.getvalue()


# Emails of every kind ------------------------------------------------------------------------

PAYLOADS = {
    NotificationKind.ASSIGNED: ({"due_date": "2030-03-04"}, ["due on Monday 4 March 2030"]),
    NotificationKind.DUE_SOON: ({"due_date": "2030-03-04"}, ["is due on Monday 4 March 2030"]),
    NotificationKind.OVERDUE: ({"due_date": "2030-03-04", "reviewer": "Dr. Baker"}, ["Dr. Baker's review"]),
    NotificationKind.CHANGES_REQUESTED: ({"comments": "Cite the 2020 <NICE> guideline."}, ["Cite the 2020"]),
    NotificationKind.APPROVED: ({}, ["approved by the advisory board"]),
    NotificationKind.REVIEW_DUE: (
        {"reason": "Scheduled review: last reviewed on 2029-03-04."},
        ["2029-03-04"],
    ),
    NotificationKind.SOURCE_RETRACTED: (
        {
            "source": 3,
            "key": "will2018",
            "title": "Mechanical low back pain",
            "retracted_on": "2020-06-05",
            "notice": "https://doi.org/10.1016/s0140-6736(20)31324-6",
            "reason": "Data fabrication",
            "flagged_for_rereview": True,
        },
        ["[@will2018] Mechanical low back pain (retracted 2020-06-05)", "Data fabrication", "due for review"],
    ),
    NotificationKind.SUBMITTED: (
        {"comment": "Ready for the board."},
        ["submitted for review by", "Ready for"],
    ),
    NotificationKind.SOURCE_CHANGED: (
        {
            "source": "will2018",
            "title": "Mechanical low back pain",
            "changes": {"url": ["https://a.example/", "https://b.example/"]},
            "reason": "[@will2018] Mechanical low back pain changed:\nurl: 'https://a.example/' → 'https://b.example/'",
            "signoffs_voided": True,
        },
        ["changed by an editor", "https://b.example/", "no longer count"],
    ),
    NotificationKind.AUDIT_FAILED: (
        {"reason": "article 7, entry 2 (transition 9): the record differs", "broken_count": 1},
        ["entry 2 (transition 9)", "1 problem(s)"],
    ),
    NotificationKind.COLLEAGUE_REQUESTED_CHANGES: (
        {"reviewer": "Dr. Wei Chen", "comments": "The dose is wrong."},
        ["Dr. Wei Chen recommended changes", "your review is still open", "The dose is wrong."],
    ),
    NotificationKind.DECISION_NEEDED: (
        {"reviewer": "Dr. Wei Chen", "comments": "The dose is wrong."},
        ["Dr. Wei Chen recommended changes", "decides the round"],
    ),
    NotificationKind.DECIDED: ({"decision": "approve", "round": 2}, ["decided round 2", "approved"]),
    NotificationKind.REINVITED: (
        {"due_date": "2030-01-02", "round": 2, "assignment": 1},
        ["review round 2", "2 January 2030", "the version you reviewed"],
    ),
    NotificationKind.COMMENT_REPLY: ({"comment": 4}, ["replied to your comment"]),
    NotificationKind.RETRACTED: (
        {"notice": "Withdrawn: a data error."},
        ["410 Gone", "Withdrawn: a data error."],
    ),
}


@pytest.mark.parametrize("kind", NotificationKind.values)
def test_every_kind_has_a_plain_text_and_an_html_email(kind, submitted, editor):
    payload, expected = PAYLOADS[kind]
    note = Notification.objects.create(recipient=editor, kind=kind, article=submitted, payload=payload)

    message = notifications.build_email(note)

    [(html, _mimetype)] = message.alternatives
    assert message.subject.startswith("[Medical Library] ")
    assert submitted.title in message.subject
    for text in expected:
        assert text in message.body
    assert f"/editorial/articles/{submitted.pk}/" in message.body
    assert "/editorial/notifications/" in message.body
    assert submitted.title in html and "<html" in html
    assert "None" not in message.body + html + message.subject


def test_plain_text_is_not_html_escaped_and_html_is(submitted, author):
    comments = 'Use "mg/kg" & cite <NICE>.'
    note = Notification.objects.create(
        recipient=author,
        kind=NotificationKind.CHANGES_REQUESTED,
        article=submitted,
        payload={"comments": comments},
    )

    message = notifications.build_email(note)

    assert comments in message.body
    assert "Use &quot;mg/kg&quot; &amp; cite &lt;NICE&gt;." in message.alternatives[0][0]


def test_an_overdue_email_speaks_to_the_reviewer_and_to_the_editors_differently(editor, submitted, reviewers):
    reviewer = reviewers[0]
    payload = {"due_date": "2030-03-04", "reviewer": reviewer.display_name, "reviewer_user": reviewer.user_id}
    to_reviewer, to_editor = (
        Notification.objects.create(
            recipient=user, kind=NotificationKind.OVERDUE, article=submitted, payload=payload
        )
        for user in (reviewer.user, editor)
    )

    assert "Your review of" in notifications.build_email(to_reviewer).body
    editor_email = notifications.build_email(to_editor)
    assert f"{reviewer.display_name}'s review of" in editor_email.body
    assert reviewer.display_name in editor_email.subject


# Concurrent workers (PostgreSQL) -------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_send_each_email_exactly_once(settings, article):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.SlowBackend"
    recipients = [factories.UserFactory() for _ in range(8)]
    ids = [
        row.pk
        for row in Notification.objects.bulk_create(
            Notification(recipient=user, kind=NotificationKind.APPROVED, article=article)
            for user in recipients
        )
    ]
    workers = 6
    start = threading.Barrier(workers)
    errors = []

    def work(n):
        try:
            start.wait(timeout=10)
            # Half deliver the task's ids, half run the sweep, all at once.
            notifications.deliver(ids) if n % 2 else notifications.deliver_pending()
        except Exception as exc:  # surfaced below, where pytest can report it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert not any(thread.is_alive() for thread in threads)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(user.email for user in recipients)
    assert not Notification.objects.filter(pk__in=ids, delivered_at__isnull=True).exists()
    assert set(Notification.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}
