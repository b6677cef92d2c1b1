"""Template helpers of the editorial app: status badges, the review tracker, notification texts,
the keys of the editor's copies of unsaved text."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from articles.models import Status
from reviews.models import NotificationKind
from reviews.views import kept_copies

register = template.Library()

# The public tracker's three steps and the statuses that reach each.
TRACKER_STEPS = [
    (Status.SUBMITTED, {Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED, Status.REVIEW_DUE}),
    (Status.UNDER_REVIEW, {Status.UNDER_REVIEW, Status.APPROVED, Status.REVIEW_DUE}),
    (Status.APPROVED, {Status.APPROVED, Status.REVIEW_DUE}),
]


@register.simple_tag
def status_badge(status: str):
    """``<span class="status status-approved">Approved</span>`` for a status value."""
    return format_html('<span class="status status-{}">{}</span>', status, Status(status).label)


@register.simple_tag(takes_context=True)
def kept_copy_key(context, article=None) -> str:
    """The browser's key for the unsaved text of this editor page (``reviews.views.kept_copies``)."""
    return kept_copies.copy_key(context["request"].user, article)


@register.simple_tag(takes_context=True)
def kept_copy_prefix(context) -> str:
    return kept_copies.copy_prefix(context["request"].user)


@register.simple_tag(takes_context=True)
def saved_copies(context) -> str:
    """The keys of the copies the server saved since the last page, space-separated; once only."""
    return " ".join(kept_copies.pop_saved(context["request"]))


@register.inclusion_tag("editorial/_tracker.html")
def tracker(article):
    """Where the article stands on Submitted → Under Review → Approved, with any detour named."""
    steps = [
        {"label": step.label, "reached": article.status in reached, "current": article.status == step}
        for step, reached in TRACKER_STEPS
    ]
    detour = article.status if article.status not in {s for s, _reached in TRACKER_STEPS} else ""
    return {"steps": steps, "detour": Status(detour).label if detour else "", "status": article.status}


REVIEWER_KINDS = {
    NotificationKind.ASSIGNED,
    NotificationKind.DUE_SOON,
    NotificationKind.OVERDUE,
    NotificationKind.REINVITED,
    NotificationKind.COLLEAGUE_REQUESTED_CHANGES,
}


def _about_someone_else(notification) -> bool:
    """A reminder sent to an editor about another person's review (``reviewer_user`` in the payload)."""
    reviewer = (notification.payload or {}).get("reviewer_user")
    return reviewer is not None and reviewer != notification.recipient_id


@register.filter
def notification_text(notification) -> str:
    """One sentence saying what happened, from the notification's kind and payload."""
    payload = notification.payload or {}
    values = {
        "title": notification.article.title if notification.article_id else _("an article"),
        "due": payload.get("due_date", ""),
        "reviewer": payload.get("reviewer", _("A reviewer")),
        "source": payload.get("source", _("a source")),
        "reason": payload.get("reason", ""),
    }
    if _about_someone_else(notification):
        texts = {
            NotificationKind.DUE_SOON: _("%(reviewer)s’s review of “%(title)s” is due %(due)s."),
            NotificationKind.OVERDUE: _(
                "%(reviewer)s’s review of “%(title)s” is overdue (it was due %(due)s)."
            ),
        }
    else:
        texts = {
            NotificationKind.DUE_SOON: _("Your review of “%(title)s” is due %(due)s."),
            NotificationKind.OVERDUE: _("Your review of “%(title)s” is overdue (it was due %(due)s)."),
        }
    texts |= {
        NotificationKind.ASSIGNED: _("You were asked to review “%(title)s”, due %(due)s."),
        NotificationKind.CHANGES_REQUESTED: _("Changes requested to “%(title)s”: read the decision letter."),
        NotificationKind.COLLEAGUE_REQUESTED_CHANGES: _(
            "%(reviewer)s recommended changes to “%(title)s”; your review stays open."
        ),
        NotificationKind.DECISION_NEEDED: _("“%(title)s” needs an editor’s decision."),
        NotificationKind.DECIDED: _("The editor decided the review round of “%(title)s”."),
        NotificationKind.REINVITED: _("You are invited to review “%(title)s” again, due %(due)s."),
        NotificationKind.COMMENT_REPLY: _("A reply to your comment on “%(title)s”."),
        NotificationKind.RETRACTED: _("“%(title)s” was retracted."),
        NotificationKind.APPROVED: _("“%(title)s” was approved and is published."),
        NotificationKind.SOURCE_RETRACTED: _("%(source)s, cited by “%(title)s”, was retracted."),
        NotificationKind.REVIEW_DUE: _("“%(title)s” is due for another review."),
        NotificationKind.SUBMITTED: _("“%(title)s” was submitted for review."),
        NotificationKind.SOURCE_CHANGED: _(
            "A cited source of “%(title)s” changed since review: [@%(source)s]."
        ),
        NotificationKind.AUDIT_FAILED: _("The audit trail failed verification: %(reason)s"),
    }
    return texts.get(notification.kind, _("Update on “%(title)s”.")) % values


@register.filter
def notification_detail(notification) -> str:
    """The reviewer's comments, the reason for a re-review or the submitter's comment, if any."""
    payload = notification.payload or {}
    for key in ("comments", "reason", "comment", "notice"):
        if payload.get(key):
            return payload[key]
    return ""


@register.filter
def notification_url(notification) -> str:
    """Where the notification leads: the reviewer's own review page, else the article."""
    if not notification.article_id:
        return reverse("editorial:notifications")
    if notification.kind in REVIEWER_KINDS and not _about_someone_else(notification):
        return reverse("editorial:review", args=[notification.article_id])
    return reverse("editorial:article", args=[notification.article_id])
