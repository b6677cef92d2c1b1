"""In-app notifications: the bell's unread count, the list, marking read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.models import Notification, NotificationKind
from tests import states

pytestmark = pytest.mark.django_db


def test_the_bell_counts_unread_notifications(reviewer_clients, under_review):
    content = reviewer_clients[0].get(reverse("editorial:dashboard")).content.decode()

    assert 'aria-label="Notifications: 1 unread"' in content
    assert '<span class="bell-count" data-testid="unread-count">1</span>' in content


def test_every_kind_reads_as_a_sentence(author_client, author, article):
    payloads = {
        NotificationKind.ASSIGNED: {"due_date": "2030-01-02"},
        NotificationKind.DUE_SOON: {"due_date": "2030-01-02"},
        NotificationKind.OVERDUE: {"due_date": "2030-01-02"},
        NotificationKind.CHANGES_REQUESTED: {"comments": "Fix the dose."},
        NotificationKind.APPROVED: {},
        NotificationKind.SOURCE_RETRACTED: {"source": "Trial of X", "reason": "Fabricated data."},
        NotificationKind.REVIEW_DUE: {"reason": "A year has passed."},
        NotificationKind.SUBMITTED: {},
        NotificationKind.COLLEAGUE_REQUESTED_CHANGES: {"reviewer": "Dr. Chen", "comments": "Dose?"},
        NotificationKind.DECISION_NEEDED: {"reviewer": "Dr. Chen", "comments": "Dose?"},
        NotificationKind.DECIDED: {"decision": "approve", "round": 1},
        NotificationKind.REINVITED: {"due_date": "2030-02-03", "round": 2},
        NotificationKind.COMMENT_REPLY: {"comment": 1},
        NotificationKind.RETRACTED: {"notice": "Withdrawn: data error."},
    }
    for kind, payload in payloads.items():
        Notification.objects.create(recipient=author, kind=kind, article=article, payload=payload)

    content = author_client.get(reverse("editorial:notifications")).content.decode()

    for expected in [
        f"You were asked to review “{article.title}”, due 2030-01-02.",
        "is overdue (it was due 2030-01-02)",
        "Changes requested to",
        "Fix the dose.",
        "was approved and is published.",
        f"Trial of X, cited by “{article.title}”, was retracted.",
        "Fabricated data.",
        "is due for another review.",
        "was submitted for review.",
        "Dr. Chen recommended changes to",
        "needs an editor’s decision.",
        "The editor decided the review round of",
        f"You are invited to review “{article.title}” again, due 2030-02-03.",
        "A reply to your comment on",
        "was retracted.",
        "Withdrawn: data error.",
    ]:
        assert expected in content
    assert reverse("editorial:review", args=[article.pk]) in content


def test_marking_one_read(author_client, author, under_review, reviewers, editor):
    states.changes_requested(under_review, editor, reviewers[1], comments="More detail.")
    notification = Notification.objects.get(recipient=author)

    response = author_client.post(reverse("editorial:notification_read", args=[notification.pk]), follow=True)

    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "Notification marked as read." in response.content.decode()
    assert "bell-count" not in response.content.decode()


def test_someone_elses_notification_is_not_found(author_client, reviewers, under_review):
    theirs = Notification.objects.filter(recipient=reviewers[0].user).first()

    response = author_client.post(reverse("editorial:notification_read", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_all_read(reviewer_clients, reviewers, under_review):
    reviewer_clients[0].post(reverse("editorial:notifications_read_all"))

    assert not Notification.objects.filter(recipient=reviewers[0].user, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=reviewers[1].user, read_at__isnull=True).exists()


def test_an_overdue_reminder_about_someone_elses_review_names_them(editor_client, editor, article):
    Notification.objects.create(
        recipient=editor,
        kind=NotificationKind.OVERDUE,
        article=article,
        payload={"due_date": "2030-01-02", "reviewer": "Dr. Ann Baker", "reviewer_user": editor.pk + 1000},
    )

    content = editor_client.get(reverse("editorial:notifications")).content.decode()

    assert f"Dr. Ann Baker’s review of “{article.title}” is overdue (it was due 2030-01-02)." in content
    assert reverse("editorial:article", args=[article.pk]) in content
    assert reverse("editorial:review", args=[article.pk]) not in content


def test_a_user_turns_off_email_for_one_kind_and_still_sees_it_in_the_app(
    client, reviewers, under_review, editor
):
    from django.core import mail

    from reviews import workflow
    from reviews.models import Notification, NotificationKind

    reviewer = reviewers[2]
    client.force_login(reviewer.user)
    page = client.get(reverse("editorial:email_preferences"))
    assert page.status_code == 200 and b"Assigned to review" in page.content
    choices = {kind: "on" for kind in NotificationKind.values if kind != NotificationKind.ASSIGNED}

    response = client.post(reverse("editorial:email_preferences"), choices, follow=True)

    assert b"In the app only: Assigned to review" in response.content
    mail.outbox.clear()
    workflow.assign_reviewer(actor=editor, article=under_review, reviewer=reviewer)
    assert Notification.objects.filter(recipient=reviewer.user, kind=NotificationKind.ASSIGNED).exists()
    assert not [m for m in mail.outbox if reviewer.user.email in m.to]
